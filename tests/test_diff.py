"""`python -m generator diff`: each rule on a hand-made pair of documents, the bump, the reports, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.output.diff import (
    BREAKING,
    DOCS,
    FEATURE,
    INCOMPATIBLE,
    NARROWER,
    SAME,
    WIDER,
    Change,
    bump,
    diff_apis,
    diff_specs,
    to_markdown,
    type_change,
)
from generator.model.ir import (
    AnyValue,
    ArrayOf,
    EnumRef,
    MapOf,
    ModelRef,
    NoneValue,
    Primitive,
    TypeRef,
    UnionOf,
)
from tests.conftest import SEED, SEED_OVERLAY, SHARED_SPECS

Spec = dict[str, Any]

# -- building small documents -----------------------------------------------------------------------------------


def document(paths: Spec | None = None, definitions: Spec | None = None, **top: Any) -> Spec:
    """A minimal valid Swagger 2.0 document around paths and definitions."""
    return {
        "swagger": "2.0",
        "info": {"title": "T", "version": "1"},
        "host": "api.example.com",
        "paths": paths or {},
        "definitions": definitions or {},
        **top,
    }


def op(
    operation_id: str = "findCalls",
    *parameters: Spec,
    returns: Spec | None = None,
    tag: str = "calls",
    **extra: Any,
) -> Spec:
    ok: Spec = {"description": "OK", **({"schema": returns} if returns is not None else {})}
    return {
        "operationId": operation_id,
        "tags": [tag],
        "parameters": list(parameters),
        "responses": {"200": ok},
        **extra,
    }


def query(name: str, type_: str = "string", required: bool = False, **extra: Any) -> Spec:
    return {"in": "query", "name": name, "type": type_, "required": required, **extra}


def body(schema: Spec) -> Spec:
    return {"in": "body", "name": "body", "required": True, "schema": schema}


def ref(name: str) -> Spec:
    return {"$ref": f"#/definitions/{name}"}


def model(required: tuple[str, ...] = (), **properties: Spec) -> Spec:
    return {
        "type": "object",
        "properties": properties,
        **({"required": list(required)} if required else {}),
    }


def calls(*parameters: Spec, returns: Spec | None = None, **extra: Any) -> Spec:
    """`GET /calls` (findCalls) with the given parameters."""
    return {"/calls": {"get": op("findCalls", *parameters, returns=returns, **extra)}}


def diff(tmp_path: Path, old: Spec, new: Spec) -> list[Change]:
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    result = diff_specs(old_path, [], new_path, [])
    assert result.changes is not None, [
        str(d) for d in (*result.old.diagnostics, *result.new.diagnostics)
    ]
    return list(result.changes)


def kinds(changes: list[Change]) -> set[str]:
    return {c.kind for c in changes}


# -- operations ---------------------------------------------------------------------------------------------------


def test_identical_documents_have_no_changes(tmp_path: Path) -> None:
    spec = document(
        calls(query("limit", "integer"), returns=ref("Call")), {"Call": model(id=ref("Id"))}
    )
    spec["definitions"]["Id"] = {"type": "string", "enum": ["a", "b"]}
    found = diff(tmp_path, spec, spec)
    assert found == []
    assert bump(found) == "none"


def test_removed_operation_is_breaking_and_an_added_one_is_not(tmp_path: Path) -> None:
    old = document({"/calls": {"get": op("findCalls"), "post": op("sendCalls")}})
    new = document(
        {"/calls": {"get": op("findCalls")}, "/texts": {"get": op("findTexts", tag="texts")}}
    )
    assert diff(tmp_path, old, new) == [
        Change(
            BREAKING, "client.calls.send_calls()", "POST /calls (sendCalls)", "operation removed"
        ),
        Change(FEATURE, "client.texts.find_texts()", "GET /texts (findTexts)", "operation added"),
    ]


def test_a_new_path_is_a_change_of_the_same_operation(tmp_path: Path) -> None:
    old = document({"/calls": {"get": op("findCalls")}})
    new = document({"/v2/calls": {"get": op("findCalls")}})
    assert diff(tmp_path, old, new) == [
        Change(
            BREAKING,
            "client.calls.find_calls()",
            "GET /v2/calls (findCalls)",
            "now `GET /v2/calls`, was `GET /calls`",
        )
    ]


def test_a_new_method_is_a_change_of_the_same_operation(tmp_path: Path) -> None:
    old = document({"/calls": {"get": op("findCalls")}})
    new = document({"/calls": {"post": op("findCalls")}})
    [change] = diff(tmp_path, old, new)
    assert (change.kind, change.message) == (BREAKING, "now `POST /calls`, was `GET /calls`")


def test_an_operation_that_moves_to_another_tag_is_renamed_for_users(tmp_path: Path) -> None:
    old = document({"/calls": {"get": op("findCalls", tag="calls")}})
    new = document({"/calls": {"get": op("findCalls", tag="search")}})
    [change] = diff(tmp_path, old, new)
    assert change == Change(
        BREAKING,
        "client.search.find_calls()",
        "GET /calls (findCalls)",
        "renamed: it was `client.calls.find_calls()`",
    )


def test_summary_and_description_are_documentation(tmp_path: Path) -> None:
    old = document(calls(summary="Find calls", description="Old words"))
    new = document(
        calls(summary="Find the calls", description="New words"),
        info={"title": "T2", "version": "1"},
    )
    found = diff(tmp_path, old, new)
    assert [(c.kind, c.subject, c.message) for c in found] == [
        (DOCS, "client", "API title changed from `T` to `T2`"),
        (DOCS, "client.calls.find_calls()", "summary changed"),
        (DOCS, "client.calls.find_calls()", "description changed"),
    ]
    assert bump(found) == "patch"


def test_deprecation_is_non_breaking(tmp_path: Path) -> None:
    [change] = diff(tmp_path, document(calls()), document(calls(deprecated=True)))
    assert (change.kind, change.message) == (FEATURE, "deprecated")


def test_a_security_requirement_where_there_was_none_is_breaking(tmp_path: Path) -> None:
    schemes = {"basicAuth": {"type": "basic"}}
    old = document(calls(), securityDefinitions=schemes)
    new = document(calls(security=[{"basicAuth": []}]), securityDefinitions=schemes)
    assert diff(tmp_path, old, new) == [
        Change(
            BREAKING,
            "client.calls.find_calls()",
            "GET /calls (findCalls)",
            "now requires authentication",
        )
    ]
    [relaxed] = diff(tmp_path, new, old)
    assert (relaxed.kind, relaxed.message) == (FEATURE, "no longer requires authentication")


def test_a_new_default_base_url_is_breaking(tmp_path: Path) -> None:
    [change] = diff(tmp_path, document(), document(host="api2.example.com"))
    assert change.kind == BREAKING
    assert (
        change.message
        == "default base URL changed from `https://api.example.com` to `https://api2.example.com`"
    )


# -- parameters -----------------------------------------------------------------------------------------------------


def test_removed_parameter_is_breaking(tmp_path: Path) -> None:
    assert diff(tmp_path, document(calls(query("limit", "integer"))), document(calls())) == [
        Change(
            BREAKING,
            "client.calls.find_calls(limit=...)",
            "GET /calls query limit",
            "parameter removed",
        )
    ]


def test_new_optional_parameter_is_non_breaking(tmp_path: Path) -> None:
    assert diff(tmp_path, document(calls()), document(calls(query("limit", "integer")))) == [
        Change(
            FEATURE,
            "client.calls.find_calls(limit=...)",
            "GET /calls query limit",
            "new optional parameter",
        )
    ]


def test_new_required_parameter_is_breaking(tmp_path: Path) -> None:
    [change] = diff(tmp_path, document(calls()), document(calls(query("label", required=True))))
    assert (change.kind, change.subject, change.message) == (
        BREAKING,
        "client.calls.find_calls(label=...)",
        "new required parameter",
    )


def test_optional_parameter_that_became_required_is_breaking_and_back_is_not(
    tmp_path: Path,
) -> None:
    optional, required = document(calls(query("label"))), document(
        calls(query("label", required=True))
    )
    [tightened] = diff(tmp_path, optional, required)
    assert (tightened.kind, tightened.message) == (BREAKING, "now required")
    [relaxed] = diff(tmp_path, required, optional)
    assert (relaxed.kind, relaxed.message) == (FEATURE, "now optional")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ({"type": "number"}, {"type": "integer"}, "type narrowed: `float` → `int`"),
        (
            {"type": "string"},
            {"type": "string", "enum": ["a", "b"]},
            "type narrowed: `str` → `Label | str`",
        ),
        (
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            "type changed: `Sequence[str]` → `str`",
        ),
        ({"type": "string"}, {"type": "boolean"}, "type changed: `str` → `bool`"),
    ],
)
def test_narrowed_or_changed_parameter_type_is_breaking(
    tmp_path: Path, old: Spec, new: Spec, message: str
) -> None:
    found = diff(
        tmp_path,
        document(calls({"in": "query", "name": "label", **old})),
        document(calls({"in": "query", "name": "label", **new})),
    )
    assert [
        (c.kind, c.message) for c in found if c.subject == "client.calls.find_calls(label=...)"
    ] == [(BREAKING, message)]


def test_free_form_body_that_became_a_model_is_breaking(tmp_path: Path) -> None:
    old = document({"/calls": {"post": op("sendCalls", body({}))}})
    new = document(
        {"/calls": {"post": op("sendCalls", body(ref("Call")))}},
        {"Call": model(id={"type": "string"})},
    )
    found = diff(tmp_path, old, new)
    assert found[0] == Change(
        BREAKING,
        "client.calls.send_calls(body=...)",
        "POST /calls body body",
        "type narrowed: `Any` → `Call | dict[str, Any]`",
    )
    assert found[1:] == [Change(FEATURE, "Call", "Call", "model added")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"type": "integer"}, {"type": "number"}),
        (
            ref("State"),
            {"type": "string"},
        ),  # State stays in definitions: only the parameter changes
        ({"type": "string"}, {}),
    ],
)
def test_widened_parameter_type_is_non_breaking(tmp_path: Path, old: Spec, new: Spec) -> None:
    state = {"State": {"type": "string", "enum": ["a", "b"]}}
    changed = diff(
        tmp_path,
        document({"/calls": {"post": op("sendCalls", body(old))}}, state),
        document({"/calls": {"post": op("sendCalls", body(new))}}, state),
    )
    widened = [c for c in changed if c.subject == "client.calls.send_calls(body=...)"]
    assert [(c.kind, c.message.split(":")[0]) for c in widened] == [(FEATURE, "type widened")]
    assert bump(changed) == "minor"


def test_reordered_path_parameters_are_breaking(tmp_path: Path) -> None:
    def at(template: str) -> Spec:
        return document(
            {
                template: {
                    "get": op(
                        "getCall",
                        {"in": "path", "name": "a", "type": "string", "required": True},
                        {"in": "path", "name": "b", "type": "string", "required": True},
                    )
                }
            }
        )

    found = diff(tmp_path, at("/calls/{a}/{b}"), at("/calls/{b}/{a}"))
    assert (
        Change(
            BREAKING,
            "client.calls.get_call()",
            "GET /calls/{b}/{a} (getCall)",
            "positional parameters reordered: (b, a), was (a, b)",
        )
        in found
    )


def test_parameter_description_and_server_default_are_documentation(tmp_path: Path) -> None:
    found = diff(
        tmp_path,
        document(calls(query("limit", "integer", description="Old"))),
        document(calls(query("limit", "integer", description="New", default=10))),
    )
    assert [(c.kind, c.message) for c in found] == [
        (DOCS, "description changed"),
        (DOCS, "server default now `10`, was none"),
    ]


# -- responses --------------------------------------------------------------------------------------------------------


def test_removed_response_field_is_breaking(tmp_path: Path) -> None:
    old = document(
        calls(returns=ref("Call")), {"Call": model(id={"type": "string"}, label={"type": "string"})}
    )
    new = document(calls(returns=ref("Call")), {"Call": model(id={"type": "string"})})
    assert diff(tmp_path, old, new) == [
        Change(BREAKING, "Call.label", "Call property label", "field removed")
    ]


def test_success_response_changed_incompatibly_is_breaking(tmp_path: Path) -> None:
    definitions = {"Call": model(id={"type": "string"}), "Text": model(id={"type": "string"})}
    old, new = document(calls(returns=ref("Call")), definitions), document(
        calls(returns=ref("Text")), definitions
    )
    assert diff(tmp_path, old, new)[0] == Change(
        BREAKING,
        "client.calls.find_calls()",
        "GET /calls (findCalls)",
        "success response type changed: `Call` → `Text`",
    )


def test_success_response_widened_is_breaking_and_narrowed_is_not(tmp_path: Path) -> None:
    number, integer = document(calls(returns={"type": "number"})), document(
        calls(returns={"type": "integer"})
    )
    [narrowed] = diff(tmp_path, number, integer)
    assert (narrowed.kind, narrowed.message) == (
        FEATURE,
        "success response type narrowed: `float` → `int`",
    )
    [widened] = diff(tmp_path, integer, number)
    assert (widened.kind, widened.message) == (
        BREAKING,
        "success response type widened: `int` → `float`",
    )


def test_free_form_result_that_became_typed_is_breaking(tmp_path: Path) -> None:
    # narrower, but readers held plain JSON and now get objects
    old = document(calls(returns={}), {"Call": model(id={"type": "string"})})
    [change] = diff(
        tmp_path, old, document(calls(returns=ref("Call")), {"Call": model(id={"type": "string"})})
    )
    assert (change.kind, change.message) == (
        BREAKING,
        "success response type narrowed: `Any` → `Call`",
    )


def test_a_typed_result_where_there_was_none_is_non_breaking(tmp_path: Path) -> None:
    [change] = diff(tmp_path, document(calls()), document(calls(returns={"type": "string"})))
    assert (change.kind, change.message) == (
        FEATURE,
        "success response: now returns `str`, was `None`",
    )


# -- models and fields ------------------------------------------------------------------------------------------------


def _with_body(definitions: Spec) -> Spec:
    """sendCalls takes a Call, so the models are in use."""
    return document({"/calls": {"post": op("sendCalls", body(ref("Call")))}}, definitions)


def test_request_model_field_that_became_required_is_breaking(tmp_path: Path) -> None:
    old = _with_body({"Call": model(id={"type": "string"})})
    new = _with_body({"Call": model(("id",), id={"type": "string"})})
    assert diff(tmp_path, old, new) == [
        Change(BREAKING, "Call.id", "Call property id", "now required (breaks writers)")
    ]


def test_added_fields_optional_is_non_breaking_required_is_breaking(tmp_path: Path) -> None:
    old = _with_body({"Call": model(id={"type": "string"})})
    new = _with_body(
        {
            "Call": model(
                ("to",), id={"type": "string"}, note={"type": "string"}, to={"type": "string"}
            )
        }
    )
    assert [(c.kind, c.subject, c.message) for c in diff(tmp_path, old, new)] == [
        (FEATURE, "Call.note", "new optional field"),
        (BREAKING, "Call.to", "new required field"),
    ]


def test_any_field_type_change_is_breaking_because_models_are_read_and_written(
    tmp_path: Path,
) -> None:
    integer = _with_body({"Call": model(id={"type": "integer"})})
    number = _with_body({"Call": model(id={"type": "number"})})
    [widened] = diff(tmp_path, integer, number)
    assert (widened.kind, widened.message) == (
        BREAKING,
        "type widened: `int` → `float` (breaks readers)",
    )
    [narrowed] = diff(tmp_path, number, integer)
    assert (narrowed.kind, narrowed.message) == (
        BREAKING,
        "type narrowed: `float` → `int` (breaks writers)",
    )


def test_a_field_that_moves_to_a_parent_is_unchanged_for_users(tmp_path: Path) -> None:
    old = _with_body(
        {
            "Base": model(kind={"type": "string"}),
            "Call": {"allOf": [ref("Base"), model(id={"type": "string"})]},
        }
    )
    new = _with_body(
        {
            "Base": model(kind={"type": "string"}, id={"type": "string"}),
            "Call": {"allOf": [ref("Base")]},
        }
    )
    assert diff(tmp_path, old, new) == [
        Change(FEATURE, "Base.id", "Base property id", "new optional field")
    ]


def test_a_parent_field_change_is_reported_once_on_the_parent(tmp_path: Path) -> None:
    def spec(*base: str) -> Spec:
        properties = {name: {"type": "string"} for name in base}
        return _with_body(
            {
                "Base": model(**properties),
                "Call": {"allOf": [ref("Base"), model(id={"type": "string"})]},
            }
        )

    assert diff(tmp_path, spec("kind", "note"), spec("kind")) == [
        Change(BREAKING, "Base.note", "Base property note", "field removed")
    ]


def test_removed_model_is_breaking_when_in_use_only(tmp_path: Path) -> None:
    definitions = {"Call": model(id={"type": "string"}), "Spare": model(id={"type": "string"})}
    found = diff(
        tmp_path, _with_body(definitions), document({"/calls": {"post": op("sendCalls", body({}))}})
    )
    assert [(c.kind, c.subject, c.message) for c in found if c.subject in ("Call", "Spare")] == [
        (BREAKING, "Call", "model removed"),
        (FEATURE, "Spare", "model removed (no operation used it)"),
    ]


def test_added_model_is_non_breaking(tmp_path: Path) -> None:
    found = diff(tmp_path, document(), document(definitions={"Call": model(id={"type": "string"})}))
    assert found == [Change(FEATURE, "Call", "Call", "model added")]
    assert bump(found) == "minor"


# -- enums ------------------------------------------------------------------------------------------------------------


def test_removed_enum_value_is_breaking_and_an_added_one_is_not(tmp_path: Path) -> None:
    old = document(
        calls(returns=ref("State")), {"State": {"type": "string", "enum": ["READY", "DONE"]}}
    )
    new = document(
        calls(returns=ref("State")), {"State": {"type": "string", "enum": ["READY", "FAILED"]}}
    )
    assert diff(tmp_path, old, new) == [
        Change(BREAKING, "State.DONE", 'State "DONE"', "value removed"),
        Change(FEATURE, "State.FAILED", 'State "FAILED"', "value added"),
    ]


def test_removed_enum_is_breaking_when_in_use_only(tmp_path: Path) -> None:
    enums = {"State": {"type": "string", "enum": ["A"]}, "Spare": {"type": "string", "enum": ["B"]}}
    found = diff(tmp_path, document(calls(returns=ref("State")), enums), document(calls()))
    assert [(c.kind, c.subject, c.message) for c in found if c.subject in ("State", "Spare")] == [
        (BREAKING, "State", "enum removed"),
        (FEATURE, "Spare", "enum removed (no operation used it)"),
    ]


# -- the type table ----------------------------------------------------------------------------------------------------

INT, FLOAT, STR = Primitive("int"), Primitive("float"), Primitive("str")


@pytest.mark.parametrize(
    ("old", "new", "verdict"),
    [
        (INT, Primitive("int", "int64"), SAME),  # the format makes no Python difference
        (INT, FLOAT, WIDER),
        (FLOAT, INT, NARROWER),
        (EnumRef("State"), STR, WIDER),
        (STR, EnumRef("State"), NARROWER),
        (EnumRef("Level"), STR, INCOMPATIBLE),  # an int enum is not a string
        (EnumRef("Level"), FLOAT, WIDER),
        (ModelRef("Call"), AnyValue(), WIDER),
        (AnyValue(), ModelRef("Call"), NARROWER),
        (ArrayOf(STR), STR, INCOMPATIBLE),
        (ArrayOf(INT), ArrayOf(FLOAT), WIDER),
        (MapOf(FLOAT), MapOf(INT), NARROWER),
        (STR, UnionOf((STR, NoneValue())), WIDER),
        (UnionOf((INT, NoneValue())), UnionOf((FLOAT, NoneValue())), WIDER),
        (UnionOf((INT, STR)), UnionOf((STR, INT)), SAME),
        (ModelRef("Call"), ModelRef("Text"), INCOMPATIBLE),
        (STR, Primitive("str", "date-time"), INCOMPATIBLE),  # users get a datetime, not a str
        (STR, Primitive("bool"), INCOMPATIBLE),
    ],
)
def test_type_change_table(old: TypeRef, new: TypeRef, verdict: str) -> None:
    assert type_change(old, new, {"State": "str", "Level": "int"}) == verdict


# -- bump and reports ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "level"),
    [
        ((), "none"),
        ((DOCS,), "patch"),
        ((DOCS, FEATURE), "minor"),
        ((FEATURE, BREAKING, DOCS), "major"),
    ],
)
def test_bump(present: tuple[str, ...], level: str) -> None:
    assert bump([Change(kind, "x", "x", "m") for kind in present]) == level


def test_markdown_groups_changes_and_names_the_bump() -> None:
    changes = [
        Change(DOCS, "client.calls.find_calls()", "GET /calls (findCalls)", "summary changed"),
        Change(
            BREAKING,
            "client.calls.find_calls(limit=...)",
            "GET /calls query limit",
            "parameter removed",
        ),
        Change(FEATURE, "Call", "Call", "model added"),
    ]
    assert to_markdown(changes, "old.yaml", "new.yaml") == (
        "# API changes: `old.yaml` → `new.yaml`\n"
        "\n"
        "Version bump for the generated package: **major** (breaking changes)\n"
        "\n"
        "## Breaking (1)\n"
        "\n"
        "- `client.calls.find_calls(limit=...)` (`GET /calls query limit`): parameter removed\n"
        "\n"
        "## Non-breaking (1)\n"
        "\n"
        "- `Call` (`Call`): model added\n"
        "\n"
        "## Documentation (1)\n"
        "\n"
        "- `client.calls.find_calls()` (`GET /calls (findCalls)`): summary changed\n"
    )


def test_markdown_code_spans_survive_backticks_and_line_breaks() -> None:
    text = to_markdown([Change(FEATURE, "Odd", "we`ird\nname", "model added")], "a", "b")
    assert "- `Odd` (`we'ird name`): model added" in text.splitlines()


def test_markdown_without_changes_says_none() -> None:
    assert "**none** (nothing changed)" in to_markdown([], "a", "b")
    assert "##" not in to_markdown([], "a", "b")


def test_diff_apis_is_a_pure_function_of_two_irs(tmp_path: Path) -> None:
    from generator.target import DEFAULT_CLIENT_NAMES
    from generator.diagnostics import Diagnostics
    from generator.model.normalize import normalize

    old = normalize(
        document(calls(query("limit", "integer"))), Diagnostics(), set(DEFAULT_CLIENT_NAMES)
    )
    new = normalize(document(calls()), Diagnostics(), set(DEFAULT_CLIENT_NAMES))
    assert (
        diff_apis(old, new)
        == diff_apis(old, new)
        == [
            Change(
                BREAKING,
                "client.calls.find_calls(limit=...)",
                "GET /calls query limit",
                "parameter removed",
            )
        ]
    )


# -- the command line ----------------------------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two documents that differ by one breaking change (a removed parameter)."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(document(calls(query("limit", "integer")))), encoding="utf-8")
    new.write_text(json.dumps(document(calls())), encoding="utf-8")
    return old, new


def test_cli_prints_the_report_and_exits_0_by_default(cli, pair: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    result = cli("diff", *pair)
    assert result.code == 0
    assert "## Breaking (1)" in result.out
    assert (
        "- `client.calls.find_calls(limit=...)` (`GET /calls query limit`): parameter removed"
        in result.out
    )
    assert "**major**" in result.out


@pytest.mark.parametrize(
    ("fail_on", "forward", "backward"), [("breaking", 1, 0), ("any", 1, 1), ("never", 0, 0)]
)
def test_cli_fail_on(cli, pair: tuple[Path, Path], fail_on: str, forward: int, backward: int) -> None:  # type: ignore[no-untyped-def]
    old, new = pair
    assert (
        cli("diff", old, new, "--fail-on", fail_on).code == forward
    )  # a parameter removed: breaking
    assert (
        cli("diff", new, old, "--fail-on", fail_on).code == backward
    )  # a parameter added: non-breaking
    assert cli("diff", old, old, "--fail-on", fail_on).code == 0  # no change at all


def test_cli_json_format(cli, pair: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    result = cli("diff", *pair, "--format", "json")
    report = json.loads(result.out)
    assert report["bump"] == "major"
    assert report["changes"] == [
        {
            "kind": "breaking",
            "subject": "client.calls.find_calls(limit=...)",
            "wire": "GET /calls query limit",
            "message": "parameter removed",
        }
    ]


def test_cli_applies_overlays_to_each_side(cli, tmp_path: Path, pair: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    old, new = pair
    overlay = tmp_path / "drop-limit.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: \"$.paths['/calls'].get.parameters[?@.name == 'limit']\"\n    remove: true\n",
        encoding="utf-8",
    )
    assert "**major**" in cli("diff", old, new).out
    same = cli("diff", old, new, "--old-overlay", overlay, "--fail-on", "any")
    assert same.code == 0, same.out + same.err
    assert "**none**" in same.out
    assert (
        cli("diff", new, new, "--new-overlay", overlay, "--fail-on", "any").code == 0
    )  # nothing to remove: same API


def test_cli_unreadable_input_exits_1_with_diagnostics(cli, tmp_path: Path, pair: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    result = cli("diff", pair[0], tmp_path / "missing.yaml")
    assert result.code == 1
    assert "file-not-found" in result.err
    assert result.out == ""


def test_cli_usage_errors_exit_2(cli, pair: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    assert cli("diff", pair[0]).code == 2
    assert cli("diff", *pair, "--fail-on", "sometimes").code == 2
    assert cli("diff", *pair, "--format", "html").code == 2


# -- the CallFire seed against the full CallFire v2 document ----------------------------------------------------------------

FULL = SHARED_SPECS / "callfire" / "callfire-v2-full.yaml"
SHARED_OPERATIONS = ("find_calls", "send_calls", "find_call_broadcasts", "create_call_broadcast")


def test_callfire_seed_with_overlay_against_the_full_v2_document() -> None:
    if not FULL.is_file():
        pytest.skip(f"{FULL} is not present")
    result = diff_specs(SEED, [SEED_OVERLAY], FULL, [])
    assert result.changes is not None
    changes = list(result.changes)
    # The overlay brings the four seed operations (and every model they use) up to v2: nothing about them differs.
    assert not [
        c
        for c in changes
        if any(f"client.calls.{name}(" in c.subject for name in SHARED_OPERATIONS)
    ]
    assert not [
        c for c in changes if c.message.startswith(("field", "value", "type", "now", "description"))
    ]
    added = [c for c in changes if c.message == "operation added"]
    assert len(added) == 121 - 4  # v2 declares 121 operations
    assert (
        Change(FEATURE, "client.calls.get_call()", "GET /calls/{id} (getCall)", "operation added")
        in added
    )
    # The one breaking change: the overlay points the client at api.callfire.com, the v2 document at www.callfire.com.
    assert [c for c in changes if c.kind == BREAKING] == [
        Change(
            BREAKING,
            "client",
            "host, basePath, schemes",
            "default base URL changed from `https://api.callfire.com/v2` to `https://www.callfire.com/v2`",
        )
    ]
    assert [c.wire for c in changes if c.kind == DOCS] == ["info.title", "info.description"]
    assert result.bump == "major"
