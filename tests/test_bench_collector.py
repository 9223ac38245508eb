"""The per-call benchmark's account of the cycle collector (tests/bench/percall.py), which the
closing note of issue 9 relies on to split what a call does from what the collector costs."""

from __future__ import annotations

import gc

from tests.bench.percall import Collector


def _make_cycles(count: int) -> None:
    for _ in range(count):
        node: list[object] = []
        node.append(node)  # a cycle only the collector frees


def test_counts_the_collections_the_timed_code_sets_off() -> None:
    with Collector() as collector:
        _make_cycles(20_000)
    figures = collector.per_call(10)
    assert collector.runs[0] >= 10  # about one per 700 new lists (gc.get_threshold()[0])
    assert figures["young_collections"] == collector.runs[0] / 10
    assert figures["collector_us"] > 0


def test_paused_runs_no_collection_and_gives_the_collector_back() -> None:
    with Collector(paused=True) as collector:
        assert not gc.isenabled()
        _make_cycles(20_000)
    assert collector.runs == [0, 0, 0]
    assert gc.isenabled()
    assert collector._observe not in gc.callbacks


def test_leaves_a_collector_switched_off_by_the_caller_off() -> None:
    gc.disable()
    try:
        with Collector(paused=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
