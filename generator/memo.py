"""What the stages may remember between runs, as an interface: the stages never know where.

A stage that can save work asks a Memo for data it kept under (kind, key) and gives it what it
made. The pipeline is the same pure function with or without one: NO_MEMO remembers nothing,
and generator.state.cache.Memo keeps signed, data-only entries in the cache folder. A stage
may hand the next one a Deferred file instead of its text, when the next one may have kept it.

Likewise a stage may start independent work Aside: INLINE does it when its result is asked
for, generator.state.fork.Forked in a child process meanwhile (the result is the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol


class Memo(Protocol):
    def read(self, kind: str, key: str) -> bytes | None: ...

    def write(self, kind: str, key: str, data: bytes) -> None: ...


class _Nothing:
    """Remembers nothing: every stage does all of its work."""

    def read(self, kind: str, key: str) -> bytes | None:
        return None

    def write(self, kind: str, key: str, data: bytes) -> None:
        return None


NO_MEMO: Memo = _Nothing()


@dataclass(frozen=True)
class Deferred:
    """A file not made yet: key names everything its text is made from (a digest), so a memo
    that kept what the file became under that key may stand in for making it."""

    key: str
    make: Callable[[], str]


Data = dict[str, Any]  # a JSON object: what work done aside gives back


class Aside(Protocol):
    def start(self, work: Callable[[], Data]) -> Callable[[], Data]:
        """Start work; the function returned gives its result (raising what work raised)."""
        ...


class _Inline:
    """Does the work when its result is asked for, in this process."""

    def start(self, work: Callable[[], Data]) -> Callable[[], Data]:
        return work


INLINE: Aside = _Inline()
