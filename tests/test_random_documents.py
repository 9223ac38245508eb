"""Property: for any document, the generator returns diagnostics or code that parses, imports and type-checks.

Hypothesis builds random Swagger 2.0 documents: random and hostile strings in every field that
reaches the client, random schema shapes (objects, arrays, maps, enums, allOf, references), random
parameters and responses, and now and then a part replaced by arbitrary JSON. Each document goes
through the whole generator in process; parsing is checked per example, importing and
`mypy --strict` once for the whole batch (both start a Python process, too slow per example).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from generator.formatting.formatter import black_difference as black_difference_of
from generator.build import build
from generator.model import reserved
from generator.target import Target
from tests.hostile import HOSTILE_NAMES, PAYLOADS

EXAMPLES = int(os.environ.get("RANDOM_DOCUMENTS", "300"))
SHARDS = 4  # the examples in four tests, each with a seed of its own, that pytest-xdist spreads
SAME_NAME = "random_" + "x" * 6  # as long as every package's name, random_000000 and on
RUNTIME_TESTS = {f"tests/{module}.py" for module in reserved.RUNTIME_TEST_MODULES}
# Documents that once failed, kept so that every run checks them again (see README, "Untrusted documents").
KNOWN = Path(__file__).resolve().parent / "random_documents"

TEXT = st.one_of(st.text(max_size=12), st.sampled_from(PAYLOADS), st.sampled_from(HOSTILE_NAMES))
NAME = st.one_of(
    st.sampled_from(["a", "A", "a_", "a-b", "id", "type", "class", "self", "Client", "list", "_"]),
    TEXT,
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
PRIMITIVES = ["string", "integer", "number", "boolean"]
FORMATS = {
    "string": ["", "date", "date-time", "uuid", "byte", "binary", "email"],
    "integer": ["", "int32", "int64"],
    "number": ["", "float", "double"],
    "boolean": [""],
}


def _pointer(name: str) -> str:
    return "#/definitions/" + name.replace("~", "~0").replace("/", "~1")


@st.composite
def primitive(draw: st.DrawFn, allow_enum: bool = True) -> dict[str, Any]:
    kind = draw(st.sampled_from(PRIMITIVES))
    schema: dict[str, Any] = {"type": kind}
    fmt = draw(st.sampled_from(FORMATS[kind]))
    if fmt:
        schema["format"] = fmt
    values = {
        "string": TEXT,
        "integer": st.integers(-(10**12), 10**12),
        "number": st.floats(-1e9, 1e9),
        "boolean": st.booleans(),
    }[kind]
    if allow_enum and draw(st.booleans()):
        schema["enum"] = draw(st.lists(values, min_size=1, max_size=4))
    if draw(st.booleans()):
        schema["default"] = draw(values)
    if draw(st.booleans()):
        schema["description"] = draw(TEXT)
    return schema


@st.composite
def schema(draw: st.DrawFn, refs: list[str], depth: int = 0) -> dict[str, Any]:
    kinds = (
        ["primitive", "ref"]
        if depth >= 3
        else ["primitive", "ref", "array", "object", "map", "allOf", "any"]
    )
    kind = draw(st.sampled_from(kinds if refs else [k for k in kinds if k != "ref"]))
    if kind == "primitive":
        return draw(primitive())
    if kind == "ref":
        return {"$ref": draw(st.sampled_from(refs))}
    if kind == "array":
        return {"type": "array", "items": draw(schema(refs, depth + 1))}
    if kind == "map":
        return {"type": "object", "additionalProperties": draw(schema(refs, depth + 1))}
    if kind == "any":
        return draw(st.sampled_from([{}, {"type": "object"}, {"x-any": True}]))
    properties = draw(st.dictionaries(NAME, schema(refs, depth + 1), max_size=4))
    result: dict[str, Any] = {"type": "object", "properties": properties, "title": draw(TEXT)}
    if properties:
        result["required"] = draw(
            st.lists(st.sampled_from(sorted(properties)), max_size=2, unique=True)
        )
    if kind == "allOf" and refs:
        result = {"allOf": [{"$ref": draw(st.sampled_from(refs))}, result]}
    return result


@st.composite
def parameter(draw: st.DrawFn, refs: list[str], location: str) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": draw(NAME),
        "in": location,
        "description": draw(TEXT),
        "required": draw(st.booleans()),
    }
    if location == "body":
        return {**param, "schema": draw(schema(refs))}
    if location == "formData" and draw(st.booleans()):
        return {**param, "type": "file"}
    if draw(st.booleans()):
        items = draw(primitive(allow_enum=False))
        return {
            **param,
            "type": "array",
            "items": items,
            "collectionFormat": draw(st.sampled_from(["csv", "ssv", "tsv", "pipes", "multi"])),
        }
    return {**param, **draw(primitive())}


@st.composite
def operation(draw: st.DrawFn, refs: list[str], path_names: list[str]) -> dict[str, Any]:
    form = draw(st.booleans())
    locations = ["query", "header", "formData"] if form else ["query", "header", "body"]
    params = draw(
        st.lists(st.sampled_from(locations).flatmap(lambda loc: parameter(refs, loc)), max_size=4)
    )
    params = [p for i, p in enumerate(params) if p["in"] != "body" or i == 0]  # one body at most
    params += [
        {"name": name, "in": "path", "required": True, "type": "string"} for name in path_names
    ]
    statuses = draw(
        st.lists(
            st.sampled_from(["200", "201", "204", "400", "404", "default", "2XX", "600"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    responses = {
        status: {
            "description": draw(TEXT),
            **({"schema": draw(schema(refs))} if draw(st.booleans()) else {}),
        }
        for status in statuses
    }
    result = {
        "operationId": draw(NAME),
        "summary": draw(TEXT),
        "description": draw(TEXT),
        "tags": [draw(NAME)],
        "parameters": params,
        "responses": responses,
    }
    if form:
        result["consumes"] = [
            draw(st.sampled_from(["multipart/form-data", "application/x-www-form-urlencoded"]))
        ]
    return result


@st.composite
def document(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(NAME, max_size=4, unique=True))
    refs = [_pointer(name) for name in names]
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        path_names = draw(
            st.lists(st.sampled_from(["id", "name", "class", "a-b"]), max_size=2, unique=True)
        )
        template = (
            "/"
            + draw(TEXT).replace("{", "").replace("}", "")
            + "".join(f"/{{{n}}}" for n in path_names)
        )
        methods = draw(
            st.lists(
                st.sampled_from(["get", "post", "put", "delete", "patch"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
        paths[template] = {m: draw(operation(refs, path_names)) for m in methods}
    doc: dict[str, Any] = {
        "swagger": "2.0",
        "info": {"title": draw(TEXT), "version": draw(TEXT), "description": draw(TEXT)},
        "host": draw(st.one_of(st.just("api.example.com"), TEXT)),
        "basePath": "/" + draw(TEXT),
        "schemes": draw(
            st.lists(st.sampled_from(["http", "https", "ws"]), max_size=2, unique=True)
        ),
        "securityDefinitions": {
            draw(NAME): {"type": "apiKey", "in": "header", "name": draw(NAME)},
            "basic": {"type": "basic"},
        },
        "security": [{"basic": []}],
        "paths": paths,
        "definitions": {name: draw(schema(refs, 1)) for name in names},
    }
    if draw(st.integers(0, 4)) == 0:  # now and then, a part of the document is arbitrary JSON
        doc[draw(st.sampled_from(sorted(doc)))] = draw(JSON)
    return doc


@pytest.mark.corpus
@pytest.mark.parametrize("shard", range(SHARDS))
def test_random_documents_give_diagnostics_or_code_that_parses_imports_and_type_checks(
    shard: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "GENERATOR_CACHE", "off"
    )  # thousands of one-off files would only fill the disk cache
    batch, spec = tmp_path / "packages", tmp_path / "spec.json"
    batch.mkdir()
    packages: list[str] = []
    answers: dict[bytes, str] = {}

    def black_difference(text: str, package: str) -> str:
        """black's answer for a text, asked once per text: many files (the test support module,
        the Prism plumbing) are the same in every package but for its name, and black gives the
        same text the same answer. Every name is as long as SAME_NAME, so the text with its name
        replaced by SAME_NAME is laid out alike, and black's answer for it is the file's."""
        text = text.replace(package, SAME_NAME)
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        if key not in answers:
            answers[key] = black_difference_of(text)
        return answers[key]

    def check(doc: dict[str, Any]) -> None:
        package = f"random_{len(packages):06}"
        assert len(package) == len(SAME_NAME)  # black_difference relies on it
        spec.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
        generation = build(
            Target(spec=spec, output=tmp_path / "unused", package=package, client_class="Random")
        )
        if generation.files is None:  # refused: then with an error that says what and where
            errors = [d for d in generation.diagnostics if d.severity.value == "error"]
            assert errors and all(d.code and d.message for d in errors)
            return
        for name, text in generation.files.items():
            if name.endswith(".py"):
                compile(text, name, "exec")
                if name in RUNTIME_TESTS:
                    # the same in every package but for its name, which is random_N here; black
                    # on them was 2.5 s an example (test_layout checks that they need none)
                    continue
                # laid out without black (or by it, where layout was unsure): black changes nothing
                difference = black_difference(text, package)
                assert (
                    not difference
                ), f"{name}: {difference}\n--- the document ---\n{json.dumps(doc)[:6000]}"
        for name, text in generation.files.items():
            if name.startswith(package + "/"):
                (batch / name).parent.mkdir(parents=True, exist_ok=True)
                (batch / name).write_text(text, encoding="utf-8")
        (batch / f"{package}.json").write_text(
            json.dumps(doc, indent=1), encoding="utf-8"
        )  # to reproduce
        packages.append(package)

    for known in sorted(KNOWN.glob("*.json")) if shard == 0 else []:
        check(json.loads(known.read_text(encoding="utf-8")))
    # Examples come from a fixed seed, the shard's, in the session's Hypothesis profile
    # (tests/conftest.py), unless RANDOM_EXPLORE=1 asks for new ones.
    examples = given(document())(check)
    if settings.default.derandomize:
        examples = seed(shard)(examples)
    settings(
        max_examples=EXAMPLES // SHARDS,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )(examples)()
    assert len(packages) >= max(
        1, EXAMPLES // SHARDS // 4
    ), "most random documents should be usable"
    _import_all(batch, packages)
    _type_check_all(batch, packages)


def _import_all(batch: Path, packages: list[str]) -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "for index, package in enumerate(sys.argv[1:]):\n"
        "    print(package, file=sys.stderr)\n"  # names the document when something fails
        "    root = importlib.import_module(package)\n"
        "    runtime = package + '._runtime'\n"
        "    names = [m.name for m in pkgutil.walk_packages(root.__path__, package + '.')]\n"
        "    for name in names:\n"  # each module imported first, as a user's program may
        # the runtime is the same in every package but for its name: its modules are imported
        # first in the first package only, and stay loaded while the package's own modules are
        "        if name.startswith(runtime) and index:\n"
        "            continue\n"
        "        keep = () if name.startswith(runtime) else (runtime,)\n"
        "        for loaded in [m for m in sys.modules if m.startswith(package + '.')]:\n"
        "            if not loaded.startswith(keep):\n"
        "                del sys.modules[loaded]\n"
        "        importlib.import_module(name)\n"
        "    importlib.import_module(package).Random(base_url='https://api.example.test').close()\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, *packages],
        cwd=batch,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, _with_document(batch, run.stderr[-4000:])


def _type_check_all(batch: Path, packages: list[str]) -> None:
    _share_runtime(batch, packages)
    arguments = [arg for package in packages for arg in ("-p", package)]
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *arguments],
        cwd=batch,
        capture_output=True,
        text=True,
        timeout=2400,
    )
    assert run.returncode == 0, _with_document(batch, run.stdout[-4000:])


def _share_runtime(batch: Path, packages: list[str]) -> None:
    """Every package but the first gets the first one's runtime, which mypy then checks once.

    The runtime is the same in every package but for its header line (asserted here), and a
    package's own modules reach it only through its `_runtime` package's public names, so
    checking them against the first package's runtime checks them as against their own. The 3,248
    lines of the runtime were most of what mypy read for each small random package."""
    sources = _runtime_sources(batch / packages[0])
    first = batch / packages[0] / "_runtime" / "__init__.py"
    public = next(
        ast.literal_eval(node.value)
        for node in ast.parse(first.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
    )
    shim = "".join(f"from {packages[0]}._runtime import {name} as {name}\n" for name in public)
    for package in packages[1:]:
        runtime = batch / package / "_runtime"
        assert _runtime_sources(batch / package) == sources, f"{package}'s runtime is its own"
        shutil.rmtree(runtime)
        runtime.mkdir()
        (runtime / "__init__.py").write_text(shim, encoding="utf-8")


def _runtime_sources(package: Path) -> dict[str, str]:
    """The package's runtime modules by name, each without its header line."""
    return {
        path.name: path.read_text(encoding="utf-8").partition("\n")[2]
        for path in sorted((package / "_runtime").glob("*.py"))
    }


def _with_document(batch: Path, output: str) -> str:
    """The failure, and the document that caused it (from the first package it names)."""
    found = ([None] + re.findall(r"random_\d+", output))[-1]
    document = (batch / f"{found}.json").read_text() if found else ""
    return (
        f"{output}\n--- the document (keep it as tests/random_documents/NAME.json, so every run checks it) ---\n"
        f"{document[:6000]}"
    )
