"""Monitoring as code: the Prometheus rules shipped with the manifests, the prediction reference
they compare against, and the Grafana dashboard (see monitoring/README.md).
Imports `model` only.
"""
