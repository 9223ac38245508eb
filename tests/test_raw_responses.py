"""`client.<resource>.with_raw_response.<operation>(...)` on the generated CallFire client, driven
through httpx.MockTransport: the raw response (status, headers, then `.parse()`), sync and async,
and that it stays with that one call: a normal call made meanwhile (from another thread, another
asyncio task, or nested inside the raw call) returns its parsed body."""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT

WAIT = 10.0  # seconds a thread waits for the other before the test fails instead of hanging


@pytest.fixture(scope="module")
def pkg() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        yield importlib.import_module("callfire_client")
    finally:
        sys.path.remove(str(ROOT / "generated"))


@pytest.fixture(scope="module")
def raw_response_class(pkg: ModuleType) -> type:
    return importlib.import_module("callfire_client._runtime").RawResponse  # type: ignore[no-any-return]


def page_reply(request: httpx.Request, total: int = 5) -> httpx.Response:
    """A CallFire page of calls: ids offset, offset+1, ... up to `limit` of them and `total` in all."""
    offset = int(request.url.params.get("offset", "0"))
    limit = int(request.url.params.get("limit", "2"))
    ids = list(range(offset, min(offset + limit, total)))
    body = {
        "items": [{"id": i} for i in ids],
        "limit": limit,
        "offset": offset,
        "totalCount": total,
    }
    return httpx.Response(200, json=body, headers={"X-Request-Id": f"page-{offset}"})


def sync_client(pkg: ModuleType, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    return pkg.CallFire(username="u", password="p", transport=httpx.MockTransport(handler))


def async_client(
    pkg: ModuleType, handler: Callable[[httpx.Request], Awaitable[httpx.Response]]
) -> Any:
    return pkg.AsyncCallFire(username="u", password="p", transport=httpx.MockTransport(handler))


def is_raw_marker(request: httpx.Request) -> bool:
    return request.headers.get("X-Raw-Call") == "yes"


RAW_CALL = {"X-Raw-Call": "yes"}  # marks the raw call's request for the handlers below


# -- what a raw call returns -------------------------------------------------------------------


def test_raw_call_returns_status_headers_and_parses_on_demand(
    pkg: ModuleType, raw_response_class: type
) -> None:
    made = sync_client(pkg, page_reply)
    raw = made.calls.with_raw_response.find_calls(limit=2)
    assert isinstance(raw, raw_response_class)
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "page-0"
    assert raw.http_response.request.url.params["limit"] == "2"
    parsed = raw.parse()
    assert type(parsed).__name__ == "CallPage" and [c.id for c in parsed.items] == [0, 1]
    assert raw.parse() is parsed
    assert type(made.calls.find_calls(limit=2)).__name__ == "CallPage"  # the client is unchanged


def test_raw_call_raises_for_an_error_status_like_a_normal_call(pkg: ModuleType) -> None:
    made = sync_client(pkg, lambda request: httpx.Response(404, json={"message": "gone"}))
    with pytest.raises(pkg.NotFoundError):
        made.calls.with_raw_response.find_calls()


def test_async_raw_call(pkg: ModuleType, raw_response_class: type) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return page_reply(request)

    async def scenario() -> tuple[Any, Any]:
        async with async_client(pkg, handler) as made:
            raw = await made.calls.with_raw_response.find_calls(limit=2, offset=2)
            return raw, await made.calls.find_calls(limit=2)

    raw, normal = asyncio.run(scenario())
    assert isinstance(raw, raw_response_class)
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "page-2"
    assert [c.id for c in raw.parse().items] == [2, 3]
    assert type(normal).__name__ == "CallPage"


def test_raw_call_on_a_with_options_copy(pkg: ModuleType, raw_response_class: type) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return page_reply(request)

    made = sync_client(pkg, handler)
    copy = made.with_options(base_url="https://other.example/v2", timeout=3.0)
    assert isinstance(copy.calls.with_raw_response.find_calls(), raw_response_class)
    assert type(copy.calls.find_calls()).__name__ == "CallPage"
    assert type(made.calls.find_calls()).__name__ == "CallPage"
    raw_copy = made.raw().with_options(timeout=4.0)  # a copy of a raw client stays raw
    assert isinstance(raw_copy.calls.find_calls(), raw_response_class)
    assert [r.url.host for r in seen] == ["other.example"] * 2 + ["api.callfire.com"] * 2
    assert seen[0].extensions["timeout"] == httpx.Timeout(3.0).as_dict()
    assert seen[-1].extensions["timeout"] == httpx.Timeout(4.0).as_dict()


# -- paged operations ---------------------------------------------------------------------------


def test_a_paged_raw_call_returns_the_one_page_asked_for(
    pkg: ModuleType, raw_response_class: type
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return page_reply(request)

    made = sync_client(pkg, handler)
    raw = made.calls.with_raw_response.find_calls(limit=2, offset=2)
    assert [c.id for c in raw.parse().items] == [2, 3] and len(seen) == 1
    # The iter_ twins walk pages themselves, parsing each: they have no raw form, and on a raw
    # client they still yield items.
    assert not hasattr(made.calls.with_raw_response, "iter_find_calls")
    items = list(made.raw().calls.iter_find_calls(limit=2))
    assert [c.id for c in items] == [0, 1, 2, 3, 4]
    assert all(type(c).__name__ == "Call" for c in items)


# -- a raw call stays with that call ---------------------------------------------------------------


def test_a_normal_call_nested_inside_a_raw_call_is_parsed(
    pkg: ModuleType, raw_response_class: type
) -> None:
    """The transport (a user's, or hooks) may call the API while a raw call is in flight."""
    nested: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if is_raw_marker(request):
            nested.append(made.calls.find_calls(limit=2))
            nested.extend(made.calls.iter_find_calls(limit=2))
        return page_reply(request, total=3)

    made = sync_client(pkg, handler)
    raw = made.calls.with_raw_response.find_calls(extra_headers=RAW_CALL)
    assert isinstance(raw, raw_response_class)
    assert [type(value).__name__ for value in nested] == ["CallPage", "Call", "Call", "Call"]


def test_a_normal_call_in_another_thread_meanwhile_is_parsed(
    pkg: ModuleType, raw_response_class: type
) -> None:
    raw_in_flight, normal_done = threading.Event(), threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if is_raw_marker(request):
            raw_in_flight.set()
            assert normal_done.wait(WAIT), "the other thread's call did not finish"
        return page_reply(request)

    made = sync_client(pkg, handler)
    results: dict[str, object] = {}

    def raw_call() -> None:
        results["raw"] = made.calls.with_raw_response.find_calls(extra_headers=RAW_CALL)

    thread = threading.Thread(target=raw_call)
    thread.start()
    try:
        assert raw_in_flight.wait(WAIT), "the raw call was not sent"
        results["normal"] = made.calls.find_calls()
    finally:
        normal_done.set()
        thread.join(WAIT)
    assert isinstance(results["raw"], raw_response_class)
    assert type(results["normal"]).__name__ == "CallPage"


def test_normal_calls_in_other_asyncio_tasks_meanwhile_are_parsed(
    pkg: ModuleType, raw_response_class: type
) -> None:
    """A task started beside the raw call, one the transport starts inside it (tasks copy the
    context they are made in), and a call awaited inside it directly."""

    async def scenario() -> tuple[object, list[object]]:
        raw_in_flight, sibling_done = asyncio.Event(), asyncio.Event()
        inside: list[object] = []

        async def handler(request: httpx.Request) -> httpx.Response:
            if is_raw_marker(request):
                raw_in_flight.set()
                await asyncio.wait_for(sibling_done.wait(), WAIT)
                inside.append(await asyncio.create_task(made.calls.find_calls()))
                inside.append(await made.calls.find_calls())
                inside.extend([call async for call in made.calls.iter_find_calls(limit=2)])
            return page_reply(request, total=3)

        async def sibling() -> object:
            await asyncio.wait_for(raw_in_flight.wait(), WAIT)
            try:
                return await made.calls.find_calls()
            finally:
                sibling_done.set()

        async with async_client(pkg, handler) as made:
            raw, beside = await asyncio.gather(
                made.calls.with_raw_response.find_calls(extra_headers=RAW_CALL), sibling()
            )
        assert isinstance(raw, raw_response_class)
        return beside, inside

    beside, inside = asyncio.run(scenario())
    assert type(beside).__name__ == "CallPage"
    assert [type(value).__name__ for value in inside] == ["CallPage", "CallPage"] + ["Call"] * 3


# -- what a type checker sees ------------------------------------------------------------------

USER_PROGRAM = """\
from typing import assert_type

from callfire_client import AsyncCallFire, CallFire
from callfire_client._runtime import RawResponse
from callfire_client.models import CallPage


def sync_use(client: CallFire) -> CallPage:
    raw = client.calls.with_raw_response.find_calls(limit=1)
    assert_type(raw, RawResponse[CallPage])
    assert_type(raw.status_code, int)
    return raw.parse()


async def async_use(client: AsyncCallFire) -> CallPage:
    raw = await client.calls.with_raw_response.find_calls(limit=1)
    assert_type(raw, RawResponse[CallPage])
    return raw.parse()


def wrong(client: CallFire) -> None:
    client.calls.with_raw_response.find_calls(limit="one")
"""


def test_mypy_sees_raw_responses_and_the_operations_parameters(tmp_path: Path) -> None:
    (tmp_path / "use.py").write_text(USER_PROGRAM, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use.py"],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(ROOT / "generated")},
        capture_output=True,
        text=True,
    )
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    # The one error: the parameters are the operation's own (limit: int | None).
    assert len(errors) == 1 and "use.py:22:" in errors[0], run.stdout + run.stderr
    assert 'Argument "limit"' in errors[0], errors
