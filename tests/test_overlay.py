"""The overlay engine: targets matching none, one and many nodes; update and remove semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics, InputError
from generator.ingest.document import SpecDict, locate
from generator.ingest.loader import load_text
from generator.ingest.overlay import apply_overlay, load_overlay, waivers

DOC = """\
swagger: "2.0"
info: {title: T, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: limit, in: query}
        - {name: offset, in: query}
        - {name: q, in: query, type: string}
      responses: {"200": {description: OK}}
    post:
      parameters:
        - {name: body, in: body, schema: {$ref: "#/definitions/holder", x: 1}}
      responses: {"200": {description: OK}}
"""


def apply(actions: str, doc_text: str = DOC) -> tuple[SpecDict, Diagnostics]:
    diagnostics = Diagnostics()
    document = load_text(doc_text, "doc.yaml", diagnostics)
    overlay = load_text(
        "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n" + actions,
        "o.yaml",
        diagnostics,
    )
    assert isinstance(document, SpecDict) and isinstance(overlay, SpecDict)
    apply_overlay(document, overlay, diagnostics)
    return document, diagnostics


def params(document: SpecDict, method: str = "get") -> list[dict]:  # type: ignore[type-arg]
    return document["paths"]["/a"][method]["parameters"]  # type: ignore[no-any-return]


def test_target_matching_one_node_merges_the_update() -> None:
    document, diagnostics = apply(
        "- target: \"$.paths['/a'].get.parameters[?@.name == 'limit']\"\n"
        "  update: {type: integer, default: 100}\n"
    )
    assert params(document)[0] == {
        "name": "limit",
        "in": "query",
        "type": "integer",
        "default": 100,
    }
    assert params(document)[1] == {"name": "offset", "in": "query"}
    assert not diagnostics.items


def test_target_matching_many_nodes_updates_each() -> None:
    document, _ = apply(
        "- target: \"$.paths.*.*.parameters[?@.in == 'query']\"\n  update: {required: false}\n"
    )
    assert [p.get("required") for p in params(document)] == [False, False, False]
    assert "required" not in params(document, "post")[0]


def test_target_matching_nothing_is_a_warning_naming_the_action() -> None:
    document, diagnostics = apply("- target: \"$.paths['/missing']\"\n  update: {x: 1}\n")
    [warning] = diagnostics.items
    assert warning.code == "overlay-no-match" and warning.pointer == "/actions/0"
    assert str(warning.position) == "o.yaml:4:3"
    assert "/missing" not in document["paths"]


def test_update_merges_objects_recursively_and_replaces_other_values() -> None:
    document, _ = apply(
        "- target: $\n"
        "  update:\n"
        "    info: {description: added}\n"
        "    paths: {/a: {get: {parameters: [{name: only, in: query, type: string}]}}}\n"
    )
    assert document["info"] == {"title": "T", "version": "1", "description": "added"}
    # an array inside an update replaces the target's array
    assert params(document) == [{"name": "only", "in": "query", "type": "string"}]
    assert document["paths"]["/a"]["get"]["responses"] == {"200": {"description": "OK"}}


def test_update_on_an_array_appends_one_entry() -> None:
    document, _ = apply(
        "- target: \"$.paths['/a'].get.parameters\"\n  update: {name: extra, in: header, type: string}\n"
    )
    assert [p["name"] for p in params(document)] == ["limit", "offset", "q", "extra"]


def test_remove_deletes_each_selected_node() -> None:
    document, _ = apply(
        "- target: \"$.paths['/a'].get.parameters[?@.name != 'offset']\"\n  remove: true\n"
        "- target: \"$.paths['/a'].post.parameters[?@.in == 'body'].schema['$ref']\"\n  remove: true\n"
    )
    assert params(document) == [{"name": "offset", "in": "query"}]
    assert params(document, "post")[0]["schema"] == {"x": 1}


def test_remove_then_update_replaces_a_schema() -> None:
    document, _ = apply(
        "- target: \"$.paths['/a'].post.parameters[0].schema\"\n  remove: true\n"
        "- target: \"$.paths['/a'].post.parameters[0]\"\n  update: {schema: {type: array, items: {type: string}}}\n"
    )
    assert params(document, "post")[0]["schema"] == {"type": "array", "items": {"type": "string"}}


def test_remove_takes_precedence_over_update() -> None:
    document, _ = apply("- target: $.info\n  remove: true\n  update: {title: ignored}\n")
    assert "info" not in document


def test_merged_nodes_keep_the_overlay_position() -> None:
    document, _ = apply("- target: $.info\n  update:\n    description: from the overlay\n")
    assert str(locate(document, ["info", "description"])) == "o.yaml:6:5"
    assert str(locate(document, ["info", "title"])) == "doc.yaml:2:8"


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("- target: '$.paths[?'\n  update: {}\n", "overlay-target"),
        ("- update: {x: 1}\n", "overlay-invalid"),
        ("- target: $.info.title\n  update: {x: 1}\n", "overlay-invalid"),
        ("- target: $.info\n  description: neither\n", "overlay-invalid"),
    ],
    ids=["bad-jsonpath", "no-target", "update-a-string", "no-update-no-remove"],
)
def test_bad_actions_are_reported_with_their_position(action: str, code: str) -> None:
    _, diagnostics = apply(action)
    [diagnostic] = diagnostics.items
    assert diagnostic.code == code
    assert diagnostic.position is not None and diagnostic.position.file == "o.yaml"
    assert diagnostic.position.line == 4


def test_bad_jsonpath_names_the_offset() -> None:
    _, diagnostics = apply("- target: '$.paths[?@.x'\n  update: {}\n")
    assert "offset" in diagnostics.items[0].message


@pytest.mark.parametrize(
    "text",
    [
        "overlay: 2.0.0\ninfo: {title: o, version: '1'}\nactions: []\n",
        "overlay: 1.0.0\nactions: []\n",
        "overlay: 1.0.0\ninfo: {title: o, version: '1'}\n",
        "- a list\n",
    ],
    ids=["wrong-version", "no-info", "no-actions", "not-a-mapping"],
)
def test_a_file_that_is_not_an_overlay_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "o.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_overlay(path, Diagnostics())
    assert info.value.diagnostic.code == "overlay-invalid"


def test_waivers_are_read_and_need_a_reason() -> None:
    diagnostics = Diagnostics()
    overlay = load_text(
        "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions: []\n"
        "x-waive:\n- {code: extra-document, reason: known}\n- {code: http-only}\n",
        "o.yaml",
        diagnostics,
    )
    assert isinstance(overlay, SpecDict)
    found = waivers(overlay, diagnostics)
    assert [(w.code, w.reason) for w in found] == [("extra-document", "known")]
    assert diagnostics.codes() == ["overlay-invalid"]
