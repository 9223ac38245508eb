"""Normalization: small inline specs in, IR decisions out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from generator.model import ir
from generator.diagnostics import Diagnostics
from generator.model.normalize import normalize
from generator.ingest.pipeline import ingest
from tests.conftest import ROOT, SEED, SEED_OVERLAY


def build(write, text: str, client_names: set[str] = frozenset()) -> tuple[ir.Api, Diagnostics]:  # type: ignore[no-untyped-def,assignment]
    spec = write("s.yaml", text)
    result = ingest(spec)
    assert result.document is not None, [d.render() for d in result.diagnostics]
    diagnostics = Diagnostics()
    return normalize(result.document, diagnostics, set(client_names)), diagnostics


def spec(paths: dict | None = None, definitions: dict | None = None, **extra: object) -> str:  # type: ignore[type-arg]
    doc = {
        "swagger": "2.0",
        "info": {"title": "T", "version": "1"},
        "host": "api.example.com",
        "schemes": ["https"],
        "paths": paths or {},
        **extra,
    }
    if definitions:
        doc["definitions"] = definitions
    return yaml.safe_dump(doc, sort_keys=False)


OK = {"200": {"description": "ok"}}


def model(api: ir.Api, name: str) -> ir.Model:
    return next(m for m in api.models if m.name == name)


def operations(api: ir.Api) -> dict[str, ir.Operation]:
    return {op.operation_id or op.name: op for r in api.resources for op in r.operations}


def test_operation_names_collide_deterministically(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            {
                "/a": {"get": {"operationId": "getThing", "responses": OK}},
                "/b": {"get": {"operationId": "get_thing", "responses": OK}},
                "/c/{id}": {
                    "delete": {
                        "responses": OK,
                        "parameters": [
                            {"name": "id", "in": "path", "required": True, "type": "string"}
                        ],
                    }
                },
            }
        ),
    )
    names = [op.name for r in api.resources for op in r.operations]
    assert names == ["get_thing", "get_thing_2", "delete_c_by_id"]


def test_names_avoid_keywords_builtins_and_model_attributes(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            definitions={
                "Thing": {
                    "type": "object",
                    "properties": {
                        "class": {"type": "string"},
                        "str": {"type": "string"},
                        "model_config": {"type": "string"},
                        "json": {"type": "string"},
                        "x": {"type": "string"},
                        "X": {"type": "integer"},
                        "id": {"type": "string"},
                    },
                }
            }
        ),
    )
    fields = {f.wire_name: f.name for f in model(api, "Thing").fields}
    assert fields == {
        "class": "class_",
        "str": "str_",
        "model_config": "model_config_",
        "json": "json_",
        "x": "x",
        "X": "x_2",
        "id": "id",
    }


def test_definition_names_collide_and_avoid_client_classes(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            definitions={
                "a-b": {"type": "object"},
                "a_b": {"type": "object"},
                "PetStore": {"type": "object"},
                "Route": {"type": "object"},
            }
        ),
        client_names={"PetStore"},
    )
    assert [(m.wire_name, m.name) for m in api.models] == [
        ("a-b", "AB"),
        ("a_b", "AB2"),
        ("PetStore", "PetStoreModel"),
        ("Route", "RouteModel"),
    ]


def test_inline_schemas_are_hoisted_with_names_from_their_place(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            {
                "/pets": {
                    "post": {
                        "operationId": "addPet",
                        "parameters": [
                            {
                                "name": "pet",
                                "in": "body",
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "owner": {
                                            "type": "object",
                                            "properties": {"name": {"type": "string"}},
                                        }
                                    },
                                },
                            }
                        ],
                        "responses": {
                            "200": {
                                "description": "ok",
                                "schema": {
                                    "type": "object",
                                    "properties": {"id": {"type": "integer"}},
                                },
                            }
                        },
                    }
                }
            }
        ),
    )
    op = operations(api)["addPet"]
    assert op.parameters[0].type == ir.ModelRef("AddPetBody")
    assert op.success_type == ir.ModelRef("AddPetResponse")
    assert model(api, "AddPetBody").fields[0].type == ir.ModelRef("AddPetBodyOwner")


def test_allof_makes_parents_and_merges_inline_parts(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            definitions={
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}},
                },
                "Cat": {
                    "allOf": [
                        {"$ref": "#/definitions/Pet"},
                        {
                            "type": "object",
                            "required": ["lives"],
                            "properties": {"lives": {"type": "integer"}},
                        },
                    ]
                },
            }
        ),
    )
    cat = model(api, "Cat")
    assert cat.parents == ("Pet",)
    assert [(f.name, f.required) for f in cat.fields] == [("lives", True)]


def test_circular_allof_is_reported_and_the_rest_comes_out(write) -> None:  # type: ignore[no-untyped-def]
    api, diagnostics = build(
        write,
        spec(
            definitions={
                "A": {"allOf": [{"$ref": "#/definitions/B"}]},
                "B": {"allOf": [{"$ref": "#/definitions/A"}]},
                "Fine": {"type": "object", "properties": {"a": {"$ref": "#/definitions/A"}}},
            }
        ),
    )
    assert sorted(d.pointer for d in diagnostics if d.code == "allof-cycle") == [
        "/definitions/A",
        "/definitions/B",
    ]
    assert model(api, "Fine").fields[0].type == ir.AnyValue()


def test_discriminator_maps_subtypes_by_definition_name(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            definitions={
                "Pet": {
                    "type": "object",
                    "discriminator": "petType",
                    "required": ["petType"],
                    "properties": {"petType": {"type": "string"}},
                },
                "Cat": {
                    "allOf": [
                        {"$ref": "#/definitions/Pet"},
                        {"properties": {"meow": {"type": "boolean"}}},
                    ]
                },
                "Dog": {"allOf": [{"$ref": "#/definitions/Pet"}], "x-discriminator-value": "doggo"},
            }
        ),
    )
    assert model(api, "Pet").discriminator == ir.Discriminator(
        "petType", "pet_type", (("Pet", "Pet"), ("Cat", "Cat"), ("doggo", "Dog"))
    )


def test_recursive_definitions(write) -> None:  # type: ignore[no-untyped-def]
    api, diagnostics = build(
        write,
        spec(
            definitions={
                "Node": {
                    "type": "object",
                    "properties": {
                        "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
                        "other": {"$ref": "#/definitions/Other"},
                    },
                },
                "Other": {"type": "object", "properties": {"back": {"$ref": "#/definitions/Node"}}},
            }
        ),
    )
    assert not diagnostics.items
    assert model(api, "Node").fields[0].type == ir.ArrayOf(ir.ModelRef("Node"))
    assert model(api, "Other").fields[0].type == ir.ModelRef("Node")


def test_nullable_read_only_defaults_and_maps(write) -> None:  # type: ignore[no-untyped-def]
    api, diagnostics = build(
        write,
        spec(
            definitions={
                "T": {
                    "type": "object",
                    "required": ["id", "n"],
                    "properties": {
                        "id": {"type": "string", "readOnly": True},
                        "n": {"type": "integer", "x-nullable": True, "default": 5},
                        "bad": {"type": "integer", "default": "five"},
                        "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                        "free": {"type": "object", "additionalProperties": True},
                    },
                    "additionalProperties": {"type": "integer"},
                }
            }
        ),
    )
    fields = {f.wire_name: f for f in model(api, "T").fields}
    assert fields["id"].read_only and not fields["id"].required
    assert (
        fields["n"].nullable
        and fields["n"].required
        and (fields["n"].default, fields["n"].has_default) == (5, True)
    )
    assert not fields["bad"].has_default
    assert [d.pointer for d in diagnostics] == ["/definitions/T/properties/bad/default"]
    assert fields["tags"].type == ir.MapOf(ir.Primitive("str"))
    assert fields["free"].type == ir.MapOf(ir.AnyValue())
    assert model(api, "T").extra == ir.Primitive("int")


def test_enums_and_formats(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            definitions={
                "Color": {"type": "string", "enum": ["red", "dark-blue", "1st"]},
                "Level": {"type": "integer", "enum": [1, 2]},
                "T": {
                    "type": "object",
                    "properties": {
                        "when": {"type": "string", "format": "date-time"},
                        "day": {"type": "string", "format": "date"},
                        "uid": {"type": "string", "format": "uuid"},
                        "big": {"type": "integer", "format": "int64"},
                        "ratio": {"type": "number", "format": "double"},
                        "color": {"$ref": "#/definitions/Color"},
                        "grid": {
                            "type": "array",
                            "items": {"type": "array", "items": {"type": "number"}},
                        },
                    },
                },
            }
        ),
    )
    color = next(e for e in api.enums if e.name == "Color")
    assert [(m.name, m.value) for m in color.members] == [
        ("RED", "red"),
        ("DARK_BLUE", "dark-blue"),
        ("VALUE_1ST", "1st"),
    ]
    assert next(e for e in api.enums if e.name == "Level").value_kind == "int"
    types = {f.wire_name: f.type for f in model(api, "T").fields}
    assert types["when"] == ir.Primitive("str", "date-time")
    assert types["day"] == ir.Primitive("str", "date")
    assert types["uid"] == ir.Primitive("str", "uuid")
    assert types["big"] == ir.Primitive("int", "int64")
    assert types["color"] == ir.EnumRef("Color")
    assert types["grid"] == ir.ArrayOf(ir.ArrayOf(ir.Primitive("float")))


def test_parameters_collection_formats_and_form_files(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            {
                "/u/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "integer"}
                    ],
                    "post": {
                        "operationId": "upload",
                        "consumes": ["multipart/form-data"],
                        "parameters": [
                            {
                                "name": "tags",
                                "in": "query",
                                "type": "array",
                                "items": {"type": "string"},
                                "collectionFormat": "pipes",
                            },
                            {
                                "name": "ids",
                                "in": "query",
                                "type": "array",
                                "items": {"type": "integer"},
                            },
                            {"name": "X-Trace", "in": "header", "type": "string", "required": True},
                            {"name": "file", "in": "formData", "type": "file", "required": True},
                            {"name": "note", "in": "formData", "type": "string"},
                        ],
                        "responses": OK,
                    },
                }
            }
        ),
    )
    op = operations(api)["upload"]
    assert [(p.name, p.location, p.required) for p in op.parameters] == [
        ("id", "path", True),
        ("x_trace", "header", True),
        ("file", "formData", True),
        ("tags", "query", False),
        ("ids", "query", False),
        ("note", "formData", False),
    ]
    formats = {p.wire_name: p.collection_format for p in op.parameters}
    assert (formats["tags"], formats["ids"], formats["id"]) == ("pipes", "csv", "")
    assert op.body_kind == "multipart"
    assert next(p for p in op.parameters if p.wire_name == "file").type == ir.FileData()


def test_urlencoded_form_and_idempotence(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            {
                "/f": {
                    "post": {
                        "operationId": "login",
                        "parameters": [{"name": "user", "in": "formData", "type": "string"}],
                        "responses": OK,
                    },
                    "put": {"operationId": "replace", "responses": OK},
                }
            }
        ),
    )
    ops = operations(api)
    assert (ops["login"].body_kind, ops["login"].content_type) == (
        "form",
        "application/x-www-form-urlencoded",
    )
    assert (ops["login"].idempotent, ops["replace"].idempotent) == (False, True)


def test_pagination_detection(write) -> None:  # type: ignore[no-untyped-def]
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "string"}},
            "totalCount": {"type": "integer"},
            "next": {"type": "string"},
        },
    }
    q = lambda n, t="integer": {"name": n, "in": "query", "type": t}  # noqa: E731
    api, _ = build(
        write,
        spec(
            {
                "/o": {
                    "get": {
                        "operationId": "offsetPaged",
                        "parameters": [q("limit"), q("offset")],
                        "responses": {
                            "200": {"description": "", "schema": {"$ref": "#/definitions/Page"}}
                        },
                    }
                },
                "/p": {
                    "get": {
                        "operationId": "pagePaged",
                        "parameters": [q("page"), q("per_page")],
                        "responses": {
                            "200": {"description": "", "schema": {"$ref": "#/definitions/Page"}}
                        },
                    }
                },
                "/c": {
                    "get": {
                        "operationId": "cursorPaged",
                        "parameters": [q("cursor", "string")],
                        "responses": {
                            "200": {"description": "", "schema": {"$ref": "#/definitions/Page"}}
                        },
                    }
                },
                "/n": {
                    "get": {
                        "operationId": "notPaged",
                        "parameters": [q("q", "string")],
                        "responses": {
                            "200": {"description": "", "schema": {"$ref": "#/definitions/Page"}}
                        },
                    }
                },
            },
            {"Page": page},
        ),
    )
    ops = operations(api)
    assert ops["offsetPaged"].pagination == ir.Pagination(
        "offset",
        "items",
        ir.Primitive("str"),
        limit_param="limit",
        offset_param="offset",
        total_field="totalCount",
    )
    assert ops["offsetPaged"].iterator_name == "iter_offset_paged"
    assert (
        ops["pagePaged"].pagination is not None and ops["pagePaged"].pagination.page_param == "page"
    )
    assert (
        ops["cursorPaged"].pagination is not None
        and ops["cursorPaged"].pagination.next_field == "next"
    )
    assert ops["notPaged"].pagination is None and ops["notPaged"].iterator_name is None


def test_resources_group_by_first_tag_and_security(write) -> None:  # type: ignore[no-untyped-def]
    api, _ = build(
        write,
        spec(
            {
                "/a": {
                    "get": {"operationId": "a", "tags": ["Pet Store", "other"], "responses": OK},
                    "post": {"operationId": "b", "responses": OK, "security": []},
                },
            },
            securityDefinitions={
                "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
                "o": {
                    "type": "oauth2",
                    "flow": "implicit",
                    "authorizationUrl": "https://x/a",
                    "scopes": {},
                },
            },
            security=[{"key": []}, {"o": ["read"]}],
        ),
    )
    assert [(r.name, r.class_name, r.tag) for r in api.resources] == [
        ("pet_store", "PetStore", "Pet Store"),
        ("default", "Default", "default"),
    ]
    ops = operations(api)
    assert ops["a"].security == (("key",), ("o",))
    assert ops["b"].security == ()
    assert [(s.name, s.kind, s.param, s.location) for s in api.security_schemes] == [
        ("key", "apiKey", "X-Key", "header"),
        ("o", "bearer", "Authorization", "header"),
    ]
    assert api.base_url == "https://api.example.com"


def test_a_resource_class_never_takes_another_resources_async_name(write) -> None:  # type: ignore[no-untyped-def]
    """Tag "Pets" makes Pets and AsyncPets (and their raw and streaming twins); a tag
    "AsyncPets" (or "PetsWithStreamingResponse") seen first must leave them all free."""
    orders = (
        ["AsyncPets", "Pets"],
        ["Pets", "AsyncPets"],
        ["PetsWithStreamingResponse", "Pets"],
        ["AsyncPetsWithStreamingResponse", "Pets"],
    )
    for order in orders:
        paths = {
            f"/{n}": {"get": {"operationId": f"op{n}", "tags": [tag], "responses": OK}}
            for n, tag in enumerate(order)
        }
        api, _ = build(write, spec(paths))
        classes = [r.class_name for r in api.resources]
        every = [
            name
            for c in classes
            for prefix in ("", "Async")
            for kind in ("", "WithRawResponse", "WithStreamingResponse")
            for name in [f"{prefix}{c}{kind}"]
        ]
        assert len(every) == len(set(every)), classes


def test_a_method_never_takes_a_type_name_its_class_annotations_use(write) -> None:  # type: ignore[no-untyped-def]
    """A method `str` would make `str` in the later methods' annotations mean the method (mypy refuses)."""
    paths = {f"/{n}": {"get": {"operationId": n, "responses": OK}} for n in ("str", "list", "get")}
    api, _ = build(write, spec(paths))
    assert [op.name for op in api.resources[0].operations] == ["str_", "list_", "get"]


def test_the_default_target_normalizes_cleanly() -> None:
    result = ingest(SEED, [SEED_OVERLAY])
    assert result.document is not None
    diagnostics = Diagnostics()
    api = normalize(result.document, diagnostics)
    assert not diagnostics.items
    ops = operations(api)
    assert set(ops) == {"findCalls", "sendCalls", "findCallBroadcasts", "createCallBroadcast"}
    assert ops["findCalls"].pagination is not None and ops[
        "findCalls"
    ].pagination.item_type == ir.ModelRef("Call")
    assert (
        next(p for p in ops["findCalls"].parameters if p.wire_name == "id").collection_format
        == "multi"
    )
    assert ops["sendCalls"].parameters[0].type == ir.ArrayOf(ir.ModelRef("CallRecipient"))


def test_ir_json_is_identical_across_hash_seeds() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-m", "generator", "ir", str(SEED), "--overlay", str(SEED_OVERLAY)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1 and len(next(iter(outputs))) > 1000


def test_ir_command_on_a_bad_file_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("ir", tmp_path / "missing.yaml")
    assert result.code == 1 and result.out == ""


def test_pagination_can_be_set_or_turned_off_by_x_pagination(write) -> None:  # type: ignore[no-untyped-def]
    page = {
        "type": "object",
        "properties": {
            "rows": {"type": "array", "items": {"type": "string"}},
            "more": {"type": "string"},
            "items": {"type": "array", "items": {"type": "integer"}},
        },
    }
    q = {"name": "limit", "in": "query", "type": "integer"}
    o = {"name": "offset", "in": "query", "type": "integer"}
    ok = {"200": {"description": "", "schema": {"$ref": "#/definitions/Page"}}}
    api, diagnostics = build(
        write,
        spec(
            {
                "/a": {
                    "get": {
                        "operationId": "stated",
                        "parameters": [{"name": "after", "in": "query", "type": "string"}],
                        "responses": ok,
                        "x-pagination": {
                            "kind": "cursor",
                            "items": "rows",
                            "cursor": "after",
                            "next": "more",
                        },
                    }
                },
                "/b": {
                    "get": {
                        "operationId": "off",
                        "parameters": [q, o],
                        "responses": ok,
                        "x-pagination": False,
                    }
                },
                "/c": {"get": {"operationId": "detected", "parameters": [q, o], "responses": ok}},
                "/d": {
                    "get": {
                        "operationId": "bad",
                        "parameters": [q, o],
                        "responses": ok,
                        "x-pagination": {"kind": "offset", "items": "nope"},
                    }
                },
            },
            {"Page": page},
        ),
    )
    ops = operations(api)
    assert ops["stated"].pagination == ir.Pagination(
        "cursor", "rows", ir.Primitive("str"), cursor_param="after", next_field="more"
    )
    assert ops["off"].pagination is None and ops["off"].iterator_name is None
    assert (
        ops["detected"].pagination is not None and ops["detected"].pagination.items_field == "items"
    )
    assert ops["bad"].pagination == ops["detected"].pagination
    assert [d.code for d in diagnostics] == ["pagination-invalid"]


def test_pagination_knows_what_ends_a_walk(write) -> None:  # type: ignore[no-untyped-def]
    # CallFire's Page: "limit: A maximum number of returned items. If items.size() < limit
    # assume no more items"; "totalCount: Total count of available results. -1 if unknown".
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "string"}},
            "limit": {"type": "integer", "format": "int32"},
            "offset": {"type": "integer"},
            "totalCount": {"type": "integer"},
        },
    }
    q = {"name": "limit", "in": "query", "type": "integer"}
    o = {"name": "offset", "in": "query", "type": "integer"}
    ok = {"200": {"description": "", "schema": {"$ref": "#/definitions/Page"}}}
    stated = {"kind": "offset", "items": "items", "limit": "limit", "offset": "offset"}
    api, diagnostics = build(
        write,
        spec(
            {
                "/a": {"get": {"operationId": "detected", "parameters": [q, o], "responses": ok}},
                "/b": {
                    "get": {
                        "operationId": "stated",
                        "parameters": [q, o],
                        "responses": ok,
                        "x-pagination": {**stated, "max_limit": 100, "applied_limit": "limit"},
                    }
                },
                "/c": {
                    "get": {
                        "operationId": "badMax",
                        "parameters": [q, o],
                        "responses": ok,
                        "x-pagination": {**stated, "max_limit": "lots"},
                    }
                },
            },
            {"Page": page},
        ),
    )
    ops = operations(api)
    detected = ops["detected"].pagination
    assert detected is not None
    assert (detected.limit_field, detected.total_field, detected.max_limit) == (
        "limit",
        "totalCount",
        0,
    )
    stated_pages = ops["stated"].pagination
    assert stated_pages is not None
    assert (stated_pages.limit_field, stated_pages.max_limit) == ("limit", 100)
    assert ops["badMax"].pagination is not None and ops["badMax"].pagination.max_limit == 0
    assert [d.code for d in diagnostics] == ["pagination-invalid"]


def test_an_idempotency_key_header_is_found(write) -> None:  # type: ignore[no-untyped-def]
    def header(name: str) -> dict[str, object]:
        return {"name": name, "in": "header", "type": "string"}

    api, _ = build(
        write,
        spec(
            {
                "/a": {
                    "post": {
                        "operationId": "keyed",
                        "parameters": [header("Idempotency-Key")],
                        "responses": OK,
                    },
                    "put": {
                        "operationId": "underscored",
                        "parameters": [header("X_Idempotency_Key")],
                        "responses": OK,
                    },
                    "patch": {
                        "operationId": "other",
                        "parameters": [header("X-Request-Id")],
                        "responses": OK,
                    },
                }
            }
        ),
    )
    ops = operations(api)
    assert ops["keyed"].idempotency_header == "Idempotency-Key"
    assert ops["underscored"].idempotency_header == "X_Idempotency_Key"
    assert ops["other"].idempotency_header == ""
