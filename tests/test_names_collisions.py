"""No name from a document collides with a name the generated code uses itself.

Each document below once gave a client that broke: a class that replaced the runtime's
`Credentials` or `Timeout`, a resource that replaced the `cached_property` decorator, a test
module that replaced the contract tests, a file Windows cannot have, a method renamed in
silence. Each is generated, imported from its output folder (nothing is installed), and, where
the bug was a type error, checked with `mypy --strict` (one run for all of them).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator import corpus
from generator.diagnostics import Diagnostic
from generator.build import build
from generator.generation import Generation
from generator.model import reserved
from generator.target import Target

# No file on Windows may have these names, in any case and with any extension
# (learn.microsoft.com, "Naming Files, Paths, and Namespaces"; the superscript digits cannot
# occur in a Python name).
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{port}{n}" for port in ("com", "lpt") for n in range(10)
}


def _document(title: str = "Pet Shop", **parts: Any) -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": title, "version": "1"},
        "host": "api.example.test",
        "schemes": ["https"],
        "paths": parts.pop("paths", {}),
        **parts,
    }


def _get(operation_id: str, tag: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["schema"] = schema
    return {"get": {"operationId": operation_id, "tags": [tag], "responses": {"200": response}}}


def _tagged(*tags: str) -> dict[str, Any]:
    """One operation per tag."""
    return _document(paths={f"/{i}": _get(f"read{i}", tag) for i, tag in enumerate(tags)})


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}"}


OBJECT = {"type": "object", "properties": {"name": {"type": "string"}}}

# Models named like what the modules that use them import: a resource module imports Mapping
# and Timeout, and LazyType when a response names a model.
RUNTIME_NAMED_MODELS = _document(
    paths={
        "/mapping": _get("getMapping", "things", _ref("Mapping")),
        "/timeout": {
            "post": {
                "operationId": "putTimeout",
                "tags": ["things"],
                "parameters": [{"in": "body", "name": "body", "schema": _ref("Timeout")}],
                "responses": {"200": {"description": "ok", "schema": _ref("LazyType")}},
            }
        },
    },
    definitions={"Mapping": OBJECT, "Timeout": OBJECT, "LazyType": OBJECT},
)

PAGE = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"type": "string"}},
        "total": {"type": "integer"},
    },
}
PAGED = {
    "get": {
        "operationId": "listItems",
        "tags": ["items"],
        "parameters": [
            {"in": "query", "name": "limit", "type": "integer"},
            {"in": "query", "name": "offset", "type": "integer"},
        ],
        "responses": {"200": {"description": "ok", "schema": _ref("Page")}},
    }
}

DOCUMENTS: dict[str, dict[str, Any]] = {
    "title_credentials": {**_tagged("pets"), "info": {"title": "Credentials", "version": "1"}},
    "title_timeout": {**_tagged("pets"), "info": {"title": "Timeout", "version": "1"}},
    "title_apiclient": {**_tagged("pets"), "info": {"title": "APIClient", "version": "1"}},
    "tag_apiclient": _tagged("APIClient", "AsyncAPIClient"),
    "tags_cached_property": _tagged("cached_property", "pets"),
    "tags_client_members": _tagged("options", "httpx", "os", "pets"),
    "runtime_named_models": RUNTIME_NAMED_MODELS,
    "tags_contract_package": _tagged("contract", "package", "readme", "runtime_paging", "pets"),
    "windows_devices": _document(
        paths={
            **{f"/{i}": _get(f"read{i}", tag) for i, tag in enumerate(["aux", "CON", "Lpt9"])},
            **{
                f"/m{i}": _get(f"model{i}", "models", _ref(m)) for i, m in enumerate(["CON", "aux"])
            },
            "/more": _get("more", "models", {"type": "array", "items": _ref("NUL")}),
            "/ports": _get("ports", "models", {"type": "array", "items": _ref("COM1")}),
            "/printers": _get("printers", "models", {"type": "array", "items": _ref("LPT1")}),
        },
        definitions={name: OBJECT for name in ("CON", "aux", "NUL", "COM1", "LPT1")},
    ),
    # the bodies of a resource's views call raw_view (or stream_view) once per operation
    "operations_named_like_views": _document(
        paths={
            f"/{i}": _get(name, "things")
            for i, name in enumerate(["rawView", "streamView", "asyncRawView", "asyncStreamView"])
        }
    ),
    "iterator_beside_paged": _document(
        paths={"/items": PAGED, "/iter": _get("iterListItems", "items")},
        definitions={"Page": PAGE},
    ),
    "contract_tests": _document(
        paths={
            "/a": _get("listItems", "first"),
            "/b": _get("list_items", "second"),
            "/c": {"get": {**_get("x", "second")["get"], "security": [{"key": []}]}},
            "/d": _get("x_needs_credentials", "first"),
        },
        securityDefinitions={"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    ),
}


@dataclass
class Generated:
    folder: Path  # the project: the package and its tests
    generation: Generation

    def diagnostics(self, code: str) -> list[Diagnostic]:
        return [d for d in self.generation.diagnostics if d.code == code]

    def text(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    root = tmp_path_factory.mktemp("names")
    made = {}
    for package, document in DOCUMENTS.items():
        spec = root / f"{package}.json"
        spec.write_text(json.dumps(document), encoding="utf-8")
        generation = build(Target(spec=spec, output=root / "unused", package=package))
        assert generation.files is not None, [d.render() for d in generation.diagnostics]
        folder = root / package
        for name, text in generation.files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        made[package] = Generated(folder, generation)
    return made


def _client_class(made: Generated, package: str) -> str:
    return re.findall(r"^class (\w+)\(SyncAPIClient\)", made.text(f"{package}/_client.py"), re.M)[0]


# Every module imported on its own, then both clients built, every resource used and closed.
_IMPORT_AND_BUILD = """
import importlib, pkgutil, sys
package = sys.argv[1]
root = importlib.import_module(package)
for module in pkgutil.walk_packages(root.__path__, package + "."):
    importlib.import_module(module.name)
for name in (sys.argv[2], "Async" + sys.argv[2]):
    client = getattr(root, name)(base_url="https://api.example.test")
    for resource in sys.argv[3:]:
        getattr(client, resource).with_raw_response
    print(name, type(client).__mro__[1].__name__, client.with_options(max_retries=1).options.max_retries)
"""


@pytest.mark.parametrize("package", sorted(DOCUMENTS))
def test_each_client_imports_and_builds(generated: dict[str, Generated], package: str) -> None:
    made = generated[package]
    client = _client_class(made, package)
    resources = re.findall(
        r"^    def (\w+)\(self\) -> (?!None)", made.text(f"{package}/_client.py"), re.M
    )
    run = subprocess.run(  # a fresh interpreter, importing from the output folder
        [sys.executable, "-c", _IMPORT_AND_BUILD, package, client, *resources],
        cwd=made.folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (
        f"{client} SyncAPIClient 1" in run.stdout
        and f"Async{client} AsyncAPIClient 1" in run.stdout
    )


def test_every_client_passes_mypy_strict(generated: dict[str, Generated]) -> None:
    """One mypy run over every package: each was a type error before (Incompatible import,
    `Name "AsyncAPIClient" already defined (possibly by an import)`, no-redef)."""
    arguments = [a for package in sorted(generated) for a in ("-p", package)]
    folders = os.pathsep.join(str(made.folder) for made in generated.values())
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *arguments],
        cwd=next(iter(generated.values())).folder.parent,
        env={**os.environ, "MYPYPATH": folders},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:]


def test_a_client_class_made_from_the_title_keeps_clear_of_the_runtime(
    generated: dict[str, Generated],
) -> None:
    for package, expected in {
        "title_credentials": "CredentialsClient",
        "title_timeout": "TimeoutClient",
        "title_apiclient": "APIClientClient",  # Async + APIClient is the runtime's AsyncAPIClient
    }.items():
        made = generated[package]
        assert _client_class(made, package) == expected
        (note,) = [d for d in made.diagnostics("name-reserved") if d.pointer == "/info/title"]
        assert f"is {expected!r}" in note.message


def test_a_client_class_the_runtime_uses_is_refused_when_given(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_tagged("pets")), encoding="utf-8")
    for name in ("Timeout", "APIClient", "Credentials"):
        generation = build(Target(spec=spec, output=tmp_path / "out", client_class=name))
        assert generation.files is None
        assert [d.code for d in generation.diagnostics] == ["target-invalid"], name


def test_a_package_named_after_a_module_it_would_hide_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_tagged("pets")), encoding="utf-8")
    for name in ("tests", "json", "typing", "httpx", "pydantic", "pytest"):
        generation = build(Target(spec=spec, output=tmp_path / "out", package=name))
        assert generation.files is None, name
        [problem] = generation.diagnostics
        assert (
            problem.code == "target-invalid" and f"--package {name!r} must not" in problem.message
        )
    assert build(Target(spec=spec, output=tmp_path / "out", package="json_api")).files


def test_resources_keep_clear_of_the_client_module(generated: dict[str, Generated]) -> None:
    text = generated["tags_cached_property"].text("tags_cached_property/_client.py")
    assert "    def cached_property_(self)" in text and "    def pets(self)" in text
    members = generated["tags_client_members"].text("tags_client_members/_client.py")
    for tag in ("options", "httpx", "os"):
        assert f"    def {tag}_(self)" in members
    notes = generated["tags_client_members"].diagnostics("name-reserved")
    assert {n.message.split("'")[1] for n in notes} == {"options", "httpx", "os"}


def test_models_keep_clear_of_the_names_their_modules_import(
    generated: dict[str, Generated],
) -> None:
    made = generated["runtime_named_models"]
    models = made.folder / "runtime_named_models" / "models"
    assert {p.stem for p in models.glob("*.py")} == {
        "__init__",
        "mapping_model",
        "timeout_model",
        "lazy_type_model",
        # and the modules of their TypedDicts
        "mapping_model_dict",
        "timeout_model_dict",
        "lazy_type_model_dict",
    }
    renamed = {n.message.split("'")[1] for n in made.diagnostics("name-reserved")}
    assert renamed == {"Mapping", "Timeout", "LazyType"}


def _test_functions(text: str) -> list[str]:
    return [
        node.name
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def test_tags_never_replace_the_fixed_test_modules(generated: dict[str, Generated]) -> None:
    made = generated["tags_contract_package"]
    tests = made.folder / "tests"
    assert "pytestmark = pytest.mark.contract" in made.text("tests/test_contract.py")
    template = Path(__file__).resolve().parents[1] / "templates/tests/test_package.py.jinja"
    # the package's own tests, as its template names them, not the tag's operations
    own = re.findall(r"^def (test_\w+)", template.read_text(encoding="utf-8"), re.MULTILINE)
    assert _test_functions(made.text("tests/test_package.py")) == own
    assert _test_functions(made.text("tests/test_readme.py")) == ["test_readme_example_runs"]
    runtime = {f"{module}.py" for module in reserved.RUNTIME_TEST_MODULES}
    assert {p.name for p in tests.glob("test_*.py")} == runtime | {
        "test_contract.py",
        "test_package.py",
        "test_readme.py",
        "test_contract_.py",
        "test_package_.py",
        "test_readme_.py",
        "test_runtime_paging_.py",
        "test_pets.py",
    }
    paging = Path(__file__).resolve().parents[1] / "templates/tests/test_runtime_paging.py.jinja"
    own = re.findall(r"^def (test_\w+)", paging.read_text(encoding="utf-8"), re.MULTILINE)
    assert _test_functions(made.text("tests/test_runtime_paging.py")) == own
    # Nothing was lost: every module's tests, the tag-named ones included, pass (the runtime's
    # own tests, the same in every package, left out of the count).
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not contract"]
        + [f"--ignore=tests/{module}.py" for module in reserved.RUNTIME_TEST_MODULES],
        cwd=made.folder,
        env={**os.environ, **corpus.PLAIN_PYTEST},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    # 5 operations (each its calls, retry rules and waits), the package's own tests and the
    # README's examples: counted on 2026-12-03; a template that gains tests changes it
    assert "90 passed" in run.stdout, run.stdout[-3000:]


def test_no_file_has_a_windows_device_name(generated: dict[str, Generated]) -> None:
    for made in generated.values():
        for path in made.folder.rglob("*"):
            stem = path.relative_to(made.folder).parts[-1].split(".")[0]
            assert stem.lower() not in WINDOWS_DEVICES, path
    made = generated["windows_devices"]
    notes = [n for n in made.diagnostics("name-reserved") if "Windows device" in n.message]
    assert len(notes) == 8  # 3 tags (aux, CON, Lpt9), 5 models
    client = made.text("windows_devices/_client.py")
    # the client's attributes keep their names; only the files change
    assert "    def aux(self)" in client and "from .resources.aux_ import" in client


def test_a_method_renamed_to_avoid_another_is_reported(generated: dict[str, Generated]) -> None:
    made = generated["iterator_beside_paged"]
    resource = made.text("iterator_beside_paged/resources/items.py")
    assert "def iter_list_items(" in resource and "def iter_list_items_2(" in resource
    (warning,) = made.diagnostics("name-collision")
    assert warning.severity.value == "warning" and warning.pointer == "/paths/~1items/get"
    assert "'iter_list_items'" in warning.message and "'iter_list_items_2'" in warning.message


def test_contract_tests_of_operations_with_one_name_are_all_kept(
    generated: dict[str, Generated],
) -> None:
    made = generated["contract_tests"]
    functions = _test_functions(made.text("tests/test_contract.py"))
    assert len(functions) == len(set(functions)) == 5  # 4 operations, and 1 needs a credential
    notes = made.diagnostics("name-collision")
    # names users read in a report, seldom type: infos
    assert len(notes) == 2 and {n.severity.value for n in notes} == {"info"}


_CALL_THROUGH_VIEWS = """
import asyncio, httpx, sys
from operations_named_like_views import API as Made, AsyncAPI as AsyncMade

def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"path": request.url.path})

client = Made(base_url="https://api.example.test", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
for name in sys.argv[1:]:
    raw = getattr(client.things.with_raw_response, name)()
    with getattr(client.things.with_streaming_response, name)() as streamed:
        print(name, raw.status_code, raw.http_response.request.url.path, streamed.status_code)

async def main() -> None:
    transport = httpx.MockTransport(answer)
    made = AsyncMade(base_url="https://api.example.test", http_client=httpx.AsyncClient(transport=transport))
    for name in sys.argv[1:]:
        raw = await getattr(made.things.with_raw_response, name)()
        async with getattr(made.things.with_streaming_response, name)() as streamed:
            print("async", name, raw.status_code, raw.http_response.request.url.path, streamed.status_code)

asyncio.run(main())
"""


def test_operations_named_like_what_views_use_are_renamed_and_work_through_them(
    generated: dict[str, Generated],
) -> None:
    made = generated["operations_named_like_views"]
    renamed = {n.message.split("'")[1] for n in made.diagnostics("name-reserved")}
    assert renamed == {"rawView", "streamView", "asyncRawView", "asyncStreamView"}
    names = ["raw_view_", "stream_view_", "async_raw_view_", "async_stream_view_"]
    script = _CALL_THROUGH_VIEWS.replace("API", _client_class(made, "operations_named_like_views"))
    run = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=made.folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for index, name in enumerate(names):
        assert f"{name} 200 /{index} 200" in run.stdout.splitlines()
        assert f"async {name} 200 /{index} 200" in run.stdout.splitlines()
