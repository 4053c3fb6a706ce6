"""Benchmarks (not tests): serving throughput, latency and memory against baselines."""
