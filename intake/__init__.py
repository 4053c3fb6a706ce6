"""New data into git: a month that lands in the environment's landing prefix (S3) becomes a
data PR (`data/<month>.csv` plus its datasheet entry), after the data contract
(model/validate.py) accepted it; and the data a drift dispatch points at becomes the retrain
workflow's new month. Imports `model` and `gitops.git`; nothing imports it. Runs in CI
(.github/workflows/intake.yml, retrain.yml), not in the service's image.
"""
