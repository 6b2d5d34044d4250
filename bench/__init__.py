"""Benchmarks and load generators; run them as modules (`python -m bench.desk`)."""
