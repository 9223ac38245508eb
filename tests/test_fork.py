"""Work done aside in a forked child (generator/state/fork.py): the same result as in-process,
and any failure of the child means the parent does the work, where its errors surface."""

from __future__ import annotations

import dataclasses
import os
import signal

import pytest

from generator.build import build
from generator.ingest.options import Options
from generator.memo import INLINE
from generator.state.fork import Forked
from generator.target import Target
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def test_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    parent = os.getpid()
    result = Forked().start(lambda: {"pid": str(os.getpid()), "text": "é\ud800"})()
    assert result["pid"] != str(parent)
    assert result["text"] == "é\ud800"  # any text a document may hold, lone surrogates too


def test_an_exception_in_the_child_is_raised_by_the_parent_doing_the_work() -> None:
    parent = os.getpid()

    def work() -> dict[str, str]:
        raise ValueError(f"raised in {os.getpid()}")

    with pytest.raises(ValueError, match=f"raised in {parent}$"):
        Forked().start(work)()


@pytest.mark.parametrize("how", ["signal", "not a mapping"])
def test_a_child_that_dies_or_answers_nonsense_is_replaced_by_the_parent(how: str) -> None:
    parent = os.getpid()

    def work() -> dict[str, str]:
        if os.getpid() != parent:
            if how == "signal":
                os.kill(os.getpid(), signal.SIGKILL)
            return ["nonsense"]  # type: ignore[return-value]
        return {"done by": "parent"}

    assert Forked().start(work)() == {"done by": "parent"}


def test_a_generation_with_its_tests_made_aside_is_the_same() -> None:
    target = Target(
        spec=ROOT / "spec/callfire-call-broadcast.yaml",
        output=ROOT / "generated",
        overlays=(ROOT / "spec/callfire-call-broadcast.overlay.yaml",),
        package="callfire_client",
    )
    inline = build(target, Options(aside=INLINE))
    forked = build(target, dataclasses.replace(Options(), aside=Forked()))
    assert forked.files is not None and forked.files == inline.files
