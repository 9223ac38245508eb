"""A hostile document is data: nothing in it runs, escapes the output folder, or crashes the generator."""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from generator import corpus
from generator.diagnostics import Diagnostics
from generator.generate import Generation, generate
from generator.model.ir import to_json
from generator.model.normalize import normalize
from generator.output.write import existing_files
from generator.ingest.pipeline import ingest
from generator.target import Target
from tests.conftest import SEED
from tests.hostile import CANARY_VARIABLE, CLIENT_CLASS, PACKAGE, PAYLOADS, document, write_document


@dataclass
class Hostile:
    work: Path
    canary: Path
    spec: Path
    output: Path
    generation: Generation
    before: set[str]  # the work folder's files before generation


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    work = tmp_path_factory.mktemp("hostile")
    canary = work / "canary"
    canary.mkdir()
    spec = write_document(work)
    before = _files(work)
    previous = os.environ.get(CANARY_VARIABLE)
    os.environ[CANARY_VARIABLE] = str(canary)  # a payload that ran during generation would use it
    try:
        target = Target(spec=spec, output=work / "out", package=PACKAGE, client_class=CLIENT_CLASS)
        generation, _ = generate(target)
        yield Hostile(work, canary, spec, target.output, generation, before)
    finally:
        if previous is None:
            del os.environ[CANARY_VARIABLE]
        else:
            os.environ[CANARY_VARIABLE] = previous


def _messages(hostile: Hostile, code: str) -> list[str]:
    return [d.message for d in hostile.generation.diagnostics if d.code == code]


def test_generation_succeeds_and_says_what_it_renamed_or_left_out(hostile: Hostile) -> None:
    diagnostics = hostile.generation.diagnostics
    assert hostile.generation.files is not None, [
        d.render() for d in diagnostics if d.severity.value == "error"
    ]
    assert not diagnostics.has_errors
    assert any(
        "'pet-name'" in m and "'pet_name_" in m for m in _messages(hostile, "name-collision")
    )
    assert any("'class'" in m and "'class_'" in m for m in _messages(hostile, "name-reserved"))
    assert any("'日本語'" in m for m in _messages(hostile, "name-unusable"))
    assert any("'" + "x" * 300 + "'" in m for m in _messages(hostile, "name-too-long"))
    assert any("header parameter" in m for m in _messages(hostile, "parameter-skipped"))
    assert _messages(hostile, "host-invalid") and _messages(hostile, "security-unsupported")
    assert _messages(hostile, "lone-surrogate") and _messages(hostile, "response-skipped")
    assert not list(hostile.canary.iterdir())


def test_every_generated_file_parses(hostile: Hostile) -> None:
    files = sorted(p for p in hostile.output.rglob("*") if p.is_file())
    assert len(files) > 100
    for path in files:
        data = path.read_bytes().decode(
            "utf-8"
        )  # valid UTF-8 everywhere: no lone surrogate got through
        if path.suffix == ".py":
            compile(data, str(path), "exec")
        elif path.suffix == ".toml":
            tomllib.loads(data)
        elif path.suffix == ".json":
            json.loads(data)


def test_spec_text_only_ever_appears_as_data(hostile: Hostile) -> None:
    """No payload becomes code: the names they would call never occur outside strings and comments."""
    called = {
        "__import__",
        "lipsum",
        "popen",
        "touch",
    }  # what the payloads call; the client itself never does
    for path in hostile.output.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        names = {t.string for t in tokens if t.type == tokenize.NAME}
        assert not names & called, (path, names & called)
    # ...while the payloads themselves are there, as string constants
    constants = {
        node.value
        for path in hostile.output.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert any("__import__(" in value for value in constants)


def test_importing_and_calling_every_operation_creates_no_canary(hostile: Hostile) -> None:
    env = {
        **os.environ,
        **corpus.PLAIN_PYTEST,
        CANARY_VARIABLE: str(hostile.canary),
        "PYTHONPATH": str(hostile.output),
    }
    importer = (
        "import importlib, pkgutil\n"
        f"import {PACKAGE} as p\n"
        "names = [m.name for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]\n"
        "for name in names: importlib.import_module(name)\n"
        f"c = p.{CLIENT_CLASS}(base_url='https://api.example.test', username='u', password='p')\n"
        "print(len(names), repr(c), [type(getattr(c, r)).__name__ for r in dir(c) if not r.startswith('_')][:3])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", importer], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert int(run.stdout.split()[0]) > 100  # every module of the package was imported
    # The generated suite calls every operation against a mock transport, with every argument.
    selected = "required_args or all_args"
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", selected, "tests"],
        cwd=hostile.output,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert suite.returncode == 0, suite.stdout[-3000:]
    operations = sum(len(r["operations"]) for r in _ir_resources(hostile))
    assert (
        f"{2 * operations} passed" in suite.stdout
    )  # required-only and all-arguments calls of each
    assert not list(hostile.canary.iterdir())


def _ir_resources(hostile: Hostile) -> list[dict]:  # type: ignore[type-arg]
    ingested = ingest(hostile.spec)
    assert ingested.document is not None
    api = normalize(ingested.document, Diagnostics(), {CLIENT_CLASS, "Async" + CLIENT_CLASS})
    return json.loads(to_json(api))["resources"]  # type: ignore[no-any-return]


def test_nothing_is_written_outside_the_output_folder(hostile: Hostile) -> None:
    assert _files(hostile.work) - hostile.before == {"out"} | {
        "out/" + f for f in _files(hostile.output)
    }
    output = hostile.output.resolve()
    for path in hostile.output.rglob("*"):
        assert path.resolve().is_relative_to(output) and not path.is_symlink()
    assert (
        not Path("/tmp/hostile-escape").exists() and not (hostile.work.parent / "escape").exists()
    )
    listed = json.loads((hostile.output / "manifest.json").read_text())["files"]
    # existing_files leaves out tool caches: importing the package writes __pycache__ there
    assert sorted(listed) == existing_files(hostile.output)


def test_diagnostics_print_hostile_text_as_visible_escapes(hostile: Hostile, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("ir", hostile.spec)  # validation and naming: every diagnostic the document causes
    assert result.code == 0 and "Traceback" not in result.err
    for character in ("\x1b", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\u202e", "\x00"):
        assert character not in result.err, repr(character)
    assert "\\x1b[2J" in result.err  # shown, not acted on by the terminal
    assert all(
        line.startswith(("  ", "warnings (", "infos (", "errors (")) or "error" in line
        for line in result.err.splitlines()[:-1]
    )  # a newline in a payload cannot fake a diagnostic line


def test_the_hostile_package_passes_mypy_strict(hostile: Hostile) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", PACKAGE],
        cwd=hostile.output,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]


def test_every_payload_is_in_the_fixture() -> None:
    """The fixture really carries each payload (a payload dropped by mistake would test nothing)."""
    text = json.dumps(document(), ensure_ascii=False)
    for payload in PAYLOADS:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in text


# -- limits: hitting one is a diagnostic, never a crash or a hang -------------------------------------------


def _swagger(**parts: object) -> dict[str, object]:
    return {
        "swagger": "2.0",
        "info": {"title": "T", "version": "1"},
        "host": "api.example.com",
        "paths": {},
        **parts,
    }


def _write_json(folder: Path, document: object) -> Path:
    path = folder / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["paths", "definitions"])
def test_more_operations_or_definitions_than_the_limit_are_refused_quickly(tmp_path: Path, cli, key: str) -> None:  # type: ignore[no-untyped-def]
    ok = {"200": {"description": "ok"}}
    many = (
        {f"/p{i}": {"get": {"responses": ok}} for i in range(10_001)}
        if key == "paths"
        else {f"M{i}": {"type": "object"} for i in range(10_001)}
    )
    result = cli("generate", _write_json(tmp_path, _swagger(**{key: many})), "-o", tmp_path / "out")
    assert result.code == 1 and "error[too-large]" in result.err and f"at /{key}" in result.err
    assert "10,001" in result.err and not (tmp_path / "out").exists()


def test_json_the_yaml_reader_rejects_keeps_every_limit(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # A surrogate-pair escape, which PyYAML refuses, sends a JSON file down the JSON path first.
    head = '{"swagger": "2.0", "info": {"title": "\\ud83d\\ude00 \\ud800", "version": "1"}, "paths": {}'
    shallow = tmp_path / "shallow.json"
    shallow.write_text(head + "}", encoding="utf-8")
    result = cli("validate", shallow)
    assert (
        result.code == 0
        and "warning[lone-surrogate]" in result.err
        and "at /info/title" in result.err
    )
    deep = tmp_path / "deep.json"
    deep.write_text(head + ', "x": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}", encoding="utf-8")
    result = cli("validate", deep)
    assert result.code == 1 and "error[too-deep]" in result.err and "Traceback" not in result.err


def test_reference_cycles_are_warnings_not_crashes(tmp_path: Path) -> None:
    document = _swagger(
        parameters={"p1": {"$ref": "#/parameters/p2"}, "p2": {"$ref": "#/parameters/p1"}},
        responses={"r1": {"$ref": "#/responses/r2"}, "r2": {"$ref": "#/responses/r1"}},
        paths={
            "/a": {
                "get": {
                    "parameters": [{"$ref": "#/parameters/p1"}],
                    "responses": {
                        "200": {"$ref": "#/responses/r1"},
                        "201": {"description": "x", "schema": {"$ref": "#/definitions/A"}},
                    },
                }
            }
        },
        definitions={
            "A": {"$ref": "#/definitions/B"},
            "B": {"$ref": "#/definitions/A"},
            "C": {"type": "object", "properties": {"c": {"$ref": "#/definitions/C"}}},
            "D": {"type": "array", "items": {"$ref": "#/definitions/D"}},
        },
    )
    target = Target(spec=_write_json(tmp_path, document), output=tmp_path / "out", package="cycles")
    generation, _ = generate(target)
    assert generation.files is not None
    assert generation.diagnostics.codes().count("ref-cycle") >= 3
    compile(generation.files["cycles/models/c.py"], "c.py", "exec")


def test_the_deepest_schema_the_loader_allows_generates_without_raising_the_recursion_limit(
    tmp_path: Path,
) -> None:
    schema: dict[str, object] = {"type": "string"}
    for level in range(59):  # with its path in the document, just inside the 128-level limit
        schema = {"type": "object", "properties": {f"p{level}": schema}}
    operation = {
        "parameters": [{"name": "b", "in": "body", "schema": schema}],
        "responses": {"200": {"description": "x", "schema": schema}},
    }
    assert sys.getrecursionlimit() <= 10_000
    generation, _ = generate(
        Target(
            spec=_write_json(tmp_path, _swagger(paths={"/x": {"post": operation}})),
            output=tmp_path / "out",
        )
    )
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    assert not generation.diagnostics.has_errors


@pytest.mark.parametrize(
    "flag, value",
    [
        ("--package", "a b"),
        ("--package", "class"),
        ("--client-class", 'x"y'),
        ("--env-prefix", "A-B"),
        ("--distribution", "a\nb"),
    ],
)
def test_names_given_on_the_command_line_are_checked_too(tmp_path: Path, cli, flag: str, value: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("generate", SEED, "-o", tmp_path / "out", flag, value)
    assert (
        result.code == 2
        and f"error: {flag} {value!r} must be" in result.err
        and "internal error" not in result.err
    )
    assert not (tmp_path / "out").exists()


# -- client side: https unless the document allows nothing else -----------------------------------------------


@pytest.mark.parametrize(
    "schemes, expected",
    [
        (None, "https"),
        (["http", "https"], "https"),
        (["https", "http"], "https"),
        (["http"], "http"),
        (["ws", "http"], "http"),
        (["ws"], "https"),
    ],
)
def test_the_base_url_is_https_unless_the_document_allows_only_http(
    tmp_path: Path, schemes: list[str] | None, expected: str
) -> None:
    document = _swagger(**({"schemes": schemes} if schemes is not None else {}))
    ingested = ingest(_write_json(tmp_path, document))
    assert ingested.document is not None
    api = normalize(ingested.document, Diagnostics(), set())
    assert api.base_url == f"{expected}://api.example.com"
    assert ("http-only" in ingested.diagnostics.codes()) == (expected == "http")
