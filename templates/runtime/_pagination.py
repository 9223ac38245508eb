"""Walking paginated list operations page by page.

``PageSpec`` says how an operation pages; ``PageWalker`` keeps the position between requests.
The clients' ``paginate``/``apaginate`` only do the I/O: ask the walker for the next query,
fetch the page, hand it back, and yield the items the walker found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pydantic

__all__ = ["PageSpec", "PageWalker", "read_field"]


@dataclass(frozen=True)
class PageSpec:
    """How one list operation pages; every name is a wire name.

    ``items`` is the field holding the page's array. ``offset`` pages advance ``offset_param``
    by the number of items received, ``page`` pages add one to ``page_param`` (starting at
    ``first_page`` when the caller gives none), ``cursor`` pages send the ``next_field`` value
    of the previous page as ``cursor_param`` and stop at a cursor already sent (a server that
    answers A, B, A, ... would otherwise be paged forever). ``total_field``, when present, is
    the total number of items, which saves a request for an empty last page.
    """

    kind: Literal["offset", "page", "cursor"]
    items: str
    limit_param: str | None = None
    offset_param: str | None = None
    page_param: str | None = None
    cursor_param: str | None = None
    next_field: str | None = None
    total_field: str | None = None
    first_page: int = 1


def read_field(page: object, wire_name: str) -> object:
    """Read a field of a parsed page by its wire name, from a model or a dict (None if absent)."""
    if isinstance(page, Mapping):
        return page.get(wire_name)
    if isinstance(page, pydantic.BaseModel):
        for name, info in type(page).model_fields.items():
            if wire_name in (info.serialization_alias, info.alias, name):
                return getattr(page, name)
        return (page.model_extra or {}).get(wire_name)
    return getattr(page, wire_name, None)


class PageWalker:
    """The position in a paginated listing; it never performs I/O itself."""

    def __init__(self, spec: PageSpec, query: Mapping[str, object]) -> None:
        self._spec = spec
        self._query = dict(query)
        self._done = False
        self._limit = _as_int(query.get(spec.limit_param)) if spec.limit_param else None
        # Digests of the cursors sent so far: 16 bytes each, however long the server's cursors.
        self._seen_cursors: set[bytes] = set()
        self._start_defaults()

    def _start_defaults(self) -> None:
        spec = self._spec
        if spec.kind == "cursor":
            given = self._query.get(spec.cursor_param or "cursor")
            if given not in (None, ""):
                self._seen_cursors.add(_digest(given))
        elif spec.kind == "offset" and spec.offset_param:
            self._query[spec.offset_param] = _as_int(self._query.get(spec.offset_param)) or 0
        elif spec.kind == "page" and spec.page_param:
            given = _as_int(self._query.get(spec.page_param))
            self._query[spec.page_param] = spec.first_page if given is None else given

    def next_query(self) -> dict[str, object] | None:
        """The query for the next request, or None when the listing is exhausted."""
        return None if self._done else dict(self._query)

    def advance(self, page: object) -> list[Any]:
        """Take in a fetched page: return its items and move to the next position."""
        raw_items = read_field(page, self._spec.items)
        items = list(raw_items) if isinstance(raw_items, (list, tuple)) else []
        if not items or (self._limit is not None and len(items) < self._limit):
            self._done = True
        elif self._spec.kind == "offset":
            self._advance_offset(page, len(items))
        elif self._spec.kind == "page":
            self._advance_page(page)
        else:
            self._advance_cursor(page)
        return items

    def _total(self, page: object) -> int | None:
        if not self._spec.total_field:
            return None
        return _as_int(read_field(page, self._spec.total_field))

    def _advance_offset(self, page: object, received: int) -> None:
        name = self._spec.offset_param or "offset"
        offset = (_as_int(self._query.get(name)) or 0) + received
        self._query[name] = offset
        total = self._total(page)
        self._done = total is not None and offset >= total

    def _advance_page(self, page: object) -> None:
        name = self._spec.page_param or "page"
        number = (_as_int(self._query.get(name)) or 0) + 1
        self._query[name] = number
        total = self._total(page)
        # Without a limit the page size is unknown, so only an empty page ends the walk.
        if total is not None and self._limit:
            self._done = (number - self._spec.first_page) * self._limit >= total

    def _advance_cursor(self, page: object) -> None:
        name = self._spec.cursor_param or "cursor"
        cursor = read_field(page, self._spec.next_field or "next")
        if cursor in (None, ""):
            self._done = True
            return
        digest = _digest(cursor)
        # Any cursor sent before (not only the last one) starts a loop: end the walk there.
        if digest in self._seen_cursors:
            self._done = True
        else:
            self._seen_cursors.add(digest)
            self._query[name] = cursor


def _digest(cursor: object) -> bytes:
    # repr tells 1 from "1"; both would be sent as 1, so at worst one extra page is fetched.
    return hashlib.blake2b(repr(cursor).encode("utf-8", "replace"), digest_size=16).digest()


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None
