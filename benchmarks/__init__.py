"""Benchmarks: `make bench` (100k rows) and `make bench-quick` (10k rows). Figures, never assertions."""
