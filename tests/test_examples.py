"""Synthesized test data is valid for its schema: types, formats, enums, limits, nesting, examples."""

from __future__ import annotations

from generator.model import ir
from generator.render.examples import Synthesizer
from generator.model.normalize import normalize
from generator.diagnostics import Diagnostics
from generator.ingest.pipeline import ingest

SPEC = """\
swagger: "2.0"
info: {title: T, version: "1"}
paths: {}
definitions:
  Color: {type: string, enum: [red, green]}
  Thing:
    type: object
    required: [count]
    properties:
      count: {type: integer, minimum: 10, maximum: 20}
      ratio: {type: number, maximum: 0.5}
      code: {type: string, minLength: 8}
      short: {type: string, maxLength: 3}
      when: {type: string, format: date-time}
      uid: {type: string, format: uuid}
      color: {$ref: "#/definitions/Color"}
      tags: {type: array, items: {type: string}}
      counts: {type: object, additionalProperties: {type: integer}}
      named: {type: string, example: "Ada"}
      secret: {type: string, readOnly: true}
      child: {$ref: "#/definitions/Thing"}
"""


def test_synthesized_data_respects_the_schema(write) -> None:  # type: ignore[no-untyped-def]
    result = ingest(write("t.yaml", SPEC))
    assert result.document is not None
    api = normalize(result.document, Diagnostics())
    data = Synthesizer(api).value(ir.ModelRef("Thing"))
    assert isinstance(data, dict)
    assert data["count"] == 10 and data["ratio"] == 0.5
    assert len(data["code"]) >= 8 and len(data["short"]) <= 3
    assert (
        data["when"] == "2024-01-02T03:04:05Z"
        and data["uid"] == "123e4567-e89b-12d3-a456-426614174000"
    )
    assert (
        data["color"] == "red"
        and data["tags"] == ["string", "other"]
        and data["counts"] == {"key": 1}
    )
    assert data["named"] == "Ada" and data["secret"] == "string"
    assert (
        isinstance(data["child"], dict) and data["child"]["count"] == 10
    )  # recursion ends, required fields stay
    assert "secret" not in Synthesizer(api, sending=True).value(ir.ModelRef("Thing"))  # type: ignore[operator]
    assert Synthesizer(api).value(ir.ModelRef("Thing")) == data  # deterministic
