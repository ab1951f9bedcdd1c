"""Rerunnable benchmarks (see bench/common.py). Run from the repository root: `make bench`."""
