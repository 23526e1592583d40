"""DeepStep's benchmarks: `python -m bench.run` (see README.md, "Benchmarks"). Not tests."""
