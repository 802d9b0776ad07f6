"""Benchmarks behind `make bench`: every performance claim gets a number."""
