"""Tests of the runtime core copied into every generated package (templates/runtime/).

The runtime modules (plain Python; the generator only puts a header line above each) are copied
into a throwaway package ``demo_client``, imported, and exercised through ``httpx.MockTransport``
so every request and response is a real httpx object. Sleeping is injected, so retries are
instant and their delays can be asserted. tests/test_quality.py type-checks and lints them.
"""

import asyncio
import datetime
import email.utils
import enum
import functools
import importlib
import io
import json
import logging
import mimetypes
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import Field

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "templates" / "runtime"
BASE = "https://api.example.com/v2"
CANARY = "s3cr3t-CANARY-7f1d"


# -- building the throwaway package ---------------------------------------------------------


def render(module: Path) -> str:
    """The module as the generator writes it: a header line, then its source."""
    return "# generated for tests\n" + module.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runtime")
    runtime = root / "demo_client" / "_runtime"
    runtime.mkdir(parents=True)
    for module in sorted(RUNTIME.glob("*.py")):
        (runtime / module.name).write_text(render(module), "utf-8")
    (root / "demo_client" / "__init__.py").write_text("", "utf-8")
    (root / "demo_client" / "_version.py").write_text(
        '__version__ = "1.2.3"\nPACKAGE_NAME = "demo-client"\n', "utf-8"
    )
    return root


@pytest.fixture(scope="session")
def rt(package_dir: Path) -> types.SimpleNamespace:
    """The imported runtime plus a few hand-written models, as one namespace."""
    sys.path.insert(0, str(package_dir))
    try:
        runtime = importlib.import_module("demo_client._runtime")
    finally:
        sys.path.remove(str(package_dir))
    ns = types.SimpleNamespace(**{name: getattr(runtime, name) for name in runtime.__all__})
    ns.module = runtime
    ns.__dict__.update(_define_models(runtime))
    return ns


def _define_models(runtime: Any) -> dict[str, Any]:
    class Voice(str, enum.Enum):
        MALE = "MALE"
        FEMALE = "FEMALE"

    class Call(runtime.BaseModel):
        id: int
        to_number: str | None = Field(default=None, alias="toNumber")
        voice: runtime.OpenEnum[Voice] | None = None
        created: datetime.date | None = None

    class CallPage(runtime.BaseModel):
        items: list[Call] = Field(default_factory=list)
        total_count: int | None = Field(default=None, alias="totalCount")
        next_cursor: str | None = Field(default=None, alias="nextCursor")

    class ErrorBody(runtime.BaseModel):
        http_status_code: int = Field(alias="httpStatusCode")
        message: str

    return {"Voice": Voice, "Call": Call, "CallPage": CallPage, "ErrorBody": ErrorBody}


# -- a scripted server ---------------------------------------------------------------------

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Server:
    """A MockTransport handler that records requests and plays scripted replies in order.

    The last reply repeats; a callable reply may raise an httpx exception instead.
    """

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert len(self.requests) < 100, "a client that never stops asking"
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def raise_(exc_type: type[httpx.RequestError]) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        raise exc_type("boom", request=request)

    return reply


def ok(data: object = None, status: int = 200, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, json=data, **kwargs)


class Sleeps(list[float]):
    """Records the delays the client asked to sleep, sync or async."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.append(seconds)


def make_client(rt: Any, server: Server, sleeps: Sleeps | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("base_url", BASE)
    return rt.SyncAPIClient(
        transport=server.transport, _sleep=sleeps if sleeps is not None else Sleeps(), **kwargs
    )


def make_async_client(rt: Any, server: Server, sleeps: Sleeps, **kwargs: Any) -> Any:
    kwargs.setdefault("base_url", BASE)
    return rt.AsyncAPIClient(transport=server.transport, _sleep=sleeps.asleep, **kwargs)


def get_call(rt: Any, **kwargs: Any) -> Any:
    defaults: dict[str, Any] = {"success": {"200": rt.Call}, "idempotent": True}
    return rt.Route("GET", "/calls/{id}", **{**defaults, **kwargs})


def post_call(rt: Any, **kwargs: Any) -> Any:
    defaults: dict[str, Any] = {"body": "json", "success": {"201": rt.Call}}
    return rt.Route("POST", "/calls", **{**defaults, **kwargs})


# -- small pieces ------------------------------------------------------------------------------


def test_not_given_is_a_falsy_singleton(rt: Any) -> None:
    import copy

    assert not rt.NOT_GIVEN
    assert repr(rt.NOT_GIVEN) == "NOT_GIVEN"
    assert rt.NotGiven() is rt.NOT_GIVEN
    assert copy.deepcopy(rt.NOT_GIVEN) is rt.NOT_GIVEN
    assert rt.NOT_GIVEN is not None


def test_status_error_mapping(rt: Any) -> None:
    assert rt.status_error(404) is rt.NotFoundError
    assert rt.status_error(502) is rt.InternalServerError
    assert rt.status_error(418) is rt.APIStatusError
    assert issubclass(rt.APITimeoutError, rt.APIConnectionError)
    assert issubclass(rt.InsecureTransportWarning, UserWarning)


def test_to_jsonable(rt: Any) -> None:
    call = rt.Call(id=1, to_number="+1", voice=rt.Voice.MALE)
    value = {
        "call": call,
        "voices": (rt.Voice.FEMALE, "X"),
        "when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 5, 1),
        "n": 3,
    }
    assert rt.to_jsonable(value) == {
        "call": {"id": 1, "toNumber": "+1", "voice": "MALE"},
        "voices": ["FEMALE", "X"],
        "when": "2024-05-01T12:30:00Z",
        "day": "2024-05-01",
        "n": 3,
    }


# -- retries -----------------------------------------------------------------------------------


def test_idempotent_get_is_retried_on_503_honouring_retry_after(rt: Any) -> None:
    busy = httpx.Response(503, headers={"Retry-After": "2"})
    server = Server(busy, busy, ok({"id": 5}))
    sleeps = Sleeps()
    call = make_client(rt, server, sleeps).request(get_call(rt), path={"id": 5})
    assert call == rt.Call(id=5)
    assert sleeps == [2.0, 2.0]
    assert [str(r.url) for r in server.requests] == [f"{BASE}/calls/5"] * 3


def test_async_get_is_retried_on_503_honouring_retry_after(rt: Any) -> None:
    busy = httpx.Response(503, headers={"Retry-After": "2"})
    server = Server(busy, ok({"id": 5}))
    sleeps = Sleeps()

    async def main() -> Any:
        async with make_async_client(rt, server, sleeps) as client:
            return await client.request(get_call(rt), path={"id": 5})

    assert asyncio.run(main()) == rt.Call(id=5)
    assert sleeps == [2.0]
    assert len(server.requests) == 2


def test_the_async_client_sleeps_with_asyncio_by_default(rt: Any) -> None:
    client = rt.AsyncAPIClient(base_url=BASE, transport=Server().transport)
    assert client._sleep is asyncio.sleep


def test_retries_stop_after_max_retries_with_jittered_backoff(rt: Any) -> None:
    server = Server(httpx.Response(502, text="bad gateway"))
    sleeps = Sleeps()
    client = make_client(rt, server, sleeps, max_retries=3)
    with pytest.raises(rt.InternalServerError) as caught:
        client.request(get_call(rt), path={"id": 1})
    assert caught.value.status_code == 502
    assert caught.value.body == "bad gateway"
    assert len(server.requests) == 4
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps):
        base = 0.5 * 2**attempt
        assert 0.75 * base <= delay <= base


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "600"}, 60.0),
        ({"Retry-After": "0"}, 0.0),
    ],
)
def test_retry_after_variants(rt: Any, headers: dict[str, str], expected: float) -> None:
    server = Server(httpx.Response(429, headers=headers), ok({"id": 1}))
    sleeps = Sleeps()
    make_client(rt, server, sleeps).request(get_call(rt), path={"id": 1})
    assert sleeps == [expected]


def test_retry_after_http_date(rt: Any) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    server = Server(httpx.Response(503, headers={"Retry-After": when}), ok({"id": 1}))
    sleeps = Sleeps()
    make_client(rt, server, sleeps).request(get_call(rt), path={"id": 1})
    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30


def test_post_is_not_retried_after_503(rt: Any) -> None:
    server = Server(httpx.Response(503, headers={"Retry-After": "1"}), ok({"id": 1}, 201))
    sleeps = Sleeps()
    with pytest.raises(rt.InternalServerError):
        make_client(rt, server, sleeps).request(post_call(rt), body={"toNumber": "1"})
    assert len(server.requests) == 1
    assert sleeps == []


def test_post_is_not_retried_after_a_read_timeout(rt: Any) -> None:
    server = Server(raise_(httpx.ReadTimeout), ok({"id": 1}, 201))
    sleeps = Sleeps()
    with pytest.raises(rt.APITimeoutError) as caught:
        make_client(rt, server, sleeps).request(post_call(rt), body={"toNumber": "1"})
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert len(server.requests) == 1
    assert sleeps == []


def test_post_is_not_retried_after_a_read_error(rt: Any) -> None:
    server = Server(raise_(httpx.RemoteProtocolError), ok({"id": 1}, 201))
    with pytest.raises(rt.APIConnectionError) as caught:
        make_client(rt, server).request(post_call(rt), body={})
    assert not isinstance(caught.value, rt.APITimeoutError)
    assert len(server.requests) == 1


def test_post_is_retried_after_a_connect_failure(rt: Any) -> None:
    server = Server(raise_(httpx.ConnectError), raise_(httpx.PoolTimeout), ok({"id": 9}, 201))
    sleeps = Sleeps()
    call = make_client(rt, server, sleeps).request(post_call(rt), body=rt.Call(id=9))
    assert call == rt.Call(id=9)
    assert len(server.requests) == 3
    assert len(sleeps) == 2
    assert [json.loads(r.content) for r in server.requests] == [{"id": 9}] * 3


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_post_is_retried_after_429_honouring_retry_after(rt: Any, mode: str) -> None:
    # 429: the server refused to process the request, so sending it again acts once.
    server = Server(httpx.Response(429, headers={"Retry-After": "3"}), ok({"id": 1}, 201))
    sleeps = Sleeps()
    if mode == "sync":
        call = make_client(rt, server, sleeps).request(post_call(rt), body={"id": 1})
    else:

        async def main() -> Any:
            async with make_async_client(rt, server, sleeps) as client:
                return await client.request(post_call(rt), body={"id": 1})

        call = asyncio.run(main())
    assert call == rt.Call(id=1)
    assert sleeps == [3.0] and len(server.requests) == 2


def test_a_429_retry_after_stays_bounded(rt: Any) -> None:
    server = Server(httpx.Response(429, headers={"Retry-After": "86400"}), ok({"id": 1}, 201))
    sleeps = Sleeps()
    make_client(rt, server, sleeps).request(post_call(rt), body={})
    assert sleeps == [60.0]


@pytest.mark.parametrize("name", ["Idempotency-Key", "idempotency-key", "X-Idempotency-Key"])
@pytest.mark.parametrize(
    "failure", [httpx.Response(503), httpx.Response(500), raise_(httpx.ReadTimeout)]
)
def test_a_post_with_an_idempotency_key_is_retried_like_an_idempotent_one(
    rt: Any, name: str, failure: Reply
) -> None:
    server = Server(failure, ok({"id": 1}, 201))
    client = make_client(rt, server)
    call = client.request(post_call(rt), body={}, extra_headers={name: "order-7"})
    assert call == rt.Call(id=1)
    assert [r.headers[name] for r in server.requests] == ["order-7", "order-7"]


def test_the_idempotency_header_the_api_declares_makes_a_post_retry_safe(rt: Any) -> None:
    route = post_call(rt, idempotency_header="Idempotency_Key")
    server = Server(httpx.Response(503), ok({"id": 1}, 201))
    made = make_client(rt, server)
    assert made.request(route, body={}, headers={"Idempotency_Key": "k1"}) == rt.Call(id=1)
    assert len(server.requests) == 2
    # Without a key (or with an empty one) the POST is sent once, as any other.
    for headers in ({}, {"Idempotency_Key": ""}):
        server = Server(httpx.Response(503), ok({"id": 1}, 201))
        with pytest.raises(rt.InternalServerError):
            make_client(rt, server).request(route, body={}, headers=headers)
        assert len(server.requests) == 1


def test_connect_failures_exhaust_retries(rt: Any) -> None:
    server = Server(raise_(httpx.ConnectError))
    with pytest.raises(rt.APIConnectionError) as caught:
        make_client(rt, server, max_retries=1).request(post_call(rt), body={})
    assert type(caught.value) is rt.APIConnectionError
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(server.requests) == 2


def test_idempotent_get_is_retried_after_a_read_timeout(rt: Any) -> None:
    server = Server(raise_(httpx.ReadTimeout), ok({"id": 2}))
    assert make_client(rt, server).request(get_call(rt), path={"id": 2}) == rt.Call(id=2)
    assert len(server.requests) == 2


def test_async_connect_timeout_retried_then_raises_timeout(rt: Any) -> None:
    server = Server(raise_(httpx.ConnectTimeout))
    sleeps = Sleeps()

    async def main() -> None:
        async with make_async_client(rt, server, sleeps, max_retries=2) as client:
            await client.request(post_call(rt), body={})

    with pytest.raises(rt.APITimeoutError):
        asyncio.run(main())
    assert len(server.requests) == 3
    assert len(sleeps) == 2


# -- timeouts ------------------------------------------------------------------------------------


def test_timeouts_reach_the_request_extensions(rt: Any) -> None:
    server = Server(ok({"id": 1}))
    client = make_client(rt, server)
    client.request(get_call(rt), path={"id": 1})
    client.request(get_call(rt), path={"id": 1}, timeout=5.0)
    client.request(get_call(rt), path={"id": 1}, timeout=None)
    client.request(get_call(rt), path={"id": 1}, timeout=httpx.Timeout(3.0, connect=1.0))
    timeouts = [r.extensions["timeout"] for r in server.requests]
    assert timeouts == [
        httpx.Timeout(60.0).as_dict(),
        httpx.Timeout(5.0).as_dict(),
        httpx.Timeout(None).as_dict(),
        {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0},
    ]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_injected_client_keeps_its_own_timeout(rt: Any, mode: str) -> None:
    def sent_timeouts(**options: Any) -> list[Any]:
        server = Server(ok({"id": 1}))
        if mode == "sync":
            http = httpx.Client(transport=server.transport, **options.pop("http", {}))
            client = rt.SyncAPIClient(base_url=BASE, http_client=http, **options)
            client.request(get_call(rt), path={"id": 1})
        else:
            ahttp = httpx.AsyncClient(transport=server.transport, **options.pop("http", {}))
            aclient = rt.AsyncAPIClient(base_url=BASE, http_client=ahttp, **options)
            asyncio.run(aclient.request(get_call(rt), path={"id": 1}))
        return [r.extensions["timeout"] for r in server.requests]

    assert sent_timeouts(http={"timeout": 1}) == [httpx.Timeout(1).as_dict()]
    assert sent_timeouts(http={"timeout": 1}, timeout=7.0) == [httpx.Timeout(7.0).as_dict()]
    # httpx's own default (5 s) was not the caller's choice: the client's 60 s applies.
    assert sent_timeouts() == [httpx.Timeout(60.0).as_dict()]


def test_max_retries_per_call(rt: Any) -> None:
    busy = httpx.Response(503)
    server = Server(busy, busy, busy, busy, ok({"id": 1}))
    client = make_client(rt, server)  # max_retries=2
    with pytest.raises(rt.InternalServerError):
        client.request(get_call(rt), path={"id": 1}, max_retries=0)
    assert len(server.requests) == 1
    assert client.request(get_call(rt), path={"id": 1}, max_retries=3) == rt.Call(id=1)
    assert len(server.requests) == 5


def test_max_retries_per_call_async(rt: Any) -> None:
    server = Server(httpx.Response(503), ok({"id": 1}))

    async def main() -> None:
        async with make_async_client(rt, server, Sleeps()) as client:
            with pytest.raises(rt.InternalServerError):
                await client.request(get_call(rt), path={"id": 1}, max_retries=0)

    asyncio.run(main())
    assert len(server.requests) == 1


def test_extra_body_adds_fields_to_the_body(rt: Any) -> None:
    server = Server(ok({"id": 1}, 201))
    client = make_client(rt, server)
    client.request(post_call(rt), body=rt.Call(id=1, toNumber="5"), extra_body={"beta": [1]})
    client.request(post_call(rt), extra_body={"only": True})
    form = rt.Route("POST", "/calls", body="form", success={"201": rt.Call})
    client.request(form, form={"a": "1"}, extra_body={"b": "2", "a": "3"})
    get = get_call(rt)
    client.request(get, path={"id": 1}, extra_body={"q": 1})
    sent = [r.content for r in server.requests]
    assert json.loads(sent[0]) == {"id": 1, "toNumber": "5", "beta": [1]}
    assert json.loads(sent[1]) == {"only": True}
    assert sent[2] == b"a=3&b=2"
    assert json.loads(sent[3]) == {"q": 1}
    assert server.requests[3].headers["content-type"] == "application/json"
    with pytest.raises(TypeError, match="extra_body"):
        client.request(post_call(rt), body=[1, 2], extra_body={"x": 1})


# -- errors ----------------------------------------------------------------------------------------

ERROR_CLASSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (503, "InternalServerError"),
]


@pytest.mark.parametrize(("status", "class_name"), ERROR_CLASSES)
def test_error_statuses_raise_their_class_with_the_parsed_body(
    rt: Any, status: int, class_name: str
) -> None:
    payload = {"httpStatusCode": status, "message": "nope", "extra": 1}
    server = Server(ok(payload, status, headers={"X-Request-Id": "r1"}))
    route = post_call(rt, errors={"default": rt.ErrorBody})
    with pytest.raises(rt.APIError) as caught:
        make_client(rt, server, max_retries=0).request(route, body={})
    error = caught.value
    assert type(error) is getattr(rt, class_name)
    assert error.status_code == status
    assert error.headers["x-request-id"] == "r1"
    assert error.response.status_code == status
    assert isinstance(error.body, rt.ErrorBody)
    assert error.body.http_status_code == status and error.body.message == "nope"
    reason = httpx.codes.get_reason_phrase(status)
    # What the server said, and the id its operators know the request by.
    assert str(error) == f"{status} {reason} for POST /v2/calls: nope (request id r1)"
    assert error.request_id == "r1"
    assert len(server.requests) == 1


def test_error_body_falls_back_to_json_then_text(rt: Any) -> None:
    route = get_call(rt, errors={"404": rt.ErrorBody}, idempotent=False)
    server = Server(ok({"unexpected": True}, 404), httpx.Response(404, text="gone"))
    client = make_client(rt, server)
    with pytest.raises(rt.NotFoundError) as first:
        client.request(route, path={"id": 5})
    assert first.value.body == {"unexpected": True}
    assert str(first.value) == "404 Not Found for GET /v2/calls/5"
    with pytest.raises(rt.NotFoundError) as second:
        client.request(route, path={"id": 5})
    assert second.value.body == "gone"


def test_a_body_that_does_not_match_raises_a_validation_error_when_strict(rt: Any) -> None:
    server = Server(ok({"id": "not a number"}, headers={"x-request-id": "r9"}))
    client = make_client(rt, server, strict_response_validation=True)
    with pytest.raises(rt.APIResponseValidationError) as caught:
        client.request(get_call(rt), path={"id": 1})
    assert caught.value.body == {"id": "not a number"}
    assert caught.value.status_code == 200 and caught.value.request_id == "r9"


def test_a_body_that_does_not_match_is_returned_with_a_warning_by_default(
    rt: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # openai-python's default: one missing or odd field must not cost the caller the response.
    page = {"items": [{"toNumber": "1", "voice": "MALE"}, {"id": "x"}], "totalCount": 2, "new": 1}
    server = Server(ok({"toNumber": "12135551100"}), ok(page))
    route = rt.Route("GET", "/calls", success={"200": rt.CallPage})
    with caplog.at_level(logging.WARNING, logger="demo_client"):
        call = make_client(rt, server).request(get_call(rt), path={"id": 1})
        listed = make_client(rt, server).request(route)
    assert isinstance(call, rt.Call)
    assert call.to_number == "12135551100" and call.id is None  # the required field is missing
    assert call.model_fields_set == {"to_number"} and call.to_wire() == {"toNumber": "12135551100"}
    assert isinstance(listed, rt.CallPage) and listed.total_count == 2
    first, second = listed.items
    assert isinstance(first, rt.Call) and first.voice is rt.Voice.MALE  # what validates, is
    assert isinstance(second, rt.Call) and second.id == "x"  # what does not is kept as sent
    assert listed.model_extra == {"new": 1}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "GET /v2/calls/1: the body does not match the declared type (id: Field required)" in (
        warnings[0].getMessage()
    )
    assert "12135551100" not in caplog.text  # where it differs, never the values


def test_strict_response_validation_is_an_option_of_copies_too(rt: Any) -> None:
    server = Server(ok({"toNumber": "1"}))
    client = make_client(rt, server)
    assert client.options.strict_response_validation is False
    with pytest.raises(rt.APIResponseValidationError):
        client.with_options(strict_response_validation=True).request(get_call(rt), path={"id": 1})
    assert client.request(get_call(rt), path={"id": 1}).id is None


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"error": {"message": "quota exceeded", "code": 7}}, "quota exceeded"),
        ({"type": "about:blank", "title": "Gone", "detail": "call 5 is gone"}, "call 5 is gone"),
        ({"errors": [{"message": "first"}, {"message": "second"}]}, "first"),
        ({"error": "invalid_grant", "error_description": "expired"}, "expired"),
        ({"code": 7}, None),
        ("Service down\n\x1b[31mred\u2028!", "Service down\\n\\x1b[31mred\\u2028!"),
        ("x" * 1000, "x" * 200 + "..."),
    ],
)
def test_a_status_error_says_what_the_server_said(rt: Any, body: object, said: str | None) -> None:
    reply = ok(body, 409) if isinstance(body, dict) else httpx.Response(409, text=str(body))
    with pytest.raises(rt.ConflictError) as caught:
        make_client(rt, Server(reply)).request(get_call(rt), path={"id": 5})
    described = "409 Conflict for GET /v2/calls/5"
    assert str(caught.value) == (f"{described}: {said}" if said else described)
    assert caught.value.request_id is None


@pytest.mark.parametrize(
    "header", ["X-Request-Id", "request-id", "x-amzn-RequestId", "x-ms-request-id"]
)
def test_a_status_error_names_the_request_id(rt: Any, header: str) -> None:
    server = Server(httpx.Response(500, text="oops", headers={header: "req-42\x1b"}))
    with pytest.raises(rt.InternalServerError) as caught:
        make_client(rt, server, max_retries=0).request(get_call(rt), path={"id": 5})
    assert caught.value.request_id == "req-42\x1b"
    assert str(caught.value).endswith(": oops (request id req-42\\x1b)")


def test_a_status_error_never_shows_a_credential_the_server_echoes(rt: Any) -> None:
    echo = f"no access for user:{CANARY} with Bearer {CANARY} (Authorization: Basic dXNlcjpwdw==)"
    server = Server(ok({"message": echo}, 403))
    client = make_client(rt, server, schemes=auth_schemes(rt), credentials=all_credentials(rt))
    with pytest.raises(rt.PermissionDeniedError) as caught:
        client.request(get_call(rt), path={"id": 5})
    assert CANARY not in str(caught.value) and "dXNlcjpwdw==" not in str(caught.value)
    assert str(caught.value).endswith(
        "no access for user:*** with Bearer *** (Authorization: Basic ***)"
    )
    assert caught.value.body == {"message": echo}  # the body itself is the caller's, untouched


def test_a_body_that_is_not_json_says_so_with_its_text(rt: Any) -> None:
    server = Server(
        httpx.Response(200, headers={"Content-Type": "application/json"}, content=b"{oops")
    )
    with pytest.raises(rt.APIResponseValidationError, match="the body is not JSON") as caught:
        make_client(rt, server).request(get_call(rt), path={"id": 1})
    assert caught.value.body == "{oops"


def test_json_pydantic_cannot_read_is_read_by_the_standard_library(rt: Any) -> None:
    """A byte order mark, or UTF-16: JSON all the same (json.loads detects the encoding)."""
    for content in ('\ufeff{"id": 7}'.encode("utf-8"), '{"id": 8}'.encode("utf-16")):
        server = Server(
            httpx.Response(200, headers={"Content-Type": "application/json"}, content=content)
        )
        result = make_client(rt, server).request(get_call(rt), path={"id": 1})
        assert result.id in (7, 8)


# -- auth ----------------------------------------------------------------------------------------


def auth_schemes(rt: Any) -> dict[str, Any]:
    return {
        "basic": rt.SecurityScheme("basic", "basic"),
        "header_key": rt.SecurityScheme("header_key", "apiKey", "X-Api-Key", "header"),
        "query_key": rt.SecurityScheme("query_key", "apiKey", "api_key", "query"),
        "bearer": rt.SecurityScheme("bearer", "bearer"),
    }


def all_credentials(rt: Any, secret: str = CANARY) -> Any:
    return rt.Credentials(
        username="user",
        password=secret,
        api_keys={"header_key": secret, "query_key": secret},
        token=secret,
    )


@pytest.mark.parametrize(
    ("security", "header", "expected_header", "query"),
    [
        ((("basic",),), "authorization", "Basic dXNlcjpwdw==", {}),
        ((("header_key",),), "x-api-key", "key1", {}),
        ((("query_key",),), "authorization", None, {"api_key": "key2"}),
        ((("bearer",),), "authorization", "Bearer tok", {}),
    ],
)
def test_auth_kinds(
    rt: Any, security: Any, header: str, expected_header: Any, query: dict[str, str]
) -> None:
    credentials = rt.Credentials(
        username="user",
        password="pw",
        api_keys={"header_key": "key1", "query_key": "key2"},
        token="tok",
    )
    server = Server(ok({"id": 1}))
    client = make_client(rt, server, schemes=auth_schemes(rt), credentials=credentials)
    client.request(get_call(rt, security=security), path={"id": 1})
    request = server.requests[0]
    assert request.headers.get(header) == expected_header
    assert dict(request.url.params) == query
    if expected_header is None:
        assert "x-api-key" not in request.headers


def test_auth_picks_the_first_alternative_the_credentials_cover(rt: Any) -> None:
    security = (("basic",), ("header_key", "query_key"), ())
    credentials = rt.Credentials(api_keys={"header_key": "h", "query_key": "q"})
    server = Server(ok({"id": 1}))
    client = make_client(rt, server, schemes=auth_schemes(rt), credentials=credentials)
    client.request(get_call(rt, security=security), path={"id": 1})
    request = server.requests[0]
    assert request.headers["x-api-key"] == "h"
    assert request.url.params["api_key"] == "q"
    assert "authorization" not in request.headers


def test_no_fitting_alternative_sends_no_auth_and_401_is_authentication_error(rt: Any) -> None:
    server = Server(httpx.Response(401, json={"message": "who are you"}))
    client = make_client(rt, server, schemes=auth_schemes(rt), credentials=rt.Credentials())
    with pytest.raises(rt.AuthenticationError) as caught:
        client.request(get_call(rt, security=(("bearer",), ("basic",))), path={"id": 1})
    assert caught.value.body == {"message": "who are you"}
    request = server.requests[0]
    assert "authorization" not in request.headers
    assert len(server.requests) == 1


def test_secrets_never_leak(rt: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="demo_client")
    credentials = all_credentials(rt)
    server = Server(
        httpx.Response(503, headers={"Set-Cookie": f"session={CANARY}"}),
        httpx.Response(401, json={"message": "bad key"}),
        raise_(httpx.ConnectError),
    )
    client = make_client(
        rt,
        server,
        schemes=auth_schemes(rt),
        credentials=credentials,
        default_headers={"Cookie": f"c={CANARY}"},
        max_retries=1,
    )
    texts = [repr(client), repr(credentials), str(client.options.credentials)]
    route = get_call(rt, security=(("basic", "header_key", "query_key"),))
    with pytest.raises(rt.AuthenticationError) as status_error:
        client.request(route, path={"id": 1})
    with pytest.raises(rt.APIConnectionError) as connection_error:
        client.with_options(max_retries=0).request(
            get_call(rt, security=(("bearer",),)), path={"id": 1}
        )
    texts += [str(status_error.value), repr(status_error.value)]
    texts += [str(connection_error.value), repr(connection_error.value)]
    # The canary really was sent: otherwise its absence from the logs would prove nothing.
    sent = server.requests[0]
    assert sent.url.params["api_key"] == CANARY and sent.headers["x-api-key"] == CANARY
    assert server.requests[2].headers["authorization"] == f"Bearer {CANARY}"
    assert "api_key=***" in caplog.text and "GET https://api.example.com/v2/calls/1" in caplog.text
    assert "status=503" in caplog.text and "status=401" in caplog.text
    assert "retry GET" in caplog.text
    for text in [*texts, caplog.text]:
        assert CANARY not in text
    assert repr(credentials).count("'***'") == 5


# -- request encoding ------------------------------------------------------------------------------


def test_query_collection_formats_and_booleans(rt: Any) -> None:
    formats = {"c": "csv", "s": "ssv", "t": "tsv", "p": "pipes", "m": "multi"}
    route = rt.Route("GET", "/search", query_formats=formats, idempotent=True)
    server = Server(httpx.Response(204))
    result = make_client(rt, server).request(
        route,
        query={
            "c": ["a", "b"],
            "d": [1, 2],
            "s": ["a", "b"],
            "t": ["a", "b"],
            "p": [True, False],
            "m": [rt.Voice.MALE, "x"],
            "flag": False,
            "none": None,
            "skipped": rt.NOT_GIVEN,
            "day": datetime.date(2024, 1, 2),
        },
    )
    assert result is None
    assert server.requests[0].url.params.multi_items() == [
        ("c", "a,b"),
        ("d", "1,2"),
        ("s", "a b"),
        ("t", "a\tb"),
        ("p", "true|false"),
        ("m", "MALE"),
        ("m", "x"),
        ("flag", "false"),
        ("day", "2024-01-02"),
    ]


def test_the_query_is_the_one_httpx_would_make(rt: Any) -> None:
    """The runtime joins the query to the URL itself (one URL parse, not two): byte for byte as httpx."""
    awkward = ["a b", "a+b", "a&b=c", "x/y?z#w", "100%", "é ü", "'\"", "~-._*"]
    server = Server(httpx.Response(204))
    route = rt.Route("GET", "/search", query_formats={"m": "multi"}, idempotent=True)
    make_client(rt, server).request(route, query={"m": awkward, "one": "a b&c"})
    pairs = [("m", value) for value in awkward] + [("one", "a b&c")]
    assert (
        server.requests[0].url.raw_path
        == httpx.URL(BASE + "/search").copy_merge_params(pairs).raw_path
    )


def test_path_values_are_escaped_per_segment(rt: Any) -> None:
    server = Server(httpx.Response(204))
    route = rt.Route("DELETE", "/files/{name}/v/{n}", idempotent=True)
    make_client(rt, server).request(route, path={"name": "a/b c", "n": True})
    assert server.requests[0].url.raw_path == b"/v2/files/a%2Fb%20c/v/true"


def test_missing_path_value_is_an_error(rt: Any) -> None:
    with pytest.raises(ValueError, match="'id'"):
        make_client(rt, Server(ok())).request(get_call(rt))


def test_header_params(rt: Any) -> None:
    server = Server(httpx.Response(204))
    make_client(rt, server).request(
        rt.Route("GET", "/x"),
        headers={"X-Ids": [1, 2], "X-Flag": True, "X-None": None},
        extra_headers={"X-Extra": "e"},
        extra_query={"debug": True},
    )
    request = server.requests[0]
    assert request.headers["x-ids"] == "1,2"
    assert request.headers["x-flag"] == "true"
    assert "x-none" not in request.headers
    assert request.headers["x-extra"] == "e"
    assert request.url.params.multi_items() == [("debug", "true")]


def test_json_body_from_a_model_uses_aliases_and_skips_unset_fields(rt: Any) -> None:
    server = Server(ok({"id": 1, "toNumber": "+1"}, 201))
    body = rt.Call(id=1, to_number="+1", created=datetime.date(2024, 2, 3))
    make_client(rt, server).request(post_call(rt), body=body)
    request = server.requests[0]
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"id": 1, "toNumber": "+1", "created": "2024-02-03"}


def test_json_body_list_of_models_and_custom_content_type(rt: Any) -> None:
    server = Server(ok([], 201))
    route = post_call(rt, content_type="application/vnd.calls+json", success={"201": None})
    make_client(rt, server).request(route, body=[rt.Call(id=1), {"id": 2}])
    request = server.requests[0]
    assert request.headers["content-type"] == "application/vnd.calls+json"
    assert request.content == b'[{"id":1},{"id":2}]'


def test_binary_and_text_bodies_are_sent_as_is(rt: Any) -> None:
    server = Server(httpx.Response(204))
    client = make_client(rt, server)
    client.request(rt.Route("PUT", "/sound", body="json"), body=b"\x00RIFF")
    xml = rt.Route("PUT", "/doc", body="json", content_type="application/xml")
    client.request(xml, body="<a/>")
    client.request(rt.Route("PUT", "/doc", body="json"), body="just a string")
    client.request(rt.Route("PATCH", "/opt", body="json"), body=None)
    first, second, third, fourth = server.requests
    assert (first.headers["content-type"], first.content) == (
        "application/octet-stream",
        b"\x00RIFF",
    )
    assert (second.headers["content-type"], second.content) == ("application/xml", b"<a/>")
    assert (third.headers["content-type"], third.content) == (
        "application/json",
        b'"just a string"',
    )
    assert "content-type" not in fourth.headers and fourth.content == b""


def test_a_body_the_operation_consumes_as_bytes_is_sent_as_given(rt: Any, tmp_path: Path) -> None:
    """An operation that consumes application/octet-stream (no JSON): the bytes, as that type."""
    path = tmp_path / "voice.wav"
    path.write_bytes(b"RIFF-path")
    server = Server(httpx.Response(204))
    client = make_client(rt, server)
    route = rt.Route("PUT", "/sound", body="raw", content_type="application/octet-stream")
    for body in (b"\x00RIFF", bytearray(b"\x00RIFF"), io.BytesIO(b"\x00RIFF"), path):
        client.request(route, body=body)
    client.request(route, body=("a.wav", b"RIFF", "audio/wav"))  # the tuple names its type
    client.request(route, body=("a.wav", io.BytesIO(b"RIFF")))
    sent = [(r.headers["content-type"], r.content) for r in server.requests]
    octets = "application/octet-stream"
    assert sent == [
        (octets, b"\x00RIFF"),
        (octets, b"\x00RIFF"),
        (octets, b"\x00RIFF"),
        (octets, b"RIFF-path"),
        ("audio/wav", b"RIFF"),
        (octets, b"RIFF"),
    ]


def test_a_body_the_operation_consumes_as_text_is_sent_utf8_encoded(rt: Any) -> None:
    server = Server(httpx.Response(204))
    client = make_client(rt, server)
    xml = rt.Route("POST", "/orders", body="raw", content_type="application/xml")
    client.request(xml, body="<order id='1'>é</order>")
    client.request(xml, body=None)  # an optional body left out
    first, second = server.requests
    assert first.headers["content-type"] == "application/xml"
    assert first.content == "<order id='1'>é</order>".encode()
    assert "content-type" not in second.headers and second.content == b""


@pytest.mark.parametrize(
    "body, extra, said",
    [
        ({"id": 1}, None, "give str, bytes, a Path, a binary file or a tuple, not dict"),
        (io.StringIO("text mode"), None, "open the file in binary mode"),
        (b"ok", {"id": 1}, "extra_body adds fields to a JSON object"),
    ],
)
def test_a_body_sent_as_given_refuses_what_it_cannot_send(
    rt: Any, body: object, extra: dict[str, object] | None, said: str
) -> None:
    server = Server(httpx.Response(204))
    route = rt.Route("PUT", "/sound", body="raw", content_type="application/octet-stream")
    with pytest.raises(TypeError, match=said):
        make_client(rt, server).request(route, body=body, extra_body=extra)
    assert server.requests == []  # refused before sending


def test_a_retried_upload_sends_the_whole_file_again(rt: Any) -> None:
    """A file is read once, before the first attempt: a retry does not send what is left of it."""
    server = Server(httpx.Response(503), httpx.Response(204))
    route = rt.Route(
        "PUT", "/sound", body="raw", content_type="application/octet-stream", idempotent=True
    )
    make_client(rt, server, max_retries=1).request(route, body=io.BytesIO(b"RIFF-all"))
    assert [r.content for r in server.requests] == [b"RIFF-all", b"RIFF-all"]


def test_form_urlencoded_body(rt: Any) -> None:
    server = Server(httpx.Response(204))
    route = rt.Route("POST", "/form", body="form", form_formats={"tags": "multi"})
    make_client(rt, server).request(
        route, form={"name": "a b", "on": True, "tags": ["x", "y"], "ids": [1, 2], "no": None}
    )
    request = server.requests[0]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"name=a+b&on=true&tags=x&tags=y&ids=1%2C2"


def test_multipart_with_files_from_bytes_path_and_file_object(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "voice.wav"
    path.write_bytes(b"RIFF-path")
    handle = io.BytesIO(b"from-handle")
    handle.name = "/some/dir/greeting.mp3"
    server = Server(httpx.Response(204))
    route = rt.Route("POST", "/upload", body="multipart")
    make_client(rt, server).request(
        route,
        form={"label": "hello"},
        files={
            "raw": b"raw-bytes",
            "path": path,
            "handle": handle,
            "named": ("n.txt", b"named", "text/plain"),
        },
    )
    request = server.requests[0]
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    parts = _multipart_parts(request.content, content_type.split("boundary=")[1])
    assert parts == {
        "label": ({}, b"hello"),
        "raw": ({"filename": "raw", "type": "application/octet-stream"}, b"raw-bytes"),
        "path": ({"filename": "voice.wav", "type": guess("voice.wav")}, b"RIFF-path"),
        "handle": ({"filename": "greeting.mp3", "type": guess("greeting.mp3")}, b"from-handle"),
        "named": ({"filename": "n.txt", "type": "text/plain"}, b"named"),
    }


def test_multipart_without_files_is_still_multipart(rt: Any) -> None:
    server = Server(httpx.Response(204))
    route = rt.Route("POST", "/upload", body="multipart", form_formats={"b": "multi"})
    make_client(rt, server).request(route, form={"a": "1", "b": ["x", "y"], "c": [1, 2]})
    content_type = server.requests[0].headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1]
    body = server.requests[0].content.decode()
    assert body.count('name="b"') == 2
    parts = _multipart_parts(server.requests[0].content, boundary)
    assert (parts["a"], parts["c"]) == (({}, b"1"), ({}, b"1,2"))


def guess(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _multipart_parts(content: bytes, boundary: str) -> dict[str, tuple[dict[str, str], bytes]]:
    """Parse a multipart body into {name: ({filename, type}, data)} (last one wins)."""
    parts: dict[str, tuple[dict[str, str], bytes]] = {}
    for chunk in content.split(b"--" + boundary.encode())[1:-1]:
        head, _, data = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        meta: dict[str, str] = {}
        name = ""
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(": ")
            if key.lower() == "content-disposition":
                fields = dict(
                    item.strip().split("=", 1) for item in value.split(";")[1:] if "=" in item
                )
                name = fields["name"].strip('"')
                if "filename" in fields:
                    meta["filename"] = fields["filename"].strip('"')
            elif key.lower() == "content-type":
                meta["type"] = value
        parts[name] = (meta, data)
    return parts


def test_user_agent_accept_and_default_headers(rt: Any) -> None:
    server = Server(ok({"id": 1}))
    client = make_client(rt, server, default_headers={"X-Tenant": "t1"})
    client.request(get_call(rt), path={"id": 1})
    headers = server.requests[0].headers
    assert headers["user-agent"] == f"demo-client/1.2.3 python-httpx/{httpx.__version__}"
    assert headers["accept"] == "application/json"
    assert headers["x-tenant"] == "t1"


# -- response parsing ------------------------------------------------------------------------


def test_model_with_unknown_field_and_unknown_enum_value(rt: Any) -> None:
    server = Server(
        ok({"id": 1, "voice": "ROBOT", "brandNew": [1]}), ok({"id": 2, "voice": "FEMALE"})
    )
    client = make_client(rt, server)
    call = client.request(get_call(rt), path={"id": 1})
    assert isinstance(call, rt.Call)
    assert call.voice == "ROBOT" and not isinstance(call.voice, rt.Voice)
    assert call.model_extra == {"brandNew": [1]}
    assert call.to_wire() == {"id": 1, "voice": "ROBOT", "brandNew": [1]}
    known = client.request(get_call(rt), path={"id": 2})
    assert known.voice is rt.Voice.FEMALE


def test_list_of_models_no_content_bytes_and_text(rt: Any) -> None:
    server = Server(
        ok([{"id": 1}, {"id": 2, "toNumber": "+1"}]),
        httpx.Response(204),
        httpx.Response(200, content=b"\x00\x01", headers={"Content-Type": "audio/wav"}),
        httpx.Response(200, text="plain words"),
        ok({"a": 1}, 201),
    )
    client = make_client(rt, server)
    listed = client.request(rt.Route("GET", "/calls", success={"200": list[rt.Call]}))
    assert listed == [rt.Call(id=1), rt.Call(id=2, to_number="+1")]
    assert client.request(rt.Route("DELETE", "/calls/1", success={"204": None})) is None
    sound = client.request(rt.Route("GET", "/sound", success={"200": "bytes"}))
    assert sound == b"\x00\x01"
    assert server.requests[2].headers["accept"] == "*/*"
    assert client.request(rt.Route("GET", "/text", success={"200": str})) == "plain words"
    counts = client.request(rt.Route("POST", "/count", success={"default": dict[str, int]}))
    assert counts == {"a": 1}


def test_type_adapters_are_cached_per_type(rt: Any) -> None:
    server = Server(ok([{"id": 1}]))
    client = make_client(rt, server)
    route = rt.Route("GET", "/calls", success={"200": list[rt.Call]})
    client.request(route)
    cache = rt.module._response._ADAPTERS
    adapter = cache[list[rt.Call]]
    client.request(route)
    assert cache[list[rt.Call]] is adapter


# -- client copies, raw responses, lifecycle ------------------------------------------------------


def test_with_options_returns_a_configured_copy_sharing_the_http_client(rt: Any) -> None:
    server = Server(ok({"id": 1}))
    client = make_client(rt, server, default_headers={"A": "1"})
    other = client.with_options(
        base_url="https://other.example.com", timeout=3.0, default_headers={"B": "2"}
    )
    other.request(get_call(rt), path={"id": 1})
    client.request(get_call(rt), path={"id": 1})
    first, second = server.requests
    assert str(first.url) == "https://other.example.com/calls/1"
    assert first.extensions["timeout"] == httpx.Timeout(3.0).as_dict()
    assert (first.headers["a"], first.headers["b"]) == ("1", "2")
    assert str(second.url) == f"{BASE}/calls/1"
    assert "b" not in second.headers
    assert other._http is client._http
    assert repr(other) == "SyncAPIClient(base_url='https://other.example.com')"


def test_copies_rebuild_cached_resources(rt: Any) -> None:
    server = Server(ok({"id": 1}))

    class Calls:
        def __init__(self, client: Any) -> None:
            self._client = client

        def get(self, call_id: int) -> Any:
            return self._client.request(get_call(rt), path={"id": call_id})

    class GeneratedClient(rt.SyncAPIClient):
        @functools.cached_property
        def calls(self) -> Calls:
            return Calls(self)

    client = GeneratedClient(base_url=BASE, transport=server.transport)
    assert client.calls.get(1) == rt.Call(id=1)
    other = client.with_options(base_url="https://other.example.com")
    assert other.calls._client is other and client.calls._client is client
    other.calls.get(2)
    assert isinstance(client.raw().calls.get(3), rt.RawResponse)
    assert [r.url.host for r in server.requests] == [
        "api.example.com",
        "other.example.com",
        "api.example.com",
    ]


def test_raw_client_returns_raw_responses(rt: Any) -> None:
    server = Server(ok({"id": 7}, headers={"X-Rate": "9"}), httpx.Response(404))
    raw_client = make_client(rt, server).raw()
    raw = raw_client.request(get_call(rt), path={"id": 7})
    assert isinstance(raw, rt.RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-rate"] == "9"
    assert raw.http_response.request is server.requests[0]
    assert raw.parse() == rt.Call(id=7)
    assert raw.parse() is raw.parse()
    with pytest.raises(rt.NotFoundError):
        raw_client.request(get_call(rt), path={"id": 8})


def test_raw_method_types_the_methods_of_a_resource_on_a_raw_client(rt: Any) -> None:
    server = Server(ok({"id": 3}, 201))

    class Calls:
        def __init__(self, client: Any) -> None:
            self._client = client

        def create(self, to_number: str) -> Any:
            return self._client.request(post_call(rt), body={"toNumber": to_number})

    client = make_client(rt, server)
    raw = rt.raw_method(Calls(client.raw()).create)("+1")
    assert raw.status_code == 201
    assert raw.parse() == rt.Call(id=3)
    assert Calls(client).create("+1") == rt.Call(id=3)
    # Only the raw copy returns raw responses: wrapping a normal client's method changes nothing.
    with pytest.raises(TypeError, match=r"client\.raw\(\)"):
        rt.raw_method(Calls(client).create)("+1")


def test_a_view_wraps_an_operation_when_it_is_first_used_and_keeps_it(rt: Any) -> None:
    server = Server(ok({"id": 3}, 201), ok({"id": 4}, 201))
    wrapped: list[str] = []

    class Calls:
        def __init__(self, client: Any) -> None:
            self._client = client

        def create(self, to_number: str) -> Any:
            """Create a call."""
            return self._client.request(post_call(rt), body={"toNumber": to_number})

        def delete(self) -> Any:
            return self._client.request(get_call(rt), path={"id": 1})

    def counting(method: Any) -> Any:
        wrapped.append(method.__name__)
        return rt.raw_method(method)

    class CallsWithRawResponse:
        def __init__(self, resource: Calls) -> None:
            self._resource = resource

        create = rt.raw_view(Calls.create)
        delete = rt.raw_view(Calls.delete)

    view = CallsWithRawResponse(Calls(make_client(rt, server).raw()))
    for name in ("create", "delete"):
        vars(CallsWithRawResponse)[name]._wrap = counting
    assert wrapped == []  # making the view wraps nothing
    first = view.create
    assert first is view.create and wrapped == ["create"]  # wrapped once, then kept on the view
    assert first.__name__ == "create" and first.__doc__ == "Create a call."
    raw = first("+1")
    assert raw.status_code == 201 and raw.parse() == rt.Call(id=3)
    assert server.requests[0].method == "POST"
    # each view wraps its own resource's method
    other = CallsWithRawResponse(Calls(make_client(rt, server).raw()))
    assert other.create is not first and other.create("+2").parse() == rt.Call(id=4)
    assert wrapped == ["create", "create"]


def test_async_raw_response(rt: Any) -> None:
    server = Server(ok({"id": 4}))

    async def main() -> tuple[Any, Any]:
        async with make_async_client(rt, server, Sleeps()) as client:
            raw_client = client.raw()

            async def fetch(call_id: int) -> Any:
                return await raw_client.request(get_call(rt), path={"id": call_id})

            raw = await rt.async_raw_method(fetch)(4)
            return raw, await client.request(get_call(rt), path={"id": 5})

    raw, parsed = asyncio.run(main())
    assert raw.status_code == 200 and raw.parse() == rt.Call(id=4)
    assert parsed == rt.Call(id=4)  # the server's reply; the client itself stays parsing


def test_injected_http_client_is_not_closed(rt: Any) -> None:
    server = Server(ok({"id": 1}))
    http = httpx.Client(transport=server.transport)
    with rt.SyncAPIClient(base_url=BASE, http_client=http) as client:
        client.request(get_call(rt), path={"id": 1})
    assert not http.is_closed
    http.close()
    with rt.SyncAPIClient(base_url=BASE, transport=server.transport) as owned:
        copy = owned.with_options(timeout=1.0)
        copy.close()
        assert not owned._http.is_closed
    assert owned._http.is_closed


def test_injected_async_http_client_is_not_closed(rt: Any) -> None:
    server = Server(ok({"id": 1}))

    async def main() -> bool:
        http = httpx.AsyncClient(transport=server.transport)
        async with rt.AsyncAPIClient(base_url=BASE, http_client=http) as client:
            await client.request(get_call(rt), path={"id": 1})
        closed = http.is_closed
        await http.aclose()
        return closed

    assert asyncio.run(main()) is False


def test_http_client_and_transport_are_exclusive(rt: Any) -> None:
    with httpx.Client() as http:
        with pytest.raises(ValueError):
            rt.SyncAPIClient(base_url=BASE, http_client=http, transport=httpx.MockTransport(ok))


def test_plain_http_with_credentials_warns_once(rt: Any) -> None:
    credentials = rt.Credentials(token=CANARY)

    class GeneratedClient(rt.SyncAPIClient):
        def __init__(self, token: str) -> None:
            super().__init__(
                base_url="http://api.example.com", credentials=rt.Credentials(token=token)
            )

    with pytest.warns(rt.InsecureTransportWarning) as record:
        client = GeneratedClient(CANARY)
    assert len(record) == 1
    assert record[0].filename == __file__  # points at the caller, not at the runtime
    assert CANARY not in str(record[0].message)
    client.close()
    # https, or http without credentials, is silent (pytest turns warnings into errors).
    rt.SyncAPIClient(base_url="https://api.example.com", credentials=credentials).close()
    rt.SyncAPIClient(base_url="http://localhost:8080").close()
    secure = rt.SyncAPIClient(base_url="https://api.example.com", credentials=credentials)
    with pytest.warns(rt.InsecureTransportWarning):
        secure.with_options(base_url="http://api.example.com")
    secure.close()


# -- pagination ----------------------------------------------------------------------------------


def _page(items: list[int], **extra: Any) -> httpx.Response:
    return ok({"items": [{"id": i} for i in items], **extra})


def test_offset_pagination_across_three_pages(rt: Any) -> None:
    server = Server(_page([1, 2]), _page([3, 4]), _page([5]), _page([]))
    spec = rt.PageSpec("offset", "items", limit_param="limit", offset_param="offset")
    route = rt.Route("GET", "/calls", success={"200": rt.CallPage}, idempotent=True)
    items = make_client(rt, server).paginate(route, spec, query={"limit": 2, "q": "x"})
    assert server.requests == []  # lazy: nothing is fetched before iteration
    assert [call.id for call in items] == [1, 2, 3, 4, 5]
    assert [r.url.params.multi_items() for r in server.requests] == [
        [("limit", "2"), ("q", "x"), ("offset", "0")],
        [("limit", "2"), ("q", "x"), ("offset", "2")],
        [("limit", "2"), ("q", "x"), ("offset", "4")],
        [("limit", "2"), ("q", "x"), ("offset", "5")],
    ]


def test_offset_pagination_stops_at_total_and_on_empty_page(rt: Any) -> None:
    spec = rt.PageSpec("offset", "items", "limit", "offset", total_field="totalCount")
    route = rt.Route("GET", "/calls", success={"200": rt.CallPage})
    server = Server(_page([1, 2], totalCount=4), _page([3, 4], totalCount=4), _page([9]))
    items = list(make_client(rt, server).paginate(route, spec, query={"limit": 2}))
    assert [c.id for c in items] == [1, 2, 3, 4]
    assert len(server.requests) == 2
    server = Server(_page([1, 2]), _page([]))
    items = list(make_client(rt, server).paginate(route, spec, query={}))
    assert [c.id for c in items] == [1, 2]
    assert [r.url.params.get("offset") for r in server.requests] == ["0", "2"]


def test_page_number_pagination_across_three_pages(rt: Any) -> None:
    # The server echoes the page size it applied: a page shorter than it is the last.
    server = Server(_page([1, 2], size=2), _page([3, 4], size=2), _page([5], size=2))
    spec = rt.PageSpec("page", "items", limit_param="size", page_param="page", limit_field="size")
    route = rt.Route("GET", "/calls", success={"200": dict[str, Any]})
    items = list(make_client(rt, server).paginate(route, spec, query={"size": 2}))
    assert items == [{"id": i} for i in [1, 2, 3, 4, 5]]
    assert [r.url.params.multi_items() for r in server.requests] == [
        [("size", "2"), ("page", "1")],
        [("size", "2"), ("page", "2")],
        [("size", "2"), ("page", "3")],
    ]


def test_cursor_pagination_across_three_pages(rt: Any) -> None:
    server = Server(
        _page([1], nextCursor="c2"), _page([2], nextCursor="c3"), _page([3], nextCursor=None)
    )
    spec = rt.PageSpec("cursor", "items", cursor_param="after", next_field="nextCursor")
    route = rt.Route("GET", "/calls", success={"200": rt.CallPage})
    items = make_client(rt, server).paginate(route, spec, path={}, query={"q": "x"})
    assert [c.id for c in items] == [1, 2, 3]
    assert [r.url.params.multi_items() for r in server.requests] == [
        [("q", "x")],
        [("q", "x"), ("after", "c2")],
        [("q", "x"), ("after", "c3")],
    ]


def _link_walk(rt: Any, server: Server, **client_options: Any) -> list[int]:
    """The ids of a walk of GET /calls?api-version=1 that follows the pages' nextLink (Azure's
    x-ms-pageable: items in "value")."""
    spec = rt.PageSpec("link", "value", next_field="nextLink")
    route = rt.Route("GET", "/calls", success={"200": dict}, security=(("bearer",),))
    client = make_client(rt, server, schemes=auth_schemes(rt), **client_options)
    items = client.paginate(route, spec, query={"api-version": "1"})
    return [item["id"] for item in items]


def _link_page(ids: list[int], next_link: str | None) -> httpx.Response:
    return ok({"value": [{"id": i} for i in ids], "nextLink": next_link})


def test_a_link_walk_follows_each_next_link_with_the_credentials(rt: Any) -> None:
    server = Server(
        _link_page([1, 2], f"{BASE}/calls?api-version=1&$skiptoken=abc"),
        _link_page([3], "calls?api-version=1&$skiptoken=def"),  # relative: to this page's URL
        _link_page([4], None),  # no next link: the last page
    )
    credentials = rt.Credentials(token="tok")
    assert _link_walk(rt, server, credentials=credentials) == [1, 2, 3, 4]
    assert [str(r.url) for r in server.requests] == [
        f"{BASE}/calls?api-version=1",
        f"{BASE}/calls?api-version=1&$skiptoken=abc",  # as the server wrote it
        f"{BASE}/calls?api-version=1&$skiptoken=def",
    ]
    assert {r.headers["authorization"] for r in server.requests} == {"Bearer tok"}
    assert {r.method for r in server.requests} == {"GET"}


def test_a_relative_next_link_is_read_against_the_page_it_is_on(rt: Any) -> None:
    """RFC 3986, section 5.1: a reference inside a document is relative to that document's URL,
    here the page's, not the first request's."""
    server = Server(
        _link_page([1], f"{BASE}/archive/2024/calls?part=2"),
        _link_page([2], "../2023/calls?part=1"),
        _link_page([3], None),
    )
    assert _link_walk(rt, server) == [1, 2, 3]
    assert str(server.requests[2].url) == f"{BASE}/archive/2023/calls?part=1"


def test_a_link_walk_keeps_the_query_parameters_it_names(rt: Any) -> None:
    server = Server(
        _link_page([1], f"{BASE}/calls?$skiptoken=a"),  # no api-version
        _link_page([2], f"{BASE}/calls?api-version=2&$skiptoken=b"),  # another one
        _link_page([3], None),
    )
    spec = rt.PageSpec("link", "value", next_field="nextLink", link_query=("api-version",))
    route = rt.Route("GET", "/calls", success={"200": dict})
    items = make_client(rt, server).paginate(route, spec, query={"api-version": "1"})
    assert [item["id"] for item in items] == [1, 2, 3]
    assert [r.url.params.get_list("api-version") for r in server.requests] == [["1"]] * 3
    # The rest of each link as the server wrote it: its $ not encoded again.
    assert str(server.requests[1].url) == f"{BASE}/calls?$skiptoken=a&api-version=1"
    assert str(server.requests[2].url) == f"{BASE}/calls?$skiptoken=b&api-version=1"


def test_a_link_walk_ends_at_a_link_it_followed_before(rt: Any) -> None:
    again = f"{BASE}/calls?page=2"
    server = Server(_link_page([1], again), _link_page([2], f"{BASE}/calls?page=3"))
    server.replies.append(_link_page([3], again))  # back to page 2: a loop
    assert _link_walk(rt, server) == [1, 2, 3]
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/v2/calls?$skiptoken=abc",
        "http://api.example.com/v2/calls?$skiptoken=abc",  # another scheme
        "https://api.example.com:8443/v2/calls",  # another port
        "https://user:pw@api.example.com/v2/calls",
        "https://api.example.com/other/calls",  # outside the base URL's path
    ],
)
def test_a_next_link_off_the_base_url_is_not_followed(rt: Any, link: str) -> None:
    """The link is the server's text; the bearer token goes wherever it points."""
    server = Server(_link_page([1], link), _link_page([2], None))
    with pytest.raises(rt.RequestURLError, match="refused"):
        _link_walk(rt, server, credentials=rt.Credentials(token=CANARY))
    assert len(server.requests) == 1


def test_a_next_link_carries_an_api_key_the_query_holds(rt: Any) -> None:
    spec = rt.PageSpec("link", "value", next_field="nextLink")
    route = rt.Route("GET", "/calls", success={"200": dict}, security=(("query_key",),))
    credentials = rt.Credentials(api_keys={"query_key": "k"})
    server = Server(_link_page([1], f"{BASE}/calls?$skiptoken=x"), _link_page([2], None))
    client = make_client(rt, server, schemes=auth_schemes(rt), credentials=credentials)
    assert [item["id"] for item in client.paginate(route, spec)] == [1, 2]
    assert [r.url.params.get("api_key") for r in server.requests] == ["k", "k"]


def test_an_async_link_walk(rt: Any) -> None:
    server = Server(_link_page([1], f"{BASE}/calls?$skiptoken=x"), _link_page([2], None))
    spec = rt.PageSpec("link", "value", next_field="nextLink")
    route = rt.Route("GET", "/calls", success={"200": dict})

    async def main() -> list[int]:
        async with make_async_client(rt, server, Sleeps()) as client:
            return [item["id"] async for item in client.apaginate(route, spec)]

    assert asyncio.run(main()) == [1, 2]
    assert server.requests[1].url.params["$skiptoken"] == "x"


def test_async_pagination(rt: Any) -> None:
    server = Server(_page([1, 2]), _page([3, 4]), _page([5]), _page([]))
    spec = rt.PageSpec("offset", "items", limit_param="limit", offset_param="offset")
    route = rt.Route("GET", "/calls", success={"200": rt.CallPage})

    async def main() -> list[int]:
        async with make_async_client(rt, server, Sleeps()) as client:
            pages = client.apaginate(route, spec, query={"limit": 2})
            return [call.id async for call in pages]

    assert asyncio.run(main()) == [1, 2, 3, 4, 5]
    assert [r.url.params["offset"] for r in server.requests] == ["0", "2", "4", "5"]


def test_pagination_on_a_raw_client_yields_parsed_items(rt: Any) -> None:
    server = Server(_page([1]), _page([]))
    spec = rt.PageSpec("page", "items", page_param="p")
    route = rt.Route("GET", "/calls", success={"200": rt.CallPage})
    items = list(make_client(rt, server).raw().paginate(route, spec))
    assert [c.id for c in items] == [1]


class Listing:
    """A server holding ``count`` items that puts at most ``cap`` on a page, whatever the limit
    asked for (as real servers do), and states its total and the limit it applied when told to."""

    def __init__(
        self, count: int, cap: int, kind: str = "offset", total: bool = True, echo: bool = True
    ) -> None:
        self.count, self.cap, self.kind, self.total, self.echo = count, cap, kind, total, echo
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        params = request.url.params
        applied = min(int(params.get("limit", self.cap)), self.cap)
        if self.kind == "page":
            start = (int(params.get("page", "1")) - 1) * applied
        elif self.kind == "cursor":
            start = int(params.get("after", "0"))
        else:
            start = int(params.get("offset", "0"))
        items = list(range(start, min(start + applied, self.count)))
        body: dict[str, Any] = {"items": [{"id": i} for i in items]}
        body["totalCount"] = self.count if self.total else -1
        if self.echo:
            body["limit"] = applied
        if self.kind == "cursor":
            following = start + len(items)
            body["nextCursor"] = str(following) if following < self.count else None
        return ok(body)


def _spec(rt: Any, kind: str = "offset", **kwargs: Any) -> Any:
    names = {"offset": "offset_param", "page": "page_param", "cursor": "cursor_param"}
    where = {"offset": "offset", "page": "page", "cursor": "after"}[kind]
    fields = {names[kind]: where, "limit_param": "limit", "total_field": "totalCount"}
    if kind == "cursor":
        fields["next_field"] = "nextCursor"
    return rt.PageSpec(kind, "items", **{**fields, "limit_field": "limit", **kwargs})


def _list_route(rt: Any) -> Any:
    return rt.Route("GET", "/calls", success={"200": rt.CallPage}, idempotent=True)


@pytest.mark.parametrize("kind", ["offset", "page", "cursor"])
@pytest.mark.parametrize("echo", [True, False])
def test_an_unknown_total_of_minus_one_does_not_end_the_walk(
    rt: Any, kind: str, echo: bool
) -> None:
    # CallFire's Page.totalCount: "Total count of available results. -1 if unknown".
    server = Listing(250, 100, kind, total=False, echo=echo)
    pager = make_client(rt, Server(server)).paginate(
        _list_route(rt), _spec(rt, kind), query={"limit": 100}
    )
    assert [c.id for c in pager] == list(range(250))
    # The short last page ends it when the server says which limit it applied (or the cursor
    # does); without that, only an empty page can.
    assert len(server.requests) == (3 if echo or kind == "cursor" else 4)


@pytest.mark.parametrize("kind", ["offset", "page", "cursor"])
def test_a_page_shorter_than_the_limit_asked_for_is_not_the_last(rt: Any, kind: str) -> None:
    # limit=500 against a server that caps pages at 100: each page is "short" of 500.
    for echo in (True, False):
        server = Listing(250, 100, kind, total=True, echo=echo)
        pager = make_client(rt, Server(server)).paginate(
            _list_route(rt), _spec(rt, kind), query={"limit": 500}
        )
        assert [c.id for c in pager] == list(range(250)), (kind, echo)
        assert len(server.requests) == 3


def test_a_page_shorter_than_the_largest_page_the_api_states_is_the_last(rt: Any) -> None:
    server = Listing(250, 100, total=False, echo=False)
    spec = _spec(rt, limit_field=None, max_limit=100)
    pager = make_client(rt, Server(server)).paginate(_list_route(rt), spec, query={"limit": 500})
    assert [c.id for c in pager] == list(range(250))
    assert len(server.requests) == 3  # 100, 100, then 50 < min(500, 100)


def test_a_known_total_ends_the_walk_without_an_empty_page(rt: Any) -> None:
    for kind in ("offset", "page", "cursor"):
        server = Listing(200, 100, kind, total=True, echo=False)
        pager = make_client(rt, Server(server)).paginate(
            _list_route(rt), _spec(rt, kind, limit_field=None), query={"limit": 100}
        )
        assert len(list(pager)) == 200 and len(server.requests) == 2, kind


@pytest.mark.parametrize(
    ("kind", "start", "first_id"), [("offset", 10, 10), ("page", 2, 100), ("cursor", "30", 30)]
)
def test_the_walk_starts_where_the_caller_says(
    rt: Any, kind: str, start: object, first_id: int
) -> None:
    server = Listing(250, 100, kind, total=True)
    where = {"offset": "offset", "page": "page", "cursor": "after"}[kind]
    pager = make_client(rt, Server(server)).paginate(
        _list_route(rt), _spec(rt, kind), query={"limit": 100, where: start}
    )
    ids = [c.id for c in pager]
    assert ids == list(range(first_id, 250))
    assert server.requests[0].url.params[where] == str(start)


def test_pages_are_reachable_with_their_totals_sync_and_async(rt: Any) -> None:
    server = Listing(5, 2)
    client = make_client(rt, Server(server))
    pager = client.paginate(_list_route(rt), _spec(rt), query={"limit": 2})
    pages = list(pager.iter_pages())
    assert all(isinstance(page, rt.CallPage) for page in pages)
    assert [[c.id for c in page.items] for page in pages] == [[0, 1], [2, 3], [4]]
    assert {page.total_count for page in pages} == {5}
    assert next(pager).id == 0  # the items are a separate walk, still lazy
    assert isinstance(pager, rt.SyncPager)

    async def main() -> tuple[list[Any], list[int]]:
        async with make_async_client(rt, Server(Listing(5, 2)), Sleeps()) as aclient:
            apager = aclient.apaginate(_list_route(rt), _spec(rt), query={"limit": 2})
            return [p async for p in apager.iter_pages()], [c.id async for c in apager]

    async_pages, ids = asyncio.run(main())
    assert [len(page.items) for page in async_pages] == [2, 2, 1] and ids == [0, 1, 2, 3, 4]


# -- logging -------------------------------------------------------------------------------------


@pytest.fixture
def clean_logger(rt: Any) -> Any:
    """The package logger, restored after the test (configure_logging changes it)."""
    logger = logging.getLogger("demo_client")
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


def test_the_logger_is_named_after_the_package_as_imported(
    rt: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert rt.module._logging.logger.name == "demo_client"
    caplog.set_level(logging.DEBUG, logger="demo_client")
    server = Server(httpx.Response(503), ok({"id": 1}))
    make_client(rt, server).request(get_call(rt), path={"id": 1})
    levels = [(r.name, r.levelname, r.getMessage().split(" ")[0]) for r in caplog.records]
    assert levels == [
        ("demo_client", "DEBUG", "request"),
        ("demo_client", "DEBUG", "response"),
        ("demo_client", "INFO", "retry"),
        ("demo_client", "DEBUG", "request"),
        ("demo_client", "DEBUG", "response"),
    ]


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO)])
def test_the_environment_switch_sets_the_level(
    rt: Any, clean_logger: Any, value: str, level: int
) -> None:
    rt.configure_logging(value, "DEMO_LOG")
    assert clean_logger.level == level
    rt.configure_logging(None, "DEMO_LOG")  # unset: nothing changes
    assert clean_logger.level == level


def test_the_environment_switch_prints_to_stderr_when_nothing_else_does(
    rt: Any, clean_logger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    rt.configure_logging("info", "DEMO_LOG")
    rt.configure_logging("info", "DEMO_LOG")
    assert len(clean_logger.handlers) == 1
    assert isinstance(clean_logger.handlers[0], logging.StreamHandler)


def test_a_wrong_environment_switch_is_a_warning_not_an_error(rt: Any, clean_logger: Any) -> None:
    with pytest.warns(UserWarning, match="DEMO_LOG='loud' is ignored"):
        rt.configure_logging("loud", "DEMO_LOG")
    assert clean_logger.level == logging.NOTSET


def test_a_total_typed_as_a_number_still_ends_the_walk(rt: Any) -> None:
    # Jira's page totals are "type: number": 4.0 items is 4 items.
    spec = rt.PageSpec("offset", "items", "limit", "offset", total_field="total")
    route = rt.Route("GET", "/calls", success={"200": dict[str, Any]})
    server = Server(_page([1, 2], total=4.0), _page([3, 4], total=4.0), _page([9]))
    items = list(make_client(rt, server).paginate(route, spec, query={"limit": 2}))
    assert [item["id"] for item in items] == [1, 2, 3, 4] and len(server.requests) == 2


def test_a_union_that_does_not_match_is_built_as_the_member_that_knows_the_keys(
    rt: Any, caplog: pytest.LogCaptureFixture
) -> None:
    route = rt.Route("GET", "/x", success={"200": rt.Call | rt.ErrorBody})
    server = Server(ok({"httpStatusCode": "soon", "message": "m"}))
    with caplog.at_level(logging.WARNING, logger="demo_client"):
        result = make_client(rt, server).request(route)
    assert isinstance(result, rt.ErrorBody)
    assert (result.http_status_code, result.message) == ("soon", "m")
