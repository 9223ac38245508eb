"""The fast schema check reports exactly what openapi-spec-validator reports on the whole document,
and never changes the document."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator.schemas import openapi_v2_schema_validator

from generator.diagnostics import Diagnostics
from generator.ingest.loader import load_file
from generator.ingest import schemacheck
from generator.ingest.schemacheck import schema_errors
from generator.state.cache import Memo
from tests import hostile
from tests.conftest import corpus_documents, corpus_id
from tests.test_random_documents import document


def _found(errors: list[Any]) -> list[tuple[list[str], str, str]]:
    return sorted(([str(p) for p in e.absolute_path], e.validator, e.message) for e in errors)


def assert_same_as_openapi_spec_validator(doc: Any, memo: Memo | None = None) -> None:
    before = json.dumps(doc, sort_keys=True, default=str)
    fast = schema_errors(doc, memo) if memo is not None else schema_errors(doc)
    assert json.dumps(doc, sort_keys=True, default=str) == before, "the check changed the document"
    assert _found(fast) == _found(list(openapi_v2_schema_validator.iter_errors(doc)))


BROKEN = {
    "a parameter without in": {
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"name": "x", "type": "string"}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    },
    "an operation without responses": {"paths": {"/a": {"get": {}}}},
    "a definition of the wrong type": {"definitions": {"A": {"type": "nope"}}, "paths": {}},
    "a path item that is a string": {"paths": {"/a": "x"}},
    "a definition that is a list": {"definitions": {"A": []}, "paths": {}},
    "a key that is no path": {"paths": {"a": {}}},
    "duplicate parameters": {
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"$ref": "#/parameters/p"}] * 2,
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "parameters": {"p": {"name": "p", "in": "query", "type": "string"}},
    },
    "defaults the schema could fill in": {
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "type": "string"}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    },
}


@pytest.mark.parametrize("part", BROKEN.values(), ids=BROKEN.keys())
def test_broken_parts_give_the_same_errors(part: dict[str, Any]) -> None:
    assert_same_as_openapi_spec_validator(
        {"swagger": "2.0", "info": {"title": "t", "version": "1"}, **part}
    )


def test_the_hostile_document_gives_the_same_errors(tmp_path: Path) -> None:
    assert_same_as_openapi_spec_validator(
        load_file(hostile.write_document(tmp_path), Diagnostics())
    )


@pytest.mark.parametrize("path", corpus_documents(), ids=corpus_id)
def test_corpus_documents_give_the_same_errors(path: Path) -> None:
    assert_same_as_openapi_spec_validator(load_file(path, Diagnostics()))


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(document())
def test_random_documents_give_the_same_errors(doc: dict[str, Any]) -> None:
    assert_same_as_openapi_spec_validator(copy.deepcopy(doc))


def test_the_slow_validator_loads_only_for_errors(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from generator.ingest.schemacheck import schema_errors\n"
        "good = {'swagger': '2.0', 'info': {'title': 't', 'version': '1'}, 'paths': {}}\n"
        "assert schema_errors(good) == []\n"
        "print('openapi_spec_validator' in sys.modules)\n"
        "bad = {'swagger': '2.0', 'info': {'title': 't', 'version': '1'}, 'paths': {'/a': {'get': {}}}}\n"
        "print(len(schema_errors(bad)))\n"
    )
    env = {**os.environ, "GENERATOR_CACHE": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["False", "1"]


def test_the_fast_check_module_is_made_from_the_schema_in_use() -> None:
    """The committed fast check (never code from the cache folder) is fastjsonschema's code for the
    very schema openapi-spec-validator checks with; after a schema change, regenerate it with
    `python -m generator.ingest.schemacheck`."""
    header = schemacheck.FAST_MODULE.read_text(encoding="utf-8").split("\n", 1)[0]
    assert schemacheck.schema_digest() in header
    assert schemacheck.FAST_MODULE.read_text(encoding="utf-8") == schemacheck.fast_module_source()


GOOD_ITEM = {"get": {"responses": {"200": {"description": "ok"}}}}


def _document(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {f"/p{number}": item for number, item in enumerate(items)},
    }


def _fast_checks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    checked: list[object] = []
    real = schemacheck._passes

    def counting(check: Any, instance: object) -> bool:
        checked.append(instance)
        return real(check, instance)

    monkeypatch.setattr(schemacheck, "_passes", counting)
    return checked


def test_parts_found_valid_before_are_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    checked = _fast_checks(monkeypatch)
    assert schema_errors(_document(GOOD_ITEM, {"put": GOOD_ITEM["get"]}), Memo()) == []
    assert len(checked) == 3  # two path items and the rest of the document
    checked.clear()
    broken = {"get": {}}  # a changed part is checked again, and its errors are the full check's
    assert_same_as_openapi_spec_validator(_document(GOOD_ITEM, broken), Memo())
    assert checked == [broken]


def test_a_valid_part_never_hides_an_invalid_one_of_another_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same JSON text may be valid as one part and not as another: verdicts are per definition."""
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    as_schema = {"type": "object"}  # a valid schema, not a valid path item
    assert schema_errors({**_document(), "definitions": {"A": as_schema}}, Memo()) == []
    assert_same_as_openapi_spec_validator(_document(as_schema), Memo())
    assert schema_errors(_document(as_schema), Memo())


def test_the_kept_verdicts_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(schemacheck._Verdicts, "KEPT", 5)
    for run in range(3):
        items = [{"get": {**GOOD_ITEM["get"], "summary": f"{run}-{n}"}} for n in range(4)]
        assert schema_errors(_document(*items), Memo()) == []
    (kept,) = (tmp_path / "cache" / "schemacheck").glob("*/*")
    assert len(kept.read_bytes()) == 32 + 5 * 32  # the entry's signature, then the hashes
