"""BentoML service for the bike-rental demand model: online, batch and explain APIs over
`model.predictor`. Imports `model` only; never `scoring`, `gitops` or the training code's extras.
"""
