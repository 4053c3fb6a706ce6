"""Benchmarks (not tests): serving throughput, latency and memory against baselines.

Imports what it measures (`bento`, `scoring`, `model`, `image`); nothing imports it.
"""
