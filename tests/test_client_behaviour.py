"""The generated CallFire client's behaviour, through httpx.MockTransport (real requests and responses)."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import httpx
import pytest

from generator.generate import generate
from generator.target import Target
from tests.conftest import ROOT

CANARY = "canary-secret-8f3a"
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="module")
def pkg() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        yield importlib.import_module("callfire_client")
    finally:
        sys.path.remove(str(ROOT / "generated"))


def client(
    pkg: ModuleType, handler: Handler, sleeps: list[float] | None = None, **kwargs: Any
) -> Any:
    made = pkg.CallFire(
        username="user", password=CANARY, transport=httpx.MockTransport(handler), **kwargs
    )
    made._sleep = (sleeps if sleeps is not None else []).append
    return made


def page(items: list[dict[str, Any]], offset: int = 0, total: int | None = None) -> dict[str, Any]:
    return {
        "items": items,
        "limit": len(items),
        "offset": offset,
        "totalCount": total if total is not None else len(items),
    }


def test_query_serialization_and_auth(pkg: ModuleType) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=page([]))

    client(pkg, handler).calls.find_calls(limit=10, id=[1, 2], inbound=False, from_number="+1 555")
    request = seen[0]
    assert request.method == "GET"
    assert request.url.path == "/v2/calls"
    assert request.url.params.multi_items() == [
        ("fromNumber", "+1 555"),
        ("id", "1"),
        ("id", "2"),
        ("inbound", "false"),
        ("limit", "10"),
    ]
    assert (
        request.headers["Authorization"]
        == "Basic " + base64.b64encode(f"user:{CANARY}".encode()).decode()
    )
    assert request.headers["User-Agent"].startswith("callfire-client/1.0.0")


def test_json_body_from_model_and_from_dicts(pkg: ModuleType) -> None:
    from callfire_client.models import CallBroadcast, CallRecipient

    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(
            200, json={"id": 9} if request.url.path.endswith("broadcasts") else {"items": []}
        )

    made = client(pkg, handler)
    created = made.calls.create_call_broadcast(
        body=CallBroadcast(name="spring", from_number="12135551234"), start=True
    )
    assert created.id == 9
    made.calls.send_calls(body=[CallRecipient(phone_number="12135551100"), {"phoneNumber": "1"}])
    assert json.loads(bodies[0]) == {
        "name": "spring",
        "fromNumber": "12135551234",
    }  # aliases, nothing unset
    assert json.loads(bodies[1]) == [{"phoneNumber": "12135551100"}, {"phoneNumber": "1"}]


def test_idempotent_get_is_retried_on_503_honouring_retry_after(pkg: ModuleType) -> None:
    answers = iter(
        [httpx.Response(503, headers={"Retry-After": "2"}), httpx.Response(200, json=page([]))]
    )
    sleeps: list[float] = []
    result = client(pkg, lambda r: next(answers), sleeps).calls.find_calls()
    assert result.items == [] and sleeps == [2.0]


def test_post_is_not_retried_after_503_or_a_read_timeout(pkg: ModuleType) -> None:
    calls: list[int] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, json={"message": "down", "httpStatusCode": 503})

    with pytest.raises(pkg.InternalServerError) as info:
        client(pkg, unavailable).calls.send_calls(body=[])
    assert len(calls) == 1 and info.value.status_code == 503

    def slow(request: httpx.Request) -> httpx.Response:
        calls.append(2)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(pkg.APITimeoutError):
        client(pkg, slow).calls.send_calls(body=[])
    assert calls.count(2) == 1


def test_post_is_retried_after_a_connect_failure(pkg: ModuleType) -> None:
    attempts: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"items": []})

    client(pkg, flaky).calls.send_calls(body=[])
    assert len(attempts) == 2


def test_a_post_is_retried_after_429_honouring_retry_after(pkg: ModuleType) -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}, json={"message": "slow down"}),
            httpx.Response(200, json={"id": 42}),
        ]
    )
    sleeps: list[float] = []
    made = client(pkg, lambda r: next(answers), sleeps)
    assert made.calls.create_call_broadcast(body={"name": "spring"}).id == 42
    assert sleeps == [7.0]


def test_a_post_with_an_idempotency_key_is_retried_after_503(pkg: ModuleType) -> None:
    keys: list[str | None] = []

    def unavailable_once(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        if len(keys) == 1:
            return httpx.Response(503, json={"message": "down", "httpStatusCode": 503})
        return httpx.Response(200, json={"id": 42})

    made = client(pkg, unavailable_once)
    result = made.calls.create_call_broadcast(
        body={"name": "spring"}, extra_headers={"Idempotency-Key": "spring-2024"}
    )
    assert result.id == 42 and keys == ["spring-2024", "spring-2024"]


def test_per_call_timeout_reaches_the_request(pkg: ModuleType) -> None:
    timeouts: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return httpx.Response(200, json=page([]))

    client(pkg, handler).calls.find_calls(timeout=1.5)
    assert timeouts[0]["read"] == 1.5


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
    ],
)
def test_each_status_raises_its_class_with_the_parsed_body(
    pkg: ModuleType, status: int, name: str
) -> None:
    from callfire_client.models import ErrorResponse

    body = {"httpStatusCode": status, "internalCode": 7, "message": "nope"}
    with pytest.raises(getattr(pkg, name)) as info:
        client(pkg, lambda r: httpx.Response(status, json=body), max_retries=0).calls.find_calls()
    error = info.value
    assert error.status_code == status and isinstance(error, pkg.APIStatusError)
    if status in (400, 401, 403, 404, 500):  # the statuses the spec declares ErrorResponse for
        assert isinstance(error.body, ErrorResponse) and error.body.message == "nope"


def test_canary_secret_never_leaks(pkg: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    made = client(
        pkg, lambda r: httpx.Response(401, json={"message": "bad credentials"}), max_retries=0
    )
    with pytest.raises(pkg.AuthenticationError) as info:
        made.calls.find_calls()
    texts = [
        repr(made),
        str(made),
        repr(made.options),
        str(info.value),
        repr(info.value),
        caplog.text,
    ]
    assert caplog.text  # something was logged
    assert not any(CANARY in text for text in texts)
    assert not any(base64.b64encode(f"user:{CANARY}".encode()).decode() in text for text in texts)


def test_iteration_across_three_pages(pkg: ModuleType) -> None:
    offsets: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        offsets.append(str(offset))
        return httpx.Response(
            200, json=page([{"id": offset + i} for i in range(2)][: 5 - offset], offset, total=5)
        )

    ids = [call.id for call in client(pkg, handler).calls.iter_find_calls(limit=2)]
    assert ids == [0, 1, 2, 3, 4] and offsets == ["0", "2", "4"]


class CallFireListing:
    """GET /calls as CallFire serves it: at most ``cap`` items a page whatever the limit asked
    for, the limit it applied echoed in Page.limit, and totalCount -1 when it does not know."""

    def __init__(self, count: int, cap: int = 100, total_known: bool = True) -> None:
        self.count, self.cap, self.total_known = count, cap, total_known
        self.offsets: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert len(self.offsets) < 50, "a client that never stops asking"
        offset = int(request.url.params.get("offset", "0"))
        self.offsets.append(offset)
        applied = min(int(request.url.params.get("limit", "100")), self.cap)
        items = [{"id": i} for i in range(offset, min(offset + applied, self.count))]
        total = self.count if self.total_known else -1
        body = {"items": items, "limit": applied, "offset": offset, "totalCount": total}
        return httpx.Response(200, json=body)


def test_an_unknown_total_does_not_lose_items(pkg: ModuleType) -> None:
    # Page.totalCount: "Total count of available results. -1 if unknown".
    server = CallFireListing(250, total_known=False)
    ids = [call.id for call in client(pkg, server).calls.iter_find_calls(limit=100)]
    assert ids == list(range(250))
    # Page.limit: "If items.size() < limit assume no more items": the 50 end it.
    assert server.offsets == [0, 100, 200]


def test_a_server_that_caps_the_limit_does_not_lose_items(pkg: ModuleType) -> None:
    server = CallFireListing(250, cap=100)
    ids = [call.id for call in client(pkg, server).calls.iter_find_calls(limit=500)]
    assert ids == list(range(250)) and server.offsets == [0, 100, 200]


def test_the_walk_starts_at_the_offset_given(pkg: ModuleType) -> None:
    server = CallFireListing(250)
    ids = [call.id for call in client(pkg, server).calls.iter_find_calls(offset=10)]
    assert ids == list(range(10, 250)) and server.offsets == [10, 110, 210]


def test_the_pages_are_reachable_sync_and_async(pkg: ModuleType) -> None:
    models = importlib.import_module("callfire_client.models")
    pages = list(client(pkg, CallFireListing(250)).calls.iter_find_calls().iter_pages())
    assert all(isinstance(page, models.CallPage) for page in pages)
    assert [(page.offset, len(page.items), page.total_count) for page in pages] == [
        (0, 100, 250),
        (100, 100, 250),
        (200, 50, 250),
    ]

    async def scenario() -> list[Any]:
        async with pkg.AsyncCallFire(
            username="u", password="p", transport=httpx.MockTransport(CallFireListing(250))
        ) as made:
            return [page async for page in made.calls.iter_find_calls(limit=100).iter_pages()]

    assert [len(page.items) for page in asyncio.run(scenario())] == [100, 100, 50]


def test_unknown_enum_value_and_extra_field_parse(pkg: ModuleType) -> None:
    result = client(
        pkg,
        lambda r: httpx.Response(
            200, json=page([{"id": 1, "state": "FROM_THE_FUTURE", "newField": [1]}])
        ),
    ).calls.find_calls()
    call = result.items[0]
    assert call.state == "FROM_THE_FUTURE" and call.model_extra == {"newField": [1]}
    known = client(
        pkg, lambda r: httpx.Response(200, json=page([{"state": "READY"}]))
    ).calls.find_calls()
    assert known.items[0].state is importlib.import_module("callfire_client.models").CallState.READY


def test_raw_response_and_with_options(pkg: ModuleType) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(200, json=page([]), headers={"X-Request-Id": "r1"})

    made = client(pkg, handler)
    raw = made.calls.with_raw_response.find_calls()
    assert (
        raw.status_code == 200 and raw.headers["X-Request-Id"] == "r1" and raw.parse().items == []
    )
    other = made.with_options(base_url="https://other.example/v2")
    other.calls.find_calls()
    made.calls.find_calls()
    assert hosts == ["api.callfire.com", "other.example", "api.callfire.com"]


def test_credentials_from_the_environment(pkg: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLFIRE_USERNAME", "env-user")
    monkeypatch.setenv("CALLFIRE_PASSWORD", "env-pass")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200, json=page([]))

    pkg.CallFire(transport=httpx.MockTransport(handler)).calls.find_calls()
    assert seen == ["Basic " + base64.b64encode(b"env-user:env-pass").decode()]


def test_plain_http_with_credentials_warns(pkg: ModuleType) -> None:
    with pytest.warns(pkg.InsecureTransportWarning):
        pkg.CallFire(username="u", password="p", base_url="http://api.callfire.com/v2")


def test_async_client(pkg: ModuleType) -> None:
    async def scenario() -> list[int]:
        def handler(request: httpx.Request) -> httpx.Response:
            offset = int(request.url.params.get("offset", "0"))
            return httpx.Response(200, json=page([{"id": offset}], offset, total=3))

        async with pkg.AsyncCallFire(
            username="u", password="p", transport=httpx.MockTransport(handler)
        ) as made:
            first = await made.calls.find_calls(limit=1)
            assert first.items[0].id == 0
            return [call.id async for call in made.calls.iter_find_calls(limit=1)]

    assert asyncio.run(scenario()) == [0, 1, 2]


UPLOAD_SPEC = """\
swagger: "2.0"
info: {title: Uploads, version: "1.0"}
host: files.example
schemes: [https]
paths:
  /files/{folder}:
    post:
      operationId: uploadFile
      consumes: [multipart/form-data]
      parameters:
        - {name: folder, in: path, required: true, type: string}
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        "201": {description: created, schema: {type: object, properties: {size: {type: integer}}}}
"""


def test_multipart_upload_from_bytes_path_and_file_object(tmp_path: Path, write) -> None:  # type: ignore[no-untyped-def]
    spec = write("uploads.yaml", UPLOAD_SPEC)
    generation, _ = generate(Target(spec=spec, output=tmp_path / "out", package="uploads_client"))
    assert generation.files is not None
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        uploads = importlib.import_module("uploads_client")
        bodies: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            bodies.append(request)
            return httpx.Response(201, json={"size": 3})

        made = uploads.Uploads(transport=httpx.MockTransport(handler))
        source = tmp_path / "data.bin"
        source.write_bytes(b"abc")
        with source.open("rb") as handle:
            for file in (b"abc", source, handle):
                assert made.default.upload_file("a b/c", file=file, note="hi").size == 3
    finally:
        sys.path.remove(str(tmp_path / "out"))
    for request in bodies:
        assert request.url.raw_path == b"/files/a%20b%2Fc"
        assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert b'name="file"' in request.content and b"abc" in request.content
        assert b'name="note"' in request.content and b"hi" in request.content
    assert b'filename="data.bin"' in bodies[1].content


def test_a_status_error_says_what_the_server_said_and_its_request_id(pkg: ModuleType) -> None:
    body = {"httpStatusCode": 404, "internalCode": 0, "message": "nope"}
    answer = httpx.Response(404, json=body, headers={"X-Request-Id": "f00d"})
    with pytest.raises(pkg.NotFoundError) as info:
        client(pkg, lambda r: answer).calls.create_call_broadcast(body={"name": "spring"})
    assert str(info.value) == "404 Not Found for POST /v2/calls/broadcasts: nope (request id f00d)"
    assert info.value.body.message == "nope" and info.value.request_id == "f00d"


def test_logs_go_to_the_package_s_logger(pkg: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="callfire_client")
    client(pkg, lambda r: httpx.Response(200, json=page([]))).calls.find_calls()
    assert {record.name for record in caplog.records} == {"callfire_client"}
    assert "request GET https://api.callfire.com/v2/calls" in caplog.text


def test_callfire_log_switches_logging_on(pkg: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("callfire_client")
    monkeypatch.setattr(logger, "level", logger.level)  # restored after the test
    monkeypatch.setattr(logger, "handlers", list(logger.handlers))
    monkeypatch.setenv("CALLFIRE_LOG", "debug")
    client(pkg, lambda r: httpx.Response(200, json=page([])))
    assert logger.level == logging.DEBUG
    monkeypatch.setenv("CALLFIRE_LOG", "info")
    pkg.AsyncCallFire(username="u", password="p")
    assert logger.level == logging.INFO
    readme = (ROOT / "generated" / "README.md").read_text("utf-8")
    assert "CALLFIRE_LOG=debug" in readme and 'logging.getLogger("callfire_client")' in readme


def test_an_injected_http_client_keeps_its_timeout(pkg: ModuleType) -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=page([]))

    http = httpx.Client(timeout=1, transport=httpx.MockTransport(handler))
    pkg.CallFire(username="u", password="p", http_client=http).calls.find_calls()
    pkg.CallFire(username="u", password="p", http_client=http, timeout=9).calls.find_calls()
    assert seen == [httpx.Timeout(1).as_dict(), httpx.Timeout(9).as_dict()]


def test_a_response_that_does_not_match_is_returned_unless_strict(
    pkg: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    odd = page([{"id": "not-a-number", "toNumber": "12135551100"}])
    answer = httpx.Response(200, json=odd)
    with caplog.at_level(logging.WARNING, logger="callfire_client"):
        result = client(pkg, lambda r: answer).calls.find_calls()
    assert result.items[0].id == "not-a-number" and result.items[0].to_number == "12135551100"
    assert "does not match the declared type" in caplog.text
    strict = client(pkg, lambda r: answer, strict_response_validation=True)
    with pytest.raises(pkg.APIResponseValidationError):
        strict.calls.find_calls()


def test_extra_body_and_max_retries_per_call(pkg: ModuleType) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(503 if request.method == "GET" else 200, json={"id": 1})

    made = client(pkg, handler)
    models = importlib.import_module("callfire_client.models")
    made.calls.create_call_broadcast(
        body=models.CallBroadcast(name="spring"), extra_body={"betaFlag": True}
    )
    assert json.loads(sent[0].content) == {"name": "spring", "betaFlag": True}
    with pytest.raises(pkg.InternalServerError):
        made.calls.find_calls(max_retries=0)
    assert len(sent) == 2
    with pytest.raises(pkg.InternalServerError):
        list(made.calls.iter_find_calls(max_retries=1))
    assert len(sent) == 4
