"""Line and column of the keys and items of a JSON text, found only when a diagnostic asks.

The YAML reader records a position for every node as it builds the tree: 0.3 s for the 3.8 MB
Kubernetes document, against 0.02 s for `json.loads`, which records none. A document that is
plain JSON is therefore read with `json`, and its containers point here instead (see
`document.SpecDict.origin`): the text is scanned only for the containers whose positions are
read, each once, skipping the values in between with the C decoder. The positions are the
ones the YAML reader gives: a key's opening quote, an item's first character, both 1-based.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Callable, Union

from generator.ingest.document import Mark

Path = tuple[Union[str, int], ...]

_SPACE = re.compile(r"[ \t\n\r]*")


def _drop(pairs: object) -> None:
    return None


class JsonPositions:
    """Where each node of one JSON text starts; the text must be what `json.loads` accepted.

    key turns a key of the text into the key of the tree (the loader replaces lone surrogates).
    """

    def __init__(self, text: str, key: Callable[[str], str] = str) -> None:
        self.text = text
        self._key = key
        # Skipping a value still decodes it; objects dropped as they are made cost half as much.
        self._skipper = json.JSONDecoder(object_pairs_hook=_drop)
        self._decoder = json.JSONDecoder()
        self._found: dict[Path, dict[str, Mark] | list[Mark]] = {}
        self._starts: dict[Path, int] = {(): _SPACE.match(text, 0).end()}  # type: ignore[union-attr]
        self._scanned: dict[int, list[tuple[str | int, int, int]]] = (
            {}
        )  # _entries, by where the container starts
        # Offsets whose line is known, in order, and those lines: a line is counted from the
        # nearest one before it (a few thousand asked, where listing all line starts costs 20 ms).
        self._anchors, self._lines = [0], [1]
        self._returns = "\r" in text  # a lone \r and \r\n end lines too

    def marks(self, path: Path) -> dict[str, Mark] | list[Mark]:
        """The key positions of the object at path, or the item positions of the array there
        (none when the text has no container there)."""
        if path not in self._found:  # copies of a container (from $ref bundling) ask again
            self._found[path] = self._find(path)
        found = self._found[path]
        return dict(found) if isinstance(found, dict) else list(found)  # the caller's to change

    def _find(self, path: Path) -> dict[str, Mark] | list[Mark]:
        start = self._start(path)
        if start is None or self.text[start] not in "{[":
            return {}
        entries = self._entries(start)
        if self.text[start] == "{":
            return {str(key): self._mark(at) for key, at, _ in entries}
        return [self._mark(value_at) for _, _, value_at in entries]

    def _start(self, path: Path) -> int | None:
        """Where the value at path starts, scanning each container on the way once."""
        depth = len(path)
        while path[:depth] not in self._starts:
            depth -= 1
        for known in range(depth, len(path)):
            parent = path[:known]
            if self.text[self._starts[parent]] not in "{[":
                return None
            for key, _, value_at in self._entries(self._starts[parent]):
                self._starts[parent + (key,)] = value_at
            if path[: known + 1] not in self._starts:
                return None
        return self._starts[path]

    def _entries(self, start: int) -> list[tuple[str | int, int, int]]:
        """(key or index, where the key or item starts, where the value starts) of one container."""
        if start not in self._scanned:  # asked for its children's starts, then for its own marks
            self._scanned[start] = self._scan(start)
        return self._scanned[start]

    def _scan(self, start: int) -> list[tuple[str | int, int, int]]:
        text, space = self.text, _SPACE
        is_object = text[start] == "{"
        closing = "}" if is_object else "]"
        found: list[tuple[str | int, int, int]] = []
        at = space.match(text, start + 1).end()  # type: ignore[union-attr]
        while text[at] != closing:
            entry_at = at
            key: str | int = len(found)
            if is_object:
                text_key, at = self._decoder.raw_decode(text, at)
                key = self._key(text_key)
                at = space.match(text, at).end() + 1  # type: ignore[union-attr]  # past the colon
                at = space.match(text, at).end()  # type: ignore[union-attr]
            value_at = at
            _, at = self._skipper.raw_decode(text, at)
            found.append((key, entry_at, value_at))
            at = space.match(text, at).end()  # type: ignore[union-attr]
            if text[at] == ",":
                at = space.match(text, at + 1).end()  # type: ignore[union-attr]
        return found

    def _mark(self, offset: int) -> Mark:
        text = self.text
        index = bisect.bisect_right(self._anchors, offset)
        line = self._lines[index - 1] + self._breaks(self._anchors[index - 1], offset)
        self._anchors.insert(index, offset)
        self._lines.insert(index, line)
        line_start = text.rfind("\n", 0, offset) + 1
        if self._returns:
            line_start = max(line_start, text.rfind("\r", 0, offset) + 1)
        return line, offset - line_start + 1

    def _breaks(self, start: int, end: int) -> int:
        """Line breaks between two offsets (neither inside a \r\n: they start keys and values)."""
        text = self.text
        count = text.count("\n", start, end)
        if self._returns:
            count += text.count("\r", start, end) - text.count("\r\n", start, end)
        return count
