"""Batch scoring with the service's predictor: one period from S3 (the scheduled job, in the
service's image) and a Spark backfill of many periods (outside the image). See README.md.
Imports `model` only; never `bento` (the job runs without the service).
"""
