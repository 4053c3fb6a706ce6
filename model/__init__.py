"""Bike-rental demand model: validate → features → train → evaluate → gate → register."""
