"""What the stages may remember between runs, as an interface: the stages never know where.

A stage that can save work asks a Memo for data it kept under (kind, key) and gives it what it
made. The pipeline is the same pure function with or without one: NO_MEMO remembers nothing,
and generator.state.cache.Memo keeps signed, data-only entries in the cache folder. A stage
may hand the next one a Deferred file instead of its text, when the next one may have kept it.

Likewise a stage may start independent work Aside: INLINE does it when its result is asked
for, generator.state.fork.Forked in a child process meanwhile (the result is the same).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Protocol


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


def pack(texts: dict[str, str]) -> bytes:
    """Texts by key as one entry's data: a JSON line of [key, length] pairs, then the texts one
    after another. Reading it is a decode and slices: a JSON object of the same texts cost a
    Kubernetes-sized regeneration a tenth of a second to parse, and more to write. The texts are
    encoded one by one: one string of them all (four bytes a character when one character needs
    it), then its copy with the sizes in front, was the peak of a generation's memory."""
    sizes = json.dumps([[key, len(text)] for key, text in texts.items()])
    return b"".join(
        [sizes.encode(), b"\n", *(text.encode(_UTF8, _LONE) for text in texts.values())]
    )


def unpack(data: bytes | None) -> dict[str, str]:
    """The texts pack made data of, by key; {} when data is None or not what pack makes."""
    if data is None:
        return {}
    end = data.find(b"\n")
    try:  # the texts decoded in place: copying a 15 MB entry costs as much as decoding it
        sizes = json.loads(data[: max(end, 0)])
        body = str(memoryview(data)[end + 1 :], _UTF8, _LONE)
    except ValueError:  # UnicodeDecodeError is one
        return {}
    if not isinstance(sizes, list) or not all(_is_size(entry) for entry in sizes):
        return {}
    if sum(size for _, size in sizes) != len(body):
        return {}
    found, start = {}, 0
    for key, size in sizes:
        found[key] = body[start : start + size]
        start += size
    return found


def _is_size(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and type(entry[1]) is int
        and entry[1] >= 0
    )


_UTF8, _LONE = "utf-8", "surrogatepass"  # lone surrogates a document may hold survive


@dataclass(frozen=True)
class Deferred:
    """A file not made yet: key names everything its text is made from (a digest), so a memo
    that kept what the file became under that key may stand in for making it."""

    key: str
    make: Callable[[], str]


Data = dict[str, str]  # texts by name: what work done aside gives back


class Aside(Protocol):
    def start(self, work: Callable[[], Data]) -> Callable[[], Data]:
        """Start work; the function returned gives its result (raising what work raised)."""
        ...


class _Inline:
    """Does the work when its result is asked for, in this process."""

    def start(self, work: Callable[[], Data]) -> Callable[[], Data]:
        return work


INLINE: Aside = _Inline()
