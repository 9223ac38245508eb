"""Work done aside in a forked child: its result, or the parent's own when the child fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.state import aside
from generator.state.aside import Aside


@pytest.fixture(autouse=True)
def _enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aside, "ENABLED", True)


def test_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    parent = os.getpid()
    job = Aside(
        lambda: (os.getpid(), "x" * 1_000_000)
    )  # more than a pipe holds: read while the child writes
    worker, text = job.result()
    assert worker != parent and text == "x" * 1_000_000


def test_without_fork_enabled_the_parent_does_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aside, "ENABLED", False)
    assert Aside(os.getpid).result() == os.getpid()


@pytest.mark.parametrize("failure", ["raise", "crash", "unpicklable"])
def test_a_child_that_fails_leaves_the_work_to_the_parent(failure: str) -> None:
    parent = os.getpid()

    def work() -> object:
        if os.getpid() != parent:
            if failure == "raise":
                raise RuntimeError("only in the child")
            if failure == "crash":
                os._exit(3)
            return lambda: None  # a result pickle cannot send
        return "done by the parent"

    assert Aside(work).result() == "done by the parent"


def test_an_error_of_the_work_itself_is_raised_in_the_parent() -> None:
    def work() -> object:
        raise ValueError("a template bug")

    with pytest.raises(ValueError, match="a template bug"):
        Aside(work).result()


def test_discard_stops_a_child_whose_result_is_not_wanted() -> None:
    started = time.monotonic()
    job = Aside(lambda: time.sleep(60))
    job.discard()
    assert time.monotonic() - started < 10
    job.discard()  # a second time does nothing


def test_afterwards_work_runs_in_the_child_after_its_result_is_sent(tmp_path: Path) -> None:
    mark = tmp_path / "afterwards"

    def afterwards() -> None:
        time.sleep(1.5)
        mark.write_text(str(os.getpid()))

    started = time.monotonic()
    assert Aside(lambda: "value", afterwards).result() == "value"
    assert time.monotonic() - started < 1.4 and not mark.exists()  # the parent did not wait for it
    aside.finish()
    assert mark.read_text() != str(os.getpid())


@pytest.mark.parametrize("forking", [False, True])
def test_afterwards_work_runs_in_the_parent_when_the_parent_does_the_work(
    forking: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aside, "ENABLED", forking)
    parent, done = os.getpid(), []

    def work() -> str:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return "value"

    assert Aside(work, lambda: done.append(os.getpid())).result() == "value"
    assert done == [parent]
