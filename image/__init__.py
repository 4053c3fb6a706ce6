"""The OCI image: build, push, sign, SBOM and run it as the cluster does (see README.md).

Imports `model` only (the record names what the image ships).
"""
