"""Pagination: detected from an operation's query parameters and its page model, stated by an
overlay in the operation's `x-pagination`, or by Azure's `x-ms-pageable` (next links).

What ends a walk is decided here too: the page's total (negative: unknown), the page's field that
echoes the limit the server applied (CallFire's Page.limit: "if items.size() < limit assume no
more items"), and the largest page the API states (`x-pagination: {max_limit: 100}`). A page
shorter than the limit the caller asked for ends nothing: servers cap page sizes.
"""

from __future__ import annotations

from dataclasses import replace

from generator.model import ir
from generator.model.context import Context
from generator.model.cycles import all_fields
from generator.model.jsonvalues import JSONObject, Path_, text
from generator.model.names import snake

_LIMIT = ("limit", "size", "page_size", "per_page", "count", "max_results", "top")
_OFFSET = ("offset", "skip", "start", "start_index", "startindex")
_PAGE = ("page", "page_number", "page_index")
_CURSOR = (
    "cursor",
    "next_token",
    "page_token",
    "continuation_token",
    "marker",
    "after",
    "starting_after",
)
_ITEMS = ("items", "data", "results", "records", "values", "entries", "elements", "content")
_TOTAL = ("total_count", "total", "count", "total_results", "total_items")
_NEXT = ("next", "next_token", "next_cursor", "next_page_token", "cursor", "continuation_token")
_KINDS = ("offset", "page", "cursor")
# Fields of a page that echo the limit the server applied (never "count": often the page's length).
_LIMIT_FIELDS = ("limit", "page_size", "per_page", "max_results", "size")


def pagination_of(
    ctx: Context,
    operation: JSONObject,
    path: Path_,
    parameters: tuple[ir.Parameter, ...],
    success: ir.TypeRef | None,
) -> ir.Pagination | None:
    """Detected pagination, unless the operation's `x-pagination` (set by an overlay) says otherwise:
    `false` turns it off; a mapping (kind, items, limit, offset, page, cursor, next, total,
    applied_limit, max_limit) states it.
    """
    override = operation.get("x-pagination")
    if override is False:
        return None
    pageable = operation.get("x-ms-pageable")
    if not isinstance(override, dict) and isinstance(pageable, dict):
        return _next_links(ctx, pageable, path, parameters, success) or _detected(
            parameters, success, ctx.models
        )
    if not isinstance(override, dict):
        return _detected(parameters, success, ctx.models)
    fields = all_fields(success.name, ctx.models) if isinstance(success, ir.ModelRef) else []
    items = next(
        (
            f
            for f in fields
            if f.wire_name == override.get("items") and isinstance(f.type, ir.ArrayOf)
        ),
        None,
    )
    kind = override.get("kind")
    if (
        items is None
        or not isinstance(items.type, ir.ArrayOf)
        or not isinstance(kind, str)
        or kind not in _KINDS
    ):
        ctx.warn(
            path + ("x-pagination",),
            "pagination-invalid",
            "x-pagination needs a kind (offset, page or cursor) and the name of an array field of the response as items",
        )
        return _detected(parameters, success, ctx.models)
    given = {
        key: text(override.get(key))
        for key in ("limit", "offset", "page", "cursor", "next", "total", "applied_limit")
    }
    max_limit = override.get("max_limit", 0)
    if isinstance(max_limit, bool) or not isinstance(max_limit, int) or max_limit < 0:
        ctx.warn(
            path + ("x-pagination", "max_limit"),
            "pagination-invalid",
            "x-pagination max_limit is the most items a page holds: a positive integer; it is ignored",
        )
        max_limit = 0
    return ir.Pagination(
        kind,
        items.wire_name,
        items.type.item,
        limit_param=given["limit"],
        offset_param=given["offset"],
        page_param=given["page"],
        cursor_param=given["cursor"],
        next_field=given["next"],
        total_field=given["total"],
        limit_field=given["applied_limit"],
        max_limit=max_limit,
    )


def _next_links(
    ctx: Context,
    pageable: JSONObject,
    path: Path_,
    parameters: tuple[ir.Parameter, ...],
    success: ir.TypeRef | None,
) -> ir.Pagination | None:
    """AutoRest's `x-ms-pageable`: each page's `nextLinkName` field holds the URL of the next
    page (fetched with a GET), `itemName` (by default "value") its items. A `nextLinkName` of
    null: one page holds every item, no walk. An `operationName` is not followed (a warning):
    AutoRest calls that operation for the next pages, with the link as an argument (the
    AutoRest test server's fragment routes put it into the operation's path).
    Each next link gets the operation's api-version, as Azure's clients give it: a link may
    lack it, or name another (the AutoRest test server's /paging/apiVersion routes)."""
    next_link, items_name = pageable.get("nextLinkName"), pageable.get("itemName", "value")
    if next_link is None:
        return None
    fields = (
        {f.wire_name: f for f in all_fields(success.name, ctx.models)}
        if isinstance(success, ir.ModelRef)
        else {}
    )
    items = fields.get(items_name) if isinstance(items_name, str) else None
    link = fields.get(next_link) if isinstance(next_link, str) else None
    if items is None or not isinstance(items.type, ir.ArrayOf) or link is None:
        ctx.warn(
            path + ("x-ms-pageable",),
            "pagination-invalid",
            f"x-ms-pageable names the items {items_name!r} and the next link {next_link!r}: the "
            "response model needs an array field and a field of those names; the operation is not paged",
        )
        return None
    _next_operation_not_called(ctx, pageable, path)
    versions = tuple(
        p.wire_name
        for p in parameters
        if p.location == "query" and p.wire_name.lower() == "api-version"
    )
    return ir.Pagination(
        "link", items.wire_name, items.type.item, next_field=link.wire_name, link_query=versions
    )


def _next_operation_not_called(ctx: Context, pageable: JSONObject, path: Path_) -> None:
    name = pageable.get("operationName")
    if not isinstance(name, str) or not name:
        return
    ctx.warn(
        path + ("x-ms-pageable", "operationName"),
        "pagination-next-operation",
        f"x-ms-pageable fetches the next pages with the operation {name!r}; the iterator does "
        "not call it: it GETs each next link as the page gives it, which a server expecting "
        "that operation's request may not answer",
        "if the walk stops early or fails, fetch the next pages with that operation's method; "
        "remove operationName with an overlay once a GET of the link is known to work",
    )


def _detected(
    parameters: tuple[ir.Parameter, ...], success: ir.TypeRef | None, models: dict[str, ir.Model]
) -> ir.Pagination | None:
    """A paged operation takes limit/offset, page/size or a cursor and returns a model with an items array."""
    query = {_key(p.wire_name): p.wire_name for p in parameters if p.location == "query"}
    if not isinstance(success, ir.ModelRef):
        return None
    fields = [(_key(f.wire_name), f) for f in all_fields(success.name, models)]
    items = next(
        (f for key in _ITEMS for k, f in fields if k == key and isinstance(f.type, ir.ArrayOf)),
        None,
    )
    if items is None or not isinstance(items.type, ir.ArrayOf):
        return None
    limit = _first(query, _LIMIT)
    total = next((f.wire_name for key in _TOTAL for k, f in fields if k == key), "")
    next_field = next((f.wire_name for key in _NEXT for k, f in fields if k == key), "")
    echoed = _limit_field(fields, limit, total)
    offset, page, cursor = _first(query, _OFFSET), _first(query, _PAGE), _first(query, _CURSOR)
    wire, item = items.wire_name, items.type.item
    if offset and limit:
        found = ir.Pagination("offset", wire, item, offset_param=offset)
    elif page:
        found = ir.Pagination("page", wire, item, page_param=page)
    elif cursor and next_field:
        found = ir.Pagination("cursor", wire, item, cursor_param=cursor, next_field=next_field)
    else:
        return None
    return replace(found, limit_param=limit, total_field=total, limit_field=echoed)


def _limit_field(fields: list[tuple[str, ir.Field]], limit_param: str, total: str) -> str:
    """The integer field of the page (with its key) named like its limit parameter, or like a
    page size."""
    keys = ((_key(limit_param),) if limit_param else ()) + _LIMIT_FIELDS
    return next(
        (
            f.wire_name
            for key in keys
            for k, f in fields
            if k == key
            and f.wire_name != total
            and isinstance(f.type, ir.Primitive)
            and f.type.kind == "int"
        ),
        "",
    )


def _key(name: str) -> str:
    return snake(name)


def _first(query: dict[str, str], candidates: tuple[str, ...]) -> str:
    return next((query[c] for c in candidates if c in query), "")
