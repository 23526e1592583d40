"""DeepStep's benchmarks: `python -m bench` (see README.md, "Benchmarks"). Not tests."""
