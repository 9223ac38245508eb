"""Walking paginated list operations page by page.

``PageSpec`` says how an operation pages; ``PageWalker`` keeps the position between requests.
The clients' ``paginate``/``apaginate`` only do the I/O: ask the walker for the next query,
fetch the page, hand it back, and yield what the walker found. What they return, a
``SyncPager`` or an ``AsyncPager``, yields the items, and its ``iter_pages()`` the pages.

A walk ends only on evidence that nothing is left: an empty page, a total the server knows
(a negative total means "unknown") reached, a page shorter than the limit the server applied
(the limit it echoes in the page, or the one the API states as its largest page), or a cursor
that is missing or was sent before. A page shorter than the limit asked for is no evidence:
servers cap the page size, and a walk that stopped there would silently lose items. An offset
or page walk also ends, with a warning logged, at a page that repeats the one before: a server
that ignores the position asked for answers with its first page again, and would be walked
forever (only pages whose items all differ tell: a listing of items alike may repeat a page).

A ``link`` walk (Azure's ``x-ms-pageable``) follows the next link each page states, as a cursor:
it ends at a page without one, or at a link it followed before, and only there: an empty page
with a next link is not the last (Azure services send them, and AutoRest's clients go on). The clients send the link only
where the base URL allows a request (``_origin``): a next link is the server's text, and the
credentials go with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import pydantic

from ._logging import logger

__all__ = ["AsyncPager", "PageSpec", "PageWalker", "SyncPager", "read_field"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class PageSpec:
    """How one list operation pages; every name is a wire name.

    ``items`` is the field holding the page's array. ``offset`` pages advance ``offset_param``
    by the number of items received, ``page`` pages add one to ``page_param`` (starting at
    ``first_page`` when the caller gives none), ``cursor`` pages send the ``next_field`` value
    of the previous page as ``cursor_param`` and stop at a cursor already sent (a server that
    answers A, B, A, ... would otherwise be paged forever), ``link`` pages request the URL the
    previous page states in ``next_field``, and stop at one already requested; ``link_query``
    names the operation's query parameters each next link is given as the operation sent them
    (Azure's api-version: a link may lack it, or name another). A start offset, page or cursor the
    caller gives is where the walk starts. ``total_field`` is the total number of items (when
    not negative), ``limit_field`` the limit the server applied to the page, and ``max_limit``
    the most items the API says a page holds: each can save a request for an empty last page.
    """

    kind: Literal["offset", "page", "cursor", "link"]
    items: str
    limit_param: str | None = None
    offset_param: str | None = None
    page_param: str | None = None
    cursor_param: str | None = None
    next_field: str | None = None
    total_field: str | None = None
    first_page: int = 1
    limit_field: str | None = None
    max_limit: int | None = None
    link_query: tuple[str, ...] = ()


def read_field(page: object, wire_name: str) -> object:
    """Read a field of a parsed page by its wire name, from a model or a dict (None if absent)."""
    if isinstance(page, Mapping):
        return page.get(wire_name)
    if isinstance(page, pydantic.BaseModel):
        for name, info in type(page).model_fields.items():
            if wire_name in (info.serialization_alias, info.alias, name):
                return getattr(page, name, None)
        return (page.model_extra or {}).get(wire_name)
    return getattr(page, wire_name, None)


class PageWalker:
    """The position in a paginated listing; it never performs I/O itself."""

    def __init__(self, spec: PageSpec, query: Mapping[str, object]) -> None:
        self._spec = spec
        self._query = dict(query)
        self._done = False
        self._requested = _as_int(query.get(spec.limit_param)) if spec.limit_param else None
        # Items received so far, and whether they are all the listing's first items (a walk
        # that starts at a later offset, page or cursor cannot compare them with the total).
        self._received = 0
        self._from_start = True
        # Digests of the cursors sent so far: 16 bytes each, however long the server's cursors.
        self._seen_cursors: set[bytes] = set()
        self._last_items: list[Any] = []  # the previous page's (offset and page walks)
        self.link: str | None = None  # the next page's URL, in a link walk past its first page
        self._start_defaults()

    def _start_defaults(self) -> None:
        spec = self._spec
        if spec.kind == "cursor":
            given = self._query.get(spec.cursor_param or "cursor")
            if given not in (None, ""):
                self._seen_cursors.add(_digest(given))
                self._from_start = False
        elif spec.kind == "offset" and spec.offset_param:
            self._query[spec.offset_param] = _as_int(self._query.get(spec.offset_param)) or 0
        elif spec.kind == "page" and spec.page_param:
            given = _as_int(self._query.get(spec.page_param))
            self._query[spec.page_param] = spec.first_page if given is None else given
            self._from_start = given is None or given <= spec.first_page

    @property
    def link_query(self) -> tuple[str, ...]:
        """The operation's query parameters each next link is given (see PageSpec)."""
        return self._spec.link_query

    def next_query(self) -> dict[str, object] | None:
        """The query for the next request, or None when the listing is exhausted."""
        return None if self._done else dict(self._query)

    def advance(self, page: object) -> list[Any] | None:
        """Take in a fetched page: return its items and move to the next position. None when
        the page repeats the one before (it is not part of the listing, which ends there)."""
        raw_items = read_field(page, self._spec.items)
        items = list(raw_items) if isinstance(raw_items, (list, tuple)) else []
        if items and self._spec.kind in ("offset", "page") and self._repeats(items):
            self._done = True
            return None
        self._received += len(items)
        if not items and self._spec.kind != "link":
            self._done = True
        elif self._spec.kind == "offset":
            self._advance_offset(page, len(items))
        elif self._spec.kind == "page":
            self._advance_page(page, len(items))
        else:
            self._advance_cursor(page)
        return items

    def _follow(self, cursor: object) -> bool:
        """Whether cursor (a next cursor or link) leads on: present, and not one sent before
        (any one, not only the last: that starts a loop)."""
        if cursor in (None, ""):
            return False
        digest = _digest(cursor)
        if digest in self._seen_cursors:
            return False
        self._seen_cursors.add(digest)
        return True

    def _repeats(self, items: list[Any]) -> bool:
        """Whether the page holds the previous page's items again: the server ignored the
        position asked for (a cursor walk has the cursors to tell). Only a page whose items all
        differ tells: in a listing of items alike, the next page may be the same as the last.
        Two pages that differ differ at their first item, mostly: the comparison costs about
        nothing, and the items are told apart only when a page repeats."""
        repeated = items == self._last_items and len({repr(item) for item in items}) == len(items)
        self._last_items = items
        if repeated:
            position = self._spec.offset_param or self._spec.page_param or self._spec.kind
            logger.warning(
                "the listing ends at %s=%s: the server answered with the page it sent before, "
                "so it ignores the position asked for and more pages would repeat it",
                position,
                self._query.get(position),
            )
        return repeated

    def _total(self, page: object) -> int | None:
        """The total the page states; None when it states none, or a negative one (unknown)."""
        if not self._spec.total_field:
            return None
        total = _as_int(read_field(page, self._spec.total_field))
        return total if total is not None and total >= 0 else None

    def _applied_limit(self, page: object) -> int | None:
        """The most items the server put on this page: the limit it echoes, else the smaller of
        the limit asked for and the largest page the API states; None when unknown."""
        if self._spec.limit_field:
            echoed = _as_int(read_field(page, self._spec.limit_field))
            if echoed is not None and echoed > 0:
                return echoed
        if self._requested is not None and self._requested > 0 and self._spec.max_limit:
            return min(self._requested, self._spec.max_limit)
        return None

    def _short(self, page: object, received: int) -> bool:
        applied = self._applied_limit(page)
        return applied is not None and received < applied

    def _advance_offset(self, page: object, received: int) -> None:
        name = self._spec.offset_param or "offset"
        offset = (_as_int(self._query.get(name)) or 0) + received
        self._query[name] = offset
        total = self._total(page)
        self._done = self._short(page, received) or (total is not None and offset >= total)

    def _advance_page(self, page: object, received: int) -> None:
        name = self._spec.page_param or "page"
        # No page sent yet (the API names no page parameter): the server sent its first page.
        current = _as_int(self._query.get(name))
        number = (self._spec.first_page if current is None else current) + 1
        self._query[name] = number
        total, applied = self._total(page), self._applied_limit(page)
        if self._short(page, received):
            self._done = True
        elif total is not None and applied is not None:
            self._done = (number - self._spec.first_page) * applied >= total
        elif total is not None and self._from_start:
            self._done = self._received >= total

    def _advance_cursor(self, page: object) -> None:
        # The next cursor decides: a server may send fewer items than its limit and still more.
        cursor = read_field(page, self._spec.next_field or "next")
        total = self._total(page)
        if self._from_start and total is not None and self._received >= total:
            self._done = True
        elif not self._follow(cursor):
            self._done = True
        elif self._spec.kind == "link":
            self.link = str(cursor)
        else:
            self._query[self._spec.cursor_param or "cursor"] = cursor


class SyncPager(Iterator[ItemT], Generic[PageT, ItemT]):
    """The items of a paged operation, each page fetched only when the previous one is used up.

    ``iter_pages()`` walks the listing again from its start and yields each page (the typed
    page model, with its totals) instead of the items.
    """

    def __init__(self, pages: Callable[[], Iterator[tuple[PageT, list[ItemT]]]]) -> None:
        self._pages = pages
        self._items: Iterator[ItemT] | None = None

    def __iter__(self) -> SyncPager[PageT, ItemT]:
        return self

    def __next__(self) -> ItemT:
        if self._items is None:
            self._items = (item for _, items in self._pages() for item in items)
        return next(self._items)

    def iter_pages(self) -> Iterator[PageT]:
        """Every page of the listing, from its start, fetched one at a time."""
        return (page for page, _ in self._pages())


class AsyncPager(AsyncIterator[ItemT], Generic[PageT, ItemT]):
    """The items of a paged operation, for ``async for``; see ``SyncPager``."""

    def __init__(self, pages: Callable[[], AsyncIterator[tuple[PageT, list[ItemT]]]]) -> None:
        self._pages = pages
        self._items: AsyncIterator[ItemT] | None = None

    def __aiter__(self) -> AsyncPager[PageT, ItemT]:
        return self

    async def __anext__(self) -> ItemT:
        if self._items is None:
            self._items = self._all_items()
        return await self._items.__anext__()

    async def _all_items(self) -> AsyncIterator[ItemT]:
        async for _, items in self._pages():
            for item in items:
                yield item

    async def iter_pages(self) -> AsyncIterator[PageT]:
        """Every page of the listing, from its start, fetched one at a time."""
        async for page, _ in self._pages():
            yield page


def _digest(cursor: object) -> bytes:
    # repr tells 1 from "1"; both would be sent as 1, so at worst one extra page is fetched.
    return hashlib.blake2b(repr(cursor).encode("utf-8", "replace"), digest_size=16).digest()


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # a total typed "number" (Jira's): 250.0 is 250
        return int(value) if value.is_integer() else None
    try:
        return int(str(value))
    except ValueError:
        return None
