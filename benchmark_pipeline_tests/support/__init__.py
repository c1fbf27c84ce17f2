"""Helpers the tests and the benchmarks import: databases on the embedded server and the
reference material beside the checkout."""
