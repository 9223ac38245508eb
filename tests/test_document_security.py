"""What a document cannot do through its path keys and header names.

The client sends the base URL followed by the path key, and every header parameter and apiKey
scheme the document declares. A hostile document must not move the request to another host
(a key such as `.evil.example/x`), hide a different path behind dot segments, or set the
headers that HTTP itself owns (Host, Content-Length, Transfer-Encoding, ...).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from generator import corpus
from generator.diagnostics import Diagnostic, Diagnostics
from generator.generate import generate
from generator.model.normalize import normalize
from generator.ingest.pipeline import ingest
from generator.target import Target
from generator.ingest import validate

GOOD_HOST = "api.good.example"
HEAD = f"""\
swagger: '2.0'
info: {{title: Shop, version: '1'}}
host: {GOOD_HOST}
schemes: [https]
"""
BASIC = """\
securityDefinitions: {basic: {type: basic}}
security: [{basic: []}]
"""


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _one_path(key: str) -> str:
    return (
        HEAD + BASIC + "paths:\n"
        f"  '{key}': {{get: {{operationId: x, responses: {{'200': {{description: ok}}}}}}}}\n"
    )


def _json_document(keys: list[str]) -> str:
    operation = {"responses": {"200": {"description": "ok"}}}
    return json.dumps(
        {
            "swagger": "2.0",
            "info": {"title": "Shop", "version": "1"},
            "host": GOOD_HOST,
            "schemes": ["https"],
            "paths": {key: {"get": operation} for key in keys},
        }
    )


def _only(diagnostics: Diagnostics, code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [d.render() for d in diagnostics]
    return found[0]


# -- 1. path keys that are not absolute paths ----------------------------------------------------

# Each key, appended to https://api.good.example (or, for the last ones, read as a reference
# by whatever resolves or decodes it), names another host.
HOST_CHANGING_KEYS = [
    ".evil.example/x",  # the host becomes api.good.example.evil.example
    "@evil.example/x",  # api.good.example becomes user information; the host is evil.example
    ":8443@evil.example/x",
    "{tenant}/x",  # an argument completes the host name
    "//evil.example/x",  # a network-path reference (RFC 3986 section 4.2)
    "/%2Fevil.example/x",  # the same, once a server or proxy decodes it
]


def _host_after(key: str) -> str:
    """The host of the key after the base URL, with `.evil.example` as the argument, or else
    of the key read as a reference once percent-decoded."""
    appended = httpx.URL(f"https://{GOOD_HOST}" + key.replace("{tenant}", ".evil.example")).host
    return appended if appended != GOOD_HOST else httpx.URL(key.replace("%2F", "/")).host


@pytest.mark.parametrize("key", HOST_CHANGING_KEYS)
def test_a_path_key_that_changes_the_host_is_an_error_and_nothing_is_written(
    key: str, write: Callable[[str, str], Path], cli: Any, tmp_path: Path
) -> None:
    assert _host_after(key) not in ("", GOOD_HOST)  # the attack is real
    spec = write("shop.yaml", _one_path(key))
    validated = cli("validate", spec)
    assert validated.code == 1, validated.err
    assert "error[path-invalid]" in validated.err
    assert f"at /paths/{_escape(key)}\n" in validated.err
    assert f"{spec}:8:3: error[path-invalid]" in validated.err  # file:line:col of the key
    assert "Traceback" not in validated.err
    generated = cli("generate", spec, "-o", tmp_path / "out", "--package", "shop_client")
    assert generated.code == 1 and "error[path-invalid]" in generated.err
    assert not (tmp_path / "out").exists()


def test_the_error_has_a_pointer_and_a_position(write: Callable[[str, str], Path]) -> None:
    result = ingest(write("shop.yaml", _one_path(".evil.example/x")))
    assert not result.ok and result.document is None
    error = _only(result.diagnostics, "path-invalid")
    assert error.severity.value == "error"
    assert error.pointer == "/paths/.evil.example~1x"
    assert error.position is not None and (error.position.line, error.position.col) == (8, 3)
    assert "does not start with /" in error.message
    # the key is reported once, not again by the Swagger schema check
    assert [d.code for d in result.diagnostics] == ["path-invalid"]


def test_an_x_extension_under_paths_is_not_an_operation(write: Callable[[str, str], Path]) -> None:
    # Swagger 2.0 allows ^x- keys in the Paths object as extensions; they are not paths.
    result = ingest(write("shop.yaml", _one_path("x-evil.example/x")))
    assert result.ok and result.document is not None
    api = normalize(result.document, result.diagnostics)
    assert [op.path for resource in api.resources for op in resource.operations] == []


@pytest.mark.parametrize(
    "key, sent",
    [
        ("/search?q=1", "/search%3Fq=1"),
        ("/a#b", "/a%23b"),
        ("/a\\b", "/a%5Cb"),
        ("/a b", "/a%20b"),
        ("/a\nb", "/a%0Ab"),
    ],
)
def test_query_fragment_backslash_space_and_control_characters_are_sent_as_path_data(
    key: str, sent: str, write: Callable[[str, str], Path]
) -> None:
    # They cannot change the host once percent-encoded (RFC 3986 section 2.1), so the document
    # stays usable; a warning says that they are not a query, a fragment or a separator.
    result = ingest(write("shop.json", _json_document([key])))
    assert result.ok and result.document is not None, [d.render() for d in result.diagnostics]
    warning = _only(result.diagnostics, "path-escaped")
    assert warning.pointer == "/paths/" + _escape(key)
    [operation] = [
        op for r in normalize(result.document, result.diagnostics).resources for op in r.operations
    ]
    assert operation.path == sent
    assert httpx.URL(f"https://{GOOD_HOST}" + sent).host == GOOD_HOST


def test_every_plain_key_is_still_accepted(write: Callable[[str, str], Path]) -> None:
    keys = [
        "/",
        "/pets",
        "/pets/{id}",
        "/v1/files/{name}.json",
        "/a:b@c!$&'()*+,;=-._~",
        "/%E6%97%A5/{id}",
        "/\u65e5\u672c",
        "/a/%2F/b",
        "/{a}{b}",
        "/a/.b/..c/...",
        "/a/%2E%2Eb",
    ]
    result = ingest(write("shop.json", _json_document(keys)))
    codes = [d.code for d in result.diagnostics]
    assert result.ok and not {"path-invalid", "path-escaped", "path-dot-segment"} & set(codes)


# -- 2. dot segments --------------------------------------------------------------------------

# RFC 3986 section 5.4 resolves references against the base http://a/b/c/d;p?q. For a relative
# path reference the merged path is "/b/c/" + the reference (section 5.2.3); the expected paths
# are the RFC's results for the normal (5.4.1) and abnormal (5.4.2) examples.
RFC_3986_EXAMPLES = [
    ("g", "/b/c/g"),
    ("./g", "/b/c/g"),
    ("g/", "/b/c/g/"),
    (".", "/b/c/"),
    ("./", "/b/c/"),
    ("..", "/b/"),
    ("../", "/b/"),
    ("../g", "/b/g"),
    ("../..", "/"),
    ("../../", "/"),
    ("../../g", "/g"),
    ("../../../g", "/g"),
    ("../../../../g", "/g"),
    ("g.", "/b/c/g."),
    (".g", "/b/c/.g"),
    ("g..", "/b/c/g.."),
    ("..g", "/b/c/..g"),
    ("./../g", "/b/g"),
    ("./g/.", "/b/c/g/"),
    ("g/./h", "/b/c/g/h"),
    ("g/../h", "/b/c/h"),
    ("g;x=1/./y", "/b/c/g;x=1/y"),
    ("g;x=1/../y", "/b/c/y"),
]


@pytest.mark.parametrize("reference, expected", RFC_3986_EXAMPLES)
def test_remove_dot_segments_gives_the_rfc_3986_results(reference: str, expected: str) -> None:
    assert validate.remove_dot_segments("/b/c/" + reference) == expected


def test_remove_dot_segments_on_the_rfc_section_5_2_4_examples() -> None:
    remove_dot_segments = validate.remove_dot_segments
    assert remove_dot_segments("/a/b/c/./../../g") == "/a/g"
    assert remove_dot_segments("mid/content=5/../6") == "mid/6"
    assert remove_dot_segments("/./g") == "/g" and remove_dot_segments("/../g") == "/g"


DOTS = HEAD + """\
basePath: /v1
paths:
  /items/{id}/../../{other}:
    get:
      operationId: climb
      parameters:
        - {name: id, in: path, type: integer, required: true}
        - {name: other, in: path, type: string, required: true}
      responses: {'200': {description: ok}}
  /a/%2E%2E/b/./c:
    get: {operationId: encoded, responses: {'200': {description: ok}}}
"""


def test_dot_segments_are_resolved_with_a_warning(write: Callable[[str, str], Path]) -> None:
    result = ingest(write("shop.yaml", DOTS))
    assert result.ok and result.document is not None
    warnings = [d for d in result.diagnostics if d.code == "path-dot-segment"]
    assert [(d.severity.value, d.pointer) for d in warnings] == [
        ("warning", "/paths/~1items~1{id}~1..~1..~1{other}"),
        ("warning", "/paths/~1a~1%2E%2E~1b~1.~1c"),
    ]
    assert "'/{other}'" in warnings[0].message and "{id}" in warnings[0].message
    assert "'/b/c'" in warnings[1].message
    api = normalize(result.document, result.diagnostics)
    paths = {op.operation_id: op.path for r in api.resources for op in r.operations}
    # %2E is "." (RFC 3986 section 6.2.2.2): a server that decodes it climbs the path too
    assert paths == {"climb": "/{other}", "encoded": "/b/c"}


def test_the_generated_tests_of_a_path_with_dot_segments_pass(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(DOTS, encoding="utf-8")
    generation, _ = generate(Target(spec=spec, output=tmp_path / "out", package="dots_client"))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    env = {k: v for k, v in os.environ.items() if k != "CI"} | corpus.PLAIN_PYTEST
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not contract",
            "tests",
        ],
        cwd=tmp_path / "out",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in run.stdout and " failed" not in run.stdout


# -- 3. headers HTTP owns ---------------------------------------------------------------------

# Each header HTTP owns, with the value a hostile document would like the client to send.
FRAMING = {
    "Host": "evil.example",
    "Transfer-Encoding": "chunked",
    "Content-Length": "5",
    "Connection": "close, Upgrade",
    "Upgrade": "h2c",
    "TE": "trailers",
    "Trailer": "X-T",
    "Keep-Alive": "timeout=5",
    "Proxy-Authorization": "Basic ZXZpbDpldmls",
    "Proxy-Connection": "keep-alive",
    "Proxy-Anything": "1",
    "Expect": "100-continue",
}
FRAMING_NAMES = sorted(FRAMING) + ["hOsT", "content-LENGTH"]  # header names ignore case


def _headers_document(header_names: list[str], scheme_names: list[str]) -> str:
    schemes = {
        f"key{i}": {"type": "apiKey", "in": "header", "name": name}
        for i, name in enumerate(scheme_names)
    }
    params = [
        {"name": name, "in": "header", "type": "string", "required": True} for name in header_names
    ]
    operation = {
        "operationId": "x",
        "parameters": params,
        "responses": {"200": {"description": "ok"}},
    }
    return json.dumps(
        {
            "swagger": "2.0",
            "info": {"title": "Shop", "version": "1"},
            "host": GOOD_HOST,
            "schemes": ["https"],
            "securityDefinitions": schemes,
            "security": [{name: [] for name in schemes}],
            "paths": {"/x": {"get": operation}},
        }
    )


@pytest.mark.parametrize("name", FRAMING_NAMES)
def test_a_header_parameter_http_owns_is_left_out(
    name: str, write: Callable[[str, str], Path]
) -> None:
    result = ingest(write("shop.json", _headers_document([name, "X-Fine"], [])))
    assert result.document is not None
    api = normalize(result.document, result.diagnostics)
    [operation] = api.resources[0].operations
    assert [p.wire_name for p in operation.parameters] == ["X-Fine"]
    skipped = _only(result.diagnostics, "parameter-skipped")
    assert skipped.pointer == "/paths/~1x/get/parameters/0" and repr(name) in skipped.message


@pytest.mark.parametrize("name", FRAMING_NAMES)
def test_an_api_key_scheme_in_a_header_http_owns_is_left_out(
    name: str, write: Callable[[str, str], Path]
) -> None:
    result = ingest(write("shop.json", _headers_document([], [name, "X-Api-Key"])))
    assert result.document is not None
    api = normalize(result.document, result.diagnostics)
    assert [(s.name, s.param) for s in api.security_schemes] == [("key1", "X-Api-Key")]
    unsupported = _only(result.diagnostics, "security-unsupported")
    assert unsupported.pointer == "/securityDefinitions/key0" and repr(name) in unsupported.message
    assert api.resources[0].operations[0].security == (("key1",),)


def test_an_api_key_in_authorization_is_still_a_scheme(write: Callable[[str, str], Path]) -> None:
    # Many APIs name Authorization as their apiKey header; it is theirs, not HTTP's.
    result = ingest(write("shop.json", _headers_document([], ["Authorization"])))
    assert result.document is not None
    api = normalize(result.document, result.diagnostics)
    assert [s.param for s in api.security_schemes] == ["Authorization"]


@pytest.fixture
def shop_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The client generated from a document that puts every HTTP-owned header name in header
    parameters and apiKey schemes, imported."""
    spec = tmp_path / "shop.json"
    spec.write_text(_headers_document(list(FRAMING), list(FRAMING)), encoding="utf-8")
    generation, _ = generate(
        Target(spec=spec, output=tmp_path / "out", package="framing_client", client_class="Shop")
    )
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    monkeypatch.syspath_prepend(str(tmp_path / "out"))
    try:
        yield importlib.import_module("framing_client")
    finally:
        for module in [m for m in sys.modules if m.split(".")[0] == "framing_client"]:
            del sys.modules[module]


def _accepted(function: Callable[..., Any], offered: dict[str, str]) -> dict[str, str]:
    """The offered keyword arguments that function takes (an older client took more)."""
    parameters = inspect.signature(function).parameters
    return {name: value for name, value in offered.items() if name in parameters}


def _python_name(header: str) -> str:
    return header.lower().replace("-", "_")


def test_the_generated_client_sends_no_header_http_owns_with_the_documents_value(
    shop_package: Any,
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    keys = {f"key{i}": value for i, value in enumerate(FRAMING.values())}  # the scheme names
    client = shop_package.Shop(
        **_accepted(shop_package.Shop, keys), transport=httpx.MockTransport(handler), max_retries=0
    )
    arguments = {_python_name(name): value for name, value in FRAMING.items()}
    client.default.x(**_accepted(client.default.x, arguments))
    [request] = seen
    assert request.headers["Host"] == GOOD_HOST
    assert request.url.host == GOOD_HOST
    for name, value in FRAMING.items():
        assert value not in request.headers.get_list(name), (name, request.headers)
    assert request.content == b""
