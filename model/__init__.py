"""Bike-rental demand model: validate → features → train → evaluate → gate → register.

Owns the training pipeline, the champion record and the one inference path
(`model.predictor`); imports no other package of this project (everything else imports it).
"""
