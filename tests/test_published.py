"""openapi.json: the document the client was made from, as JSON any tool reads back to the same
values, indented by two; and the hash the manifest keeps of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.generate import generate
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest
from generator.render.project import effective_sha256, openapi_json
from generator.target import Target
from tests.conftest import SEED, SEED_OVERLAY

# Values a faster JSON writer refuses (orjson: an integer past 64 bits) or prints otherwise than
# json (small floats): openapi.json must read back with each of them as it is.
AWKWARD = """\
swagger: "2.0"
info: {title: Awkward, version: "1"}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: step, in: query, type: number, multipleOf: 0.00001, minimum: 1.5e-07}
        - {name: big, in: query, type: integer, default: %s}
      responses:
        "200": {description: ok, schema: {type: string, example: "é \\u2028 \\" \\\\ \\t"}}
"""


def _generated(tmp_path: Path, text: str) -> tuple[object, str]:
    spec = tmp_path / "api.yaml"
    spec.write_text(text, encoding="utf-8")
    generation, _ = generate(Target(spec=spec, output=tmp_path / "out", package="awkward"))
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    document = ingest(spec, [], Options()).document
    return document, (tmp_path / "out" / "openapi.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("big", ["12", str(2**64 + 1)], ids=["small", "past-64-bits"])
def test_openapi_json_reads_back_as_the_effective_document(tmp_path: Path, big: str) -> None:
    document, text = _generated(tmp_path, AWKWARD % big)
    assert json.loads(text) == document
    assert f'"default": {big}' in text  # an integer is written exactly, however large
    assert text.endswith("}\n")


def test_openapi_json_is_indented_by_two_one_entry_a_line(tmp_path: Path) -> None:
    document, text = _generated(tmp_path, AWKWARD % "12")
    lines = text.split("\n")[:-1]  # not splitlines(): it also splits at U+2028
    assert lines[0] == "{" and lines[1] == '  "swagger": "2.0",'
    assert '    "title": "Awkward",' in lines
    assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in lines)


def test_the_seeds_openapi_json_is_the_effective_seed_document() -> None:
    document = ingest(SEED, [SEED_OVERLAY], Options()).document
    assert json.loads(openapi_json(document)) == document


def test_the_hash_ignores_key_order_and_sees_every_value() -> None:
    first = {"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}}
    reordered = {"paths": {}, "info": {"version": "1", "title": "T"}, "swagger": "2.0"}
    changed = {"swagger": "2.0", "info": {"title": "T", "version": "2"}, "paths": {}}
    assert effective_sha256(first) == effective_sha256(reordered)
    assert effective_sha256(first) != effective_sha256(changed)
    assert effective_sha256({"n": 2**64 + 1}) != effective_sha256({"n": 2**64 + 2})
