"""The reserved names (generator/model/reserved.py) are what the generated code really uses.

A client is generated from a document that uses every feature (every kind of credential, a
paged operation, an upload, a download, dates, maps, an enum, models with subtypes) and from
the CallFire document; its package is imported from the output folder, and every name its
modules define or import, its client and resource classes' members, the arguments of its
clients, the locals of its methods and the attributes of its models are compared with the
reserved sets. A runtime or template change that adds a name fails here until it is reserved.

Names the document decides (its models, resources, operations...) are taken from the IR.
Names that start with "_" are left out: no name made from a document starts with one
(tests/test_names.py checks it).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from generator.build import build
from generator.model import ir, reserved
from generator.target import DEFAULT_TARGET, Target

KITCHEN = """\
swagger: "2.0"
info: {title: Kitchen Sink, version: "1.2"}
host: api.example.test
basePath: /v1
schemes: [https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  basic: {type: basic}
  session_key: {type: apiKey, in: header, name: X-Session}
  app: {type: apiKey, in: query, name: app_id}
  oauth: {type: oauth2, flow: implicit, authorizationUrl: "https://auth.example.test/a", scopes: {}}
security: [{basic: []}]
paths:
  /pets:
    get:
      tags: [pets]
      operationId: listPets
      parameters:
        - {in: query, name: limit, type: integer}
        - {in: query, name: offset, type: integer}
        - {in: query, name: tags, type: array, items: {type: string}, collectionFormat: pipes}
        - {in: query, name: born, type: string, format: date}
        - {in: query, name: kind, type: string, enum: [cat, dog]}
        - {in: header, name: X-Trace, type: string}
      responses:
        "200": {description: ok, schema: {$ref: "#/definitions/PetPage"}}
        "404": {description: missing, schema: {$ref: "#/definitions/Problem"}}
    post:
      tags: [pets]
      operationId: addPet
      security: []
      parameters:
        - {in: body, name: body, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "201": {description: ok, schema: {$ref: "#/definitions/Pet"}}
  /pets/{petId}:
    put:
      tags: [pets]
      operationId: tagPet
      security: [{session_key: [], app: []}, {oauth: []}]
      parameters:
        - {in: path, name: petId, required: true, type: string}
        - in: body
          name: labels
          schema: {type: object, additionalProperties: {type: string}}
      responses:
        "200": {description: ok, schema: {type: object, additionalProperties: {$ref: "#/definitions/Kind"}}}
  /files:
    post:
      tags: [files]
      operationId: upload
      consumes: [multipart/form-data]
      parameters:
        - {in: formData, name: file, type: file, required: true}
        - {in: formData, name: note, type: string}
      responses:
        "200": {description: ok, schema: {type: object}}
  /files/{name}:
    get:
      tags: [files]
      operationId: download
      produces: [application/octet-stream]
      parameters:
        - {in: path, name: name, required: true, type: string}
      responses:
        "200": {description: ok, schema: {type: string, format: binary}}
  /forms:
    post:
      tags: [files]
      operationId: sendForm
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {in: formData, name: when, type: string, format: date-time}
      responses:
        "204": {description: done}
definitions:
  Kind: {type: string, enum: [cat, dog]}
  Problem:
    type: object
    properties: {message: {type: string}}
  Pet:
    type: object
    discriminator: kind
    required: [kind]
    properties:
      kind: {type: string}
      born: {type: string, format: date}
      seen: {type: string, format: date-time}
      id: {type: string, format: uuid}
      extra: {type: object}
      owner: {$ref: "#/definitions/Owner"}
    additionalProperties: {type: integer}
  Owner:
    type: object
    properties:
      pets: {type: array, items: {$ref: "#/definitions/Cat"}}
  Cat:
    allOf:
      - $ref: "#/definitions/Pet"
      - properties: {lives: {type: integer}, mood: {type: string, enum: [calm, wild]}}
  Dog:
    allOf:
      - $ref: "#/definitions/Pet"
      - properties: {good: {type: boolean}}
  PetPage:
    type: object
    properties:
      items: {type: array, items: {$ref: "#/definitions/Pet"}}
      total: {type: integer}
"""


@dataclass
class Client:
    package: ModuleType
    api: ir.Api
    folder: Path  # the project: the package and its tests

    def modules(self) -> Iterator[tuple[str, ast.Module]]:
        """Every generated module that a document's names reach (not the runtime, the fixed
        conftest and Prism runner, nor the runtime's own tests, which import no model, resource
        or operation), as (path in the project, syntax tree)."""
        fixed = {"tests/conftest.py", "tests/_prism.py"}
        fixed |= {f"tests/{module}.py" for module in reserved.RUNTIME_TEST_MODULES}
        for path in sorted(self.folder.rglob("*.py")):
            name = path.relative_to(self.folder).as_posix()
            if "/_runtime/" not in name and name not in fixed:
                yield name, ast.parse(path.read_text(encoding="utf-8"))

    def module(self, name: str) -> ast.Module:
        return ast.parse((self.folder / name).read_text(encoding="utf-8"))


def _generate(root: Path, target: Target) -> Client:
    generation = build(target)
    assert generation.files is not None and generation.api is not None
    folder = root / target.package
    for name, text in generation.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(target.package)
        for module in (
            "_client",
            "_runtime",
            *(f"models.{m}" for m in _model_modules(generation.api)),
            *(f"resources.{r.module}" for r in generation.api.resources),
        ):
            importlib.import_module(f"{target.package}.{module}")
    finally:
        sys.path.remove(str(folder))
    return Client(package, generation.api, folder)


def _model_modules(api: ir.Api) -> list[str]:
    return [*(m.module for m in api.models), *(e.module for e in api.enums)]


@pytest.fixture(scope="module", params=["kitchen", "callfire"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Client:
    root = tmp_path_factory.mktemp("reserved")
    if request.param == "kitchen":
        spec = root / "kitchen.yaml"
        spec.write_text(KITCHEN, encoding="utf-8")
        target = Target(spec=spec, output=root / "unused", package="kitchen", env_prefix="KITCHEN")
    else:
        target = DEFAULT_TARGET
    return _generate(root, target)


def _decided(api: ir.Api) -> set[str]:
    """Every name the IR made from the document (and from the target's names)."""
    names = {api.names.package, api.names.client_class, api.names.async_client_class}
    names |= {c.argument for c in api.names.credentials}
    for model in api.models:
        names |= {model.name, model.variants or "", model.dict_name}
        names |= {f.name for f in model.fields}
    for enum in api.enums:
        names |= {enum.name} | {m.name for m in enum.members}
    for resource in api.resources:
        cls = resource.class_name
        names |= {resource.name, cls, f"Async{cls}"}
        for kind in ("WithRawResponse", "WithStreamingResponse"):
            names |= {f"{cls}{kind}", f"Async{cls}{kind}"}
        for op in resource.operations:
            names |= {op.name, op.iterator_name or ""} | {p.name for p in op.parameters}
    return names - {""}


def _public(names: set[str]) -> set[str]:
    return {n for n in names if not n.startswith("_")}


def _top_level(tree: ast.Module) -> set[str]:
    """The names a module binds at its top level, under `if` and `try` too."""
    found: set[str] = set()
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.If, ast.Try)):
            stack.extend([*node.body, *node.orelse])
    return found


def _loaded(node: ast.AST) -> set[str]:
    """The names a function (or class body) reads that its own scope does not bind: names of
    comprehensions and nested functions' arguments are theirs."""
    own: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.comprehension):
            own |= {n.id for n in ast.walk(inner.target) if isinstance(n, ast.Name)}
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner is not node:
            own |= {a.arg for a in ast.walk(inner.args) if isinstance(a, ast.arg)}
    read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return read - own


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}


def _snake_case(names: set[str]) -> set[str]:
    """The names a snake_case name from a document could meet (a capital never occurs in one)."""
    return {n for n in names if n[:1].islower()}


def test_the_runtime_exports_only_reserved_names(client: Client) -> None:
    runtime = client.package._runtime
    assert set(runtime.__all__) <= reserved.RUNTIME
    assert _public(set(vars(runtime))) - {"annotations"} <= reserved.RUNTIME


def test_the_runtime_tests_import_nothing_a_document_names(client: Client) -> None:
    # Client.modules leaves them out: a model or resource can share none of their names only
    # because they import from the runtime and the support module alone.
    package = client.api.names.package
    for module in reserved.RUNTIME_TEST_MODULES:
        tree = client.module(f"tests/{module}.py")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                root = node.module.split(".")[0]
                assert root != package or node.module.startswith(f"{package}._runtime"), (
                    module,
                    node.module,
                )
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != package for a in node.names), module


def test_every_module_imports_and_defines_only_reserved_names(client: Client) -> None:
    allowed = reserved.RUNTIME | reserved.MODULE_LEVEL
    decided = _decided(client.api)
    for name, tree in client.modules():
        # test functions are named after operations (the IR's names, with test_ before them)
        own = {n for n in _public(_top_level(tree)) - decided if not n.startswith("test_")}
        assert own <= allowed, (name, own - allowed)
    capitals = {n for n in allowed if n[:1].isupper()}
    assert capitals <= reserved.CLASS_NAMES


def test_the_client_classes_have_only_reserved_members(client: Client) -> None:
    resources = {r.name for r in client.api.resources}
    for name in (client.api.names.client_class, client.api.names.async_client_class):
        members = _public(set(dir(getattr(client.package, name)))) - resources
        assert members <= reserved.CLIENT_MEMBERS, members - reserved.CLIENT_MEMBERS
    # The client's class body sees its module's names: a resource must not hide one.
    module = _snake_case(
        _public(_top_level(client.module(f"{client.api.names.package}/_client.py")))
    )
    assert module <= reserved.CLIENT_MEMBERS, module - reserved.CLIENT_MEMBERS


def test_the_resource_classes_have_only_reserved_members(client: Client) -> None:
    allowed = reserved.RESOURCE_MEMBERS | reserved.TYPE_NAMES
    for resource in client.api.resources:
        module = importlib.import_module(f"{client.package.__name__}.resources.{resource.module}")
        operations = {o.name for o in resource.operations}
        operations |= {o.iterator_name for o in resource.operations if o.iterator_name}
        for cls in (resource.class_name, f"Async{resource.class_name}"):
            members = _public(set(dir(getattr(module, cls)))) - operations
            assert members <= allowed, members - allowed
        # A method named like a name the annotations of the methods after it use would hide it.
        tree = client.module(f"{client.api.names.package}/resources/{resource.module}.py")
        for function in _functions(tree):
            annotations = [a.annotation for a in ast.walk(function.args) if isinstance(a, ast.arg)]
            used = set().union(*(_loaded(a) for a in [*annotations, function.returns] if a))
            assert _snake_case(used) <= allowed, _snake_case(used) - allowed


def test_credential_arguments_keep_clear_of_what_the_client_uses(client: Client) -> None:
    allowed = reserved.CLIENT_ARGUMENTS | reserved.TYPE_NAMES
    credentials = {c.argument for c in client.api.names.credentials}
    for name in (client.api.names.client_class, client.api.names.async_client_class):
        signature = inspect.signature(getattr(client.package, name).__init__)
        assert set(signature.parameters) - credentials <= allowed
    tree = client.module(f"{client.api.names.package}/_client.py")
    for function in _functions(tree):
        if function.name in ("_credentials", "__init__"):
            used = _snake_case(_public(_loaded(function))) - credentials
            assert used <= allowed, (function.name, used - allowed)


def test_parameters_keep_clear_of_what_a_method_uses(client: Client) -> None:
    allowed = reserved.METHOD_LOCALS | reserved.TYPE_NAMES
    for resource in client.api.resources:
        parameters = {p.name for o in resource.operations for p in o.parameters}
        methods = {o.name for o in resource.operations}
        methods |= {o.iterator_name for o in resource.operations if o.iterator_name}
        tree = client.module(f"{client.api.names.package}/resources/{resource.module}.py")
        for function in (f for f in _functions(tree) if f.name in methods):
            used = _snake_case(_public(_loaded(function))) - (_arguments(function) & parameters)
            assert used <= allowed, (function.name, used - allowed)


def test_fields_keep_clear_of_model_attributes_and_annotations(client: Client) -> None:
    for model in client.api.models:
        module = importlib.import_module(f"{client.package.__name__}.models.{model.module}")
        fields = {f.name for m in client.api.models for f in m.fields}
        members = {
            n
            for n in _public(set(dir(getattr(module, model.name))) - fields)
            if not n.startswith(reserved.MODEL_PREFIX)
        }
        assert members <= reserved.MODEL_ATTRIBUTES, members - reserved.MODEL_ATTRIBUTES
        tree = client.module(f"{client.api.names.package}/models/{model.module}.py")
        (body,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == model.name]
        used = _snake_case(_loaded(body))
        assert used <= reserved.TYPE_NAMES, used - reserved.TYPE_NAMES


def test_module_files_keep_clear_of_what_their_package_uses(client: Client) -> None:
    package = client.api.names.package
    models = _snake_case(_top_level(client.module(f"{package}/models/__init__.py")))
    assert models <= reserved.MODEL_MODULES, models - reserved.MODEL_MODULES
    resources = _snake_case(_public(_top_level(client.module(f"{package}/resources/__init__.py"))))
    assert resources <= reserved.RESOURCE_MODULES
    per_resource = {r.test_module for r in client.api.resources}
    fixed = {p.stem for p in (client.folder / "tests").glob("*.py")} - per_resource
    assert fixed - {client.api.names.test_support} <= reserved.TEST_MODULES
    assert client.api.names.test_support == reserved.TEST_SUPPORT.format(package=package)


# What a generated package and its tests load, in a fresh process from its project folder: its
# modules, its tests as pytest collects them, and a client with httpx's own transport (which
# httpx loads only then). Printed: the top-level modules, one per line.
_LOADED = """\
import importlib, pkgutil, sys
import httpx, pytest
import {package}
for module in pkgutil.walk_packages({package}.__path__, "{package}."):
    importlib.import_module(module.name)
pytest.main(["-q", "-p", "no:cacheprovider", "-c", "/dev/null", "--rootdir", ".", "--co", "tests"])
client = {package}.{client}(
    base_url="https://api.example.test", http_client=httpx.Client(transport=httpx.HTTPTransport())
)
print("\\n".join(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def _required_modules(*distributions: str) -> set[str]:
    """The top-level modules of distributions and of all they require (not their extras')."""
    from importlib import metadata

    provides: dict[str, set[str]] = {}
    for module, names in metadata.packages_distributions().items():
        for name in names:
            provides.setdefault(name.lower().replace("_", "-"), set()).add(module)
    seen: set[str] = set()
    todo = [d.lower() for d in distributions]
    while todo:
        name = todo.pop()
        if name in seen or name not in provides:
            continue
        seen.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" not in requirement:
                todo.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0].lower())
    return {module for name in seen for module in provides[name]}


def test_no_package_may_be_named_after_a_module_the_client_or_its_tests_load() -> None:
    """The list that --package is checked against holds every module of the client's and its
    tests' dependencies that they really load (a package so named would hide it)."""
    script = _LOADED.format(package=DEFAULT_TARGET.package, client=DEFAULT_TARGET.client_class)
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=DEFAULT_TARGET.output,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = set(run.stdout.split()[-400:])
    dependencies = loaded & _required_modules("httpx", "pydantic", "pytest")
    assert {"httpx", "pydantic", "pytest", "httpcore"} <= dependencies  # what the client needs
    assert dependencies <= reserved.IMPORTED_BY_CLIENT, dependencies - reserved.IMPORTED_BY_CLIENT
    assert "tests" in reserved.PROJECT_PACKAGES
