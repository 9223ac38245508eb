"""The Prism plumbing copied into generated suites (templates/tests/prism.py.jinja).

The module is rendered into a throw-away layout ``<tmp>/gen/tests/_prism.py`` next to
``<tmp>/gen/openapi.json`` and driven against the Prism pinned in ``tests/contract``
(installed with ``npm ci`` when missing).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "tests" / "prism.py.jinja"
SPEC = ROOT / "generated" / "openapi.json"
CONTRACT = ROOT / "tests" / "contract"
AUTH = ("user", "secret")

# What Prism 5.14.2 answers for GET /calls, observed with the default flags (no --errors).
VALID_STATUS = 200
NO_CREDENTIALS_STATUS = 401
INVALID_QUERY_STATUS = 400


def render(template: Path) -> str:
    """The template with its only Jinja (the first line, ``{{ header }}``) replaced."""
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    return "# rendered by tests/test_prism.py\n" + "".join(lines[1:])


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def prism_module(tmp_path: Path) -> Iterator[ModuleType]:
    """The rendered module in ``<tmp>/gen/tests/_prism.py``, beside ``<tmp>/gen/openapi.json``."""
    tests = tmp_path / "gen" / "tests"
    tests.mkdir(parents=True)
    shutil.copyfile(SPEC, tmp_path / "gen" / "openapi.json")
    (tests / "_prism.py").write_text(render(TEMPLATE), encoding="utf-8")
    name = f"_prism_under_test_{abs(hash(tmp_path))}"
    yield load(tests / "_prism.py", name)
    sys.modules.pop(name, None)


def prism_processes(port: int) -> list[int]:
    """The ids of live processes running ``prism mock ... --port <port>`` (Linux only)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"mock" in arguments and b"--port" in arguments and str(port).encode() in arguments:
            found.append(int(entry.name))
    return found


def test_template_has_no_jinja_but_the_header() -> None:
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "{{ header }}"
    for marker in ("{{", "{%", "{#"):
        assert marker not in "\n".join(lines[1:])


def test_find_prism_honours_prism_bin(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "my-prism"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setenv("PRISM_BIN", str(fake))
    assert prism_module.find_prism() == [str(fake)]
    assert prism_module.ensure_prism() == [str(fake)]


def test_outside_the_repository_only_path_applies(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert prism_module.find_prism() is None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    on_path = bin_dir / "prism"
    on_path.write_text("#!/bin/sh\n", encoding="utf-8")
    on_path.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert prism_module.find_prism() == [str(on_path)]


def test_find_prism_finds_the_repository_install(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    local = tmp_path / "tests" / "contract" / "node_modules" / ".bin" / "prism"
    local.parent.mkdir(parents=True)
    local.write_text("#!/bin/sh\n", encoding="utf-8")
    assert prism_module.find_prism() == [str(local)]


def test_ensure_prism_skips_without_prism(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(pytest.skip.Exception, match="npm ci --prefix tests/contract"):
        prism_module.ensure_prism()


def test_ensure_prism_fails_without_prism_under_ci(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(pytest.fail.Exception, match="Node.js"):
        prism_module.ensure_prism()


def test_ensure_prism_reports_a_missing_npm(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (tmp_path / "tests" / "contract").mkdir(parents=True)
    (tmp_path / "tests" / "contract" / "package.json").write_text("{}", encoding="utf-8")
    with pytest.raises(pytest.skip.Exception, match="npm is not on PATH"):
        prism_module.ensure_prism()


def test_ensure_prism_installs_with_npm_ci(
    prism_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    contract = tmp_path / "tests" / "contract"
    contract.mkdir(parents=True)
    (contract / "package.json").write_text("{}", encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    mkdir, touch = shutil.which("mkdir"), shutil.which("touch")
    npm.write_text(
        f'#!/bin/sh\necho "$@" > "$3/npm-args"\n'
        f'{mkdir} -p "$3/node_modules/.bin" && {touch} "$3/node_modules/.bin/prism"\n',
        encoding="utf-8",
    )
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    installed = contract / "node_modules" / ".bin" / "prism"
    assert prism_module.ensure_prism() == [str(installed)]
    assert (contract / "npm-args").read_text(encoding="utf-8").startswith(f"ci --prefix {contract}")


def test_mock_document_prefixes_paths_with_the_base_path(prism_module: ModuleType) -> None:
    document = json.loads(SPEC.read_text(encoding="utf-8"))
    assert prism_module.base_path(document) == "/v2"
    mocked = prism_module._mock_document(document)
    assert "basePath" not in mocked
    assert sorted(mocked["paths"]) == sorted("/v2" + path for path in document["paths"])


def test_contract_package_pins_prism() -> None:
    package = json.loads((CONTRACT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((CONTRACT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["devDependencies"]["@stoplight/prism-cli"]
    assert pinned[0].isdigit(), "pin an exact version"
    assert lock["packages"]["node_modules/@stoplight/prism-cli"]["version"] == pinned


@pytest.mark.contract
def test_run_prism_serves_the_spec_and_stops(
    prism_module: ModuleType, prism_command: list[str]
) -> None:
    spec = Path(str(prism_module.__file__)).resolve().parent.parent / "openapi.json"
    assert spec == prism_module.SPEC and spec.is_file()
    with prism_module.run_prism(spec, prism_command) as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v2")
        port = int(url.split(":")[2].split("/")[0])
        assert prism_processes(port) or not Path("/proc").is_dir()
        with httpx.Client(base_url=url, trust_env=False, timeout=30) as http:
            valid = http.get("/calls", params={"limit": 2}, auth=AUTH)
            anonymous = http.get("/calls", params={"limit": 2})
            invalid = http.get("/calls", params={"limit": "abc"}, auth=AUTH)
            multi = http.get("/calls", params={"id": [1, 2]}, auth=AUTH)
    assert valid.status_code == VALID_STATUS, valid.text
    assert isinstance(valid.json()["items"], list)
    assert anonymous.status_code == NO_CREDENTIALS_STATUS, anonymous.text
    assert invalid.status_code == INVALID_QUERY_STATUS, invalid.text
    assert "limit" in invalid.headers["sl-violations"]
    assert multi.status_code == VALID_STATUS, multi.text
    assert not prism_module._answers(port)
    assert not prism_processes(port)


@pytest.mark.contract
def test_run_prism_fails_with_the_log_when_prism_exits(
    prism_module: ModuleType, tmp_path: Path
) -> None:
    broken = tmp_path / "broken-prism"
    broken.write_text(
        "#!/bin/sh\necho 'cannot start: no such luck' >&2\nexit 3\n", encoding="utf-8"
    )
    broken.chmod(0o755)
    with pytest.raises(pytest.fail.Exception, match="no such luck"):
        with prism_module.run_prism(prism_module.SPEC, [str(broken)]):
            pass  # pragma: no cover - Prism never comes up
