"""The corpus runner: one row per document, every stage, never stopping at the first failure."""

from __future__ import annotations

import json
from pathlib import Path

GOOD = """\
swagger: "2.0"
info: {title: Good, version: "1"}
host: good.example
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, type: integer}]
      responses: {"200": {description: ok, schema: {$ref: "#/definitions/Item"}}}
definitions:
  Item: {type: object, properties: {id: {type: integer}}}
"""


def test_runner_reports_each_document_and_fails_when_one_fails(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD)
    (folder / "broken.yaml").write_text(
        "swagger: '2.0'\ninfo: {title: B, version: '1'}\npaths: [\n"
    )
    (folder / "notes.txt").write_text("not a document")
    report = tmp_path / "report.json"
    result = cli("corpus", folder, "--jobs", "2", "--report", report)
    assert result.code == 1
    rows = {row["name"]: row for row in json.loads(report.read_text())["documents"]}
    assert set(rows) == {"good.yaml", "broken.yaml"}
    assert rows["good.yaml"]["stages"] == dict.fromkeys(
        ["generate", "compile", "style", "import", "mypy", "tests"], "pass"
    )
    assert rows["good.yaml"]["operations"] == 1 and rows["good.yaml"]["models"] == 1
    assert (
        rows["broken.yaml"]["stages"]["generate"] == "FAIL"
        and rows["broken.yaml"]["stages"]["tests"] == "-"
    )
    assert "yaml-syntax" in rows["broken.yaml"]["detail"]
    assert "corpus: 1 of 2 documents passed every stage (1 failed)" in result.out
