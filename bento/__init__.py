"""BentoML service for the bike-rental demand model: online, batch and explain APIs over
`model.predictor`, and the same image's Lambda entry point. Imports `model`, and `scoring` for
the Lambda handler's model load (the job's, sha256 checked); never `gitops` or training extras.
"""
