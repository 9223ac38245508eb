"""The benchmarks are never part of the test run: pytest collects nothing under tests/bench."""

collect_ignore_glob = ["*"]
