"""The service's API as a Postman collection, checked with newman: generated, kept, run.

`python -m bento.postman generate URL` regenerates collection.json and the environment files
from a served /docs.json; `python -m bento.postman run URL` runs the kept collection with
newman against a base URL and writes an HTML report (make postman-collection, make newman).
Not part of the bento (bento/bentofile.yaml includes bento/*.py and bentoml_fixes/ only).
"""
