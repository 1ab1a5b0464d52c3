"""Benchmarks: the synthetic graph generator and the benchmark runner."""
