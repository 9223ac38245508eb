"""Benchmarks of issue 9: the generator and its clients against OpenAPI Generator and bravado.

Run them with ``.venv/bin/python -m tests.bench`` (see tests/bench/README.md). Nothing here is
collected by pytest.
"""
