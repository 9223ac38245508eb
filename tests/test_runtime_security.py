"""The generated client's runtime cannot be steered by a document or by a server.

A client is generated from a small, well-formed document (``SHOP``) and driven through
``httpx.MockTransport``, sync and async: what reaches the transport is what would reach the
network. Hostile path templates are handed to the runtime directly (``client.request(Route)``),
since the generator may refuse such documents; the documents themselves are generated too, and
whatever the generator decides, no request may leave the base URL's host.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import email.utils
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.diagnostics import Severity
from generator.generate import generate
from generator.target import Target

GOOD = "https://api.good.example"
USER = "u"
PASSWORD = "pw-canary-5d2e"
API_KEY = "key-canary-91b0"
SECRETS = (PASSWORD, API_KEY, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())

SHOP = """\
swagger: "2.0"
info: {title: Shop, version: "1.0"}
host: api.good.example
schemes: [https]
securityDefinitions:
  basic: {type: basic}
  key: {type: apiKey, in: header, name: X-Api-Key}
security: [{basic: [], key: []}]
paths:
  /users/{id}/profile:
    get:
      operationId: getProfile
      parameters:
        - {name: id, in: path, required: true, type: string}
      responses:
        "200": {description: ok, schema: {$ref: "#/definitions/Profile"}}
        "400": {description: bad, schema: {$ref: "#/definitions/Problem"}}
  /orders:
    post:
      operationId: createOrder
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Profile"}}
      responses:
        "201": {description: created, schema: {$ref: "#/definitions/Profile"}}
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: after, in: query, type: string}
      x-pagination: {kind: cursor, items: items, cursor: after, next: next}
      responses:
        "200":
          description: a page
          schema:
            type: object
            properties:
              items: {type: array, items: {type: integer}}
              next: {type: string}
definitions:
  Profile:
    type: object
    properties:
      name: {type: string}
  Problem:
    type: object
    properties:
      message: {type: string}
"""

Handler = Callable[[httpx.Request], httpx.Response]


def _import_generated(spec_text: str, folder: Path, package: str) -> ModuleType | None:
    """Generate a client into ``folder`` and import it; None when the generator refused."""
    spec = folder / "spec.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    generation, _ = generate(
        Target(spec=spec, output=folder / "out", package=package, client_class="Shop")
    )
    if generation.files is None:
        errors = [d for d in generation.diagnostics if d.severity is Severity.ERROR]
        assert errors, "the generator wrote nothing and said no error"
        return None
    sys.path.insert(0, str(folder / "out"))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder / "out"))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    made = _import_generated(SHOP, tmp_path_factory.mktemp("shop"), "shop_security_client")
    assert made is not None
    return made


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Recorder:
    """A MockTransport handler that records every request it receives."""

    def __init__(self, reply: Handler) -> None:
        self.reply = reply
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)

    @property
    def hosts(self) -> set[str]:
        return {request.url.host for request in self.requests}


def make(
    shop: ModuleType,
    mode: str,
    handler: Handler,
    sleeps: list[float] | None = None,
    http_client: Any = None,
    **options: Any,
) -> Any:
    """A Shop (or AsyncShop) client with credentials, sending to ``handler``."""
    options.setdefault("base_url", GOOD)
    if http_client is None:
        options["transport"] = httpx.MockTransport(handler)
    else:
        options["http_client"] = http_client
    cls = shop.Shop if mode == "sync" else shop.AsyncShop
    made = cls(username=USER, password=PASSWORD, key=API_KEY, **options)
    record = sleeps if sleeps is not None else []
    if mode == "sync":
        made._sleep = record.append
    else:

        async def asleep(seconds: float) -> None:
            record.append(seconds)

        made._sleep = asleep
    return made


def run(mode: str, made: Any, call: Callable[[Any], Any]) -> Any:
    """``call(client)``: directly for a sync client, awaited in an event loop for an async one."""
    if mode == "sync":
        return call(made)

    async def main() -> Any:
        return await call(made)

    return asyncio.run(main())


def collect(mode: str, iterable: Any) -> list[Any]:
    if mode == "sync":
        return list(iterable)

    async def main() -> list[Any]:
        return [item async for item in iterable]

    return asyncio.run(main())


def assert_no_secret(text: str) -> None:
    assert not any(secret in text for secret in SECRETS), text


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"name": "ok"})


def _next_reply(replies: Iterator[Any], request: httpx.Request) -> httpx.Response:
    """The next scripted reply: a response, or a handler to call."""
    reply = next(replies)
    return reply(request) if callable(reply) else reply


# -- 1. a path template or argument cannot leave the base URL ----------------------------------


@pytest.mark.parametrize(
    ("template", "arguments", "refused"),
    [
        # The document's path key glued to the host: api.good.example.evil.example.
        (".evil.example/x", {}, "https://api.good.example.evil.example"),
        # User info: the host becomes evil.example, the base host a user name.
        ("@evil.example/x", {}, "https://evil.example"),
        (":8443/x", {}, "https://api.good.example:8443"),
        ("\\\\evil.example/x", {}, "evil.example"),
        # A path argument where the path should start: its dots are not escaped.
        ("{shop}/x", {"shop": ".evil.example"}, "https://api.good.example.evil.example"),
        ("{shop}/x", {"shop": "@evil.example"}, "evil.example"),
        ("{shop}/x", {"shop": ":8443"}, "8443"),
        ("{shop}/x", {"shop": "//evil.example"}, "evil.example"),
        ("{shop}/x", {"shop": "\\evil.example"}, "evil.example"),
    ],
)
def test_a_request_off_the_base_host_is_refused_before_sending(
    shop: ModuleType, mode: str, template: str, arguments: dict[str, str], refused: str
) -> None:
    server = Recorder(ok)
    made = make(shop, mode, server)
    route = shop._runtime.Route(method="GET", path=template, security=(("basic", "key"),))
    with pytest.raises(shop.RequestURLError) as raised:
        run(mode, made, lambda client: client.request(route, path=arguments))
    assert server.requests == []
    assert isinstance(raised.value, shop.APIError)
    message = str(raised.value)
    assert "refused" in message and refused in message
    assert_no_secret(message)


@pytest.mark.parametrize(
    ("base_url", "template"),
    [
        ("https://api.good.example/v1", ".evil.example/x"),  # /v1.evil.example/x
        ("https://api.good.example/v1", "/../admin"),  # httpx resolves it to /admin
        ("https://api.good.example/v1/", "/x/../../admin"),
    ],
)
def test_a_request_outside_the_base_path_is_refused(
    shop: ModuleType, mode: str, base_url: str, template: str
) -> None:
    server = Recorder(ok)
    made = make(shop, mode, server, base_url=base_url)
    route = shop._runtime.Route(method="GET", path=template, security=(("basic",),))
    with pytest.raises(shop.RequestURLError, match="outside the base URL's path /v1/"):
        run(mode, made, lambda client: client.request(route))
    assert server.requests == []


def test_a_url_httpx_cannot_parse_is_refused_in_the_client_s_own_terms(
    shop: ModuleType, mode: str
) -> None:
    server = Recorder(ok)
    route = shop._runtime.Route(method="GET", path=":abc/x")
    with pytest.raises(shop.RequestURLError, match="refused to send GET: Invalid port: 'abc'"):
        run(mode, make(shop, mode, server), lambda client: client.request(route))
    assert server.requests == []


def test_a_path_that_stays_on_the_host_is_sent_there(shop: ModuleType, mode: str) -> None:
    server = Recorder(ok)
    route = shop._runtime.Route(method="GET", path="//evil.example/x")
    run(mode, make(shop, mode, server), lambda client: client.request(route))
    assert [str(request.url) for request in server.requests] == [GOOD + "//evil.example/x"]


@pytest.mark.parametrize(
    ("value", "raw_path"),
    [
        # RFC 3986 percent-encoding: the argument stays one segment of the path.
        ("a/b", b"/users/a%2Fb/profile"),
        ("a?b", b"/users/a%3Fb/profile"),
        ("a#b", b"/users/a%23b/profile"),
        ("a@b", b"/users/a%40b/profile"),
        ("evil.example:443", b"/users/evil.example%3A443/profile"),
        ("../../admin", b"/users/..%2F..%2Fadmin/profile"),
        ("a.b", b"/users/a.b/profile"),
        ("...", b"/users/.../profile"),
    ],
)
def test_path_arguments_stay_one_segment_on_the_base_host(
    shop: ModuleType, mode: str, value: str, raw_path: bytes
) -> None:
    server = Recorder(ok)
    run(mode, make(shop, mode, server), lambda client: client.default.get_profile(value))
    assert [request.url.raw_path for request in server.requests] == [raw_path]
    assert server.hosts == {"api.good.example"}


HOSTILE_KEYS = [".evil.example/x", "@evil.example/x", "//evil.example/x", "\\\\evil.example/x"]


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_documents_with_hostile_path_keys_never_reach_another_host(
    tmp_path: Path, key: str
) -> None:
    document = SHOP.replace("  /orders:\n", f"  {json.dumps(key)}:\n", 1)
    package = f"hostile_key_{HOSTILE_KEYS.index(key)}"
    generated = _import_generated(document, tmp_path, package)
    if generated is None:  # the generator refused the document: nothing to send
        return
    server = Recorder(ok)
    made = make(generated, "sync", server)
    try:
        made.default.create_order(body={"name": "n"})
    except generated.RequestURLError as refused:
        assert_no_secret(str(refused))
    assert server.hosts <= {"api.good.example"}


# -- 2. dot segments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "raw_path"),
    [(".", b"/users/%2E/profile"), ("..", b"/users/%2E%2E/profile")],
)
def test_dot_arguments_are_not_dot_segments(
    shop: ModuleType, mode: str, value: str, raw_path: bytes
) -> None:
    # Unescaped, httpx removes them (RFC 3986 5.2.4): ".." would fetch /profile.
    server = Recorder(ok)
    run(mode, make(shop, mode, server), lambda client: client.default.get_profile(value))
    assert [request.url.raw_path for request in server.requests] == [raw_path]


def test_arguments_that_together_make_a_dot_segment_are_escaped(
    shop: ModuleType, mode: str
) -> None:
    server = Recorder(ok)
    route = shop._runtime.Route(method="GET", path="/files/{a}{b}/meta")
    run(
        mode,
        make(shop, mode, server),
        lambda client: client.request(route, path={"a": ".", "b": "."}),
    )
    assert [request.url.raw_path for request in server.requests] == [b"/files/%2E%2E/meta"]


# -- 3. a hostile or broken server: redirects ---------------------------------------------------


def redirect(status: int, location: str) -> Handler:
    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.host != "api.good.example":
            return httpx.Response(200, json={"name": "stolen"})
        return httpx.Response(status, headers={"Location": location})

    return reply


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("https://evil.example/steal", "https://evil.example"),
        ("//evil.example/steal", "https://evil.example"),
        ("http://api.good.example/x", "http://api.good.example"),  # another scheme
        ("https://api.good.example:8443/x", "https://api.good.example:8443"),  # another port
    ],
)
def test_a_redirect_elsewhere_is_an_error_and_nothing_is_sent_there(
    shop: ModuleType, mode: str, status: int, location: str, shown: str
) -> None:
    server = Recorder(redirect(status, location))
    made = make(shop, mode, server)
    with pytest.raises(shop.RedirectError) as raised:
        run(mode, made, lambda client: client.default.get_profile("7"))
    error = raised.value
    assert isinstance(error, shop.APIStatusError)
    assert error.status_code == status and error.headers["location"] == location
    assert error.location == location
    assert len(server.requests) == 1 and server.hosts == {"api.good.example"}
    assert f"not followed to {shown}" in str(error)
    assert_no_secret(str(error))


def test_an_injected_client_that_follows_redirects_does_not_follow_them_here(
    shop: ModuleType, mode: str
) -> None:
    server = Recorder(redirect(302, "https://evil.example/steal"))
    transport = httpx.MockTransport(server)
    http_client: Any
    if mode == "sync":
        http_client = httpx.Client(follow_redirects=True, transport=transport)
    else:
        http_client = httpx.AsyncClient(follow_redirects=True, transport=transport)
    made = make(shop, mode, server, http_client=http_client)
    with pytest.raises(shop.RedirectError):
        run(mode, made, lambda client: client.default.get_profile("7"))
    # httpx itself would drop Authorization but forward X-Api-Key to evil.example.
    assert server.hosts == {"api.good.example"}


@pytest.mark.parametrize(
    ("status", "method", "body"),
    [
        # RFC 9110 15.4: 303 is fetched with GET; 302 and 301 after POST become GET as every
        # browser and httpx do; 307 and 308 repeat the method and body.
        (301, "GET", b""),
        (302, "GET", b""),
        (303, "GET", b""),
        (307, "POST", b'{"name":"n"}'),
        (308, "POST", b'{"name":"n"}'),
    ],
)
def test_a_redirect_on_the_same_origin_is_followed(
    shop: ModuleType, mode: str, status: int, method: str, body: bytes
) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/orders":
            return httpx.Response(status, headers={"Location": "/orders/v2?from=redirect"})
        return httpx.Response(201, json={"name": "created"})

    server = Recorder(reply)
    made = make(shop, mode, server)
    created = run(mode, made, lambda client: client.default.create_order(body={"name": "n"}))
    assert created.name == "created"
    second = server.requests[1]
    assert (second.method, str(second.url)) == (method, GOOD + "/orders/v2?from=redirect")
    assert second.content == body
    # Same scheme, host and port: the credentials go along.
    assert second.headers["Authorization"] == server.requests[0].headers["Authorization"]
    assert second.headers["X-Api-Key"] == API_KEY


def test_redirects_are_followed_a_few_times_only(shop: ModuleType, mode: str) -> None:
    hops = iter(range(100))
    server = Recorder(lambda request: httpx.Response(302, headers={"Location": f"/r{next(hops)}"}))
    with pytest.raises(shop.RedirectError, match="more than 5 redirects") as raised:
        run(mode, make(shop, mode, server), lambda client: client.default.get_profile("7"))
    assert len(server.requests) == 6  # the call and five redirects
    assert raised.value.location == "/r5"


@pytest.mark.parametrize(("status", "headers"), [(300, {}), (302, {}), (304, {"ETag": "x"})])
def test_a_3xx_that_cannot_be_followed_is_an_error_not_a_success(
    shop: ModuleType, mode: str, status: int, headers: dict[str, str]
) -> None:
    server = Recorder(lambda request: httpx.Response(status, headers=headers))
    with pytest.raises(shop.RedirectError) as raised:
        run(mode, make(shop, mode, server), lambda client: client.default.get_profile("7"))
    assert raised.value.status_code == status and raised.value.location is None


# -- 3. Retry-After that is not a delay -------------------------------------------------------


@pytest.mark.parametrize(
    "retry_after",
    [
        "nan",
        "inf",
        "-inf",
        "1e999",
        "-1",
        "Fri, 31 Dec 99999999 23:59:59 GMT",
        "Mon, 01 Jan 99999999999999999999999 00:00:00 GMT",
    ],
)
def test_a_retry_after_that_is_no_delay_falls_back_to_the_backoff(
    shop: ModuleType, mode: str, retry_after: str
) -> None:
    replies = iter([httpx.Response(503, headers={"Retry-After": retry_after}), ok])
    server = Recorder(lambda request: _next_reply(replies, request))
    sleeps: list[float] = []
    profile = run(
        mode, make(shop, mode, server, sleeps), lambda client: client.default.get_profile("7")
    )
    assert profile.name == "ok" and len(server.requests) == 2
    # The first backoff: 0.5 s with jitter (0.75 to 1 times).
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5


def test_a_retry_after_date_far_ahead_is_capped(shop: ModuleType) -> None:
    far = email.utils.format_datetime(
        datetime.datetime(9999, 12, 31, tzinfo=datetime.timezone.utc), usegmt=True
    )
    replies = iter([httpx.Response(503, headers={"Retry-After": far}), ok])
    server = Recorder(lambda request: _next_reply(replies, request))
    sleeps: list[float] = []
    make(shop, "sync", server, sleeps).default.get_profile("7")
    assert sleeps == [60.0]


# -- 3. bodies nested too deeply ---------------------------------------------------------------

DEPTH = 100_000
DEEP_BODIES = {
    "arrays": b"[" * DEPTH + b"]" * DEPTH,
    "objects": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
}


@pytest.mark.parametrize("kind", sorted(DEEP_BODIES))
def test_a_deeply_nested_success_body_is_a_validation_error(
    shop: ModuleType, mode: str, kind: str
) -> None:
    body = DEEP_BODIES[kind]
    server = Recorder(
        lambda request: httpx.Response(
            200, content=body, headers={"Content-Type": "application/json"}
        )
    )
    with pytest.raises(shop.APIResponseValidationError, match="nested too deeply"):
        run(mode, make(shop, mode, server), lambda client: client.default.get_profile("7"))


@pytest.mark.parametrize("kind", sorted(DEEP_BODIES))
def test_a_deeply_nested_error_body_is_kept_as_text(shop: ModuleType, mode: str, kind: str) -> None:
    body = DEEP_BODIES[kind]
    server = Recorder(
        lambda request: httpx.Response(
            400, content=body, headers={"Content-Type": "application/json"}
        )
    )
    with pytest.raises(shop.BadRequestError) as raised:
        run(mode, make(shop, mode, server), lambda client: client.default.get_profile("7"))
    assert raised.value.body == body.decode()


# -- 3. cursors that loop ----------------------------------------------------------------------


@pytest.mark.parametrize("cycle", [["A", "B"], ["A", "B", "C"], ["A"]])
def test_cursor_pagination_stops_at_any_cursor_already_sent(
    shop: ModuleType, mode: str, cycle: list[str]
) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        sent = len(server.requests)
        if sent > 50:  # a client that never stops: end the test instead of hanging
            return httpx.Response(200, json={"items": []})
        return httpx.Response(200, json={"items": [sent], "next": cycle[(sent - 1) % len(cycle)]})

    server = Recorder(reply)
    made = make(shop, mode, server)
    items = collect(mode, made.default.iter_list_items())
    # The first page, then one page per distinct cursor; the cycle's return ends the walk.
    assert items == list(range(1, len(cycle) + 2))
    sent = [request.url.params.get("after") for request in server.requests]
    assert sent == [None, *cycle]
