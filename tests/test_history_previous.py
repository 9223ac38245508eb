"""The previous API read back from an output's openapi.json is the one the full ingest would give,
and the one the generation that wrote it normalized (which is why that API can be kept, see
generator/state/apisnapshot.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.ingest.document import to_plain
from generator.output.history import previous_document
from generator.model.ir import Api
from generator.model.normalize import normalize
from generator.ingest.pipeline import ingest
from tests import hostile
from tests.conftest import SEED, SEED_OVERLAY, corpus_documents, corpus_id

RESERVED = {"Client", "AsyncClient"}


def _written(tmp_path: Path, spec: Path, overlays: list[Path]) -> tuple[Path, Api] | None:
    """openapi.json as render writes it from spec, and the API the generation normalized."""
    ingested = ingest(spec, overlays)
    if ingested.document is None:
        return None
    out = tmp_path / "openapi.json"
    out.write_text(
        json.dumps(to_plain(ingested.document), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return out, normalize(ingested.document, Diagnostics(), set(RESERVED))


def assert_same_previous_api(written: tuple[Path, Api] | None) -> None:
    assert written is not None
    out, generated = written
    full = ingest(out)
    assert full.document is not None
    quick = previous_document(out)
    assert quick is not None
    previous = normalize(quick, Diagnostics(), set(RESERVED))
    assert previous == normalize(full.document, Diagnostics(), set(RESERVED))
    assert previous == generated


def test_callfire_and_the_hostile_document(tmp_path: Path) -> None:
    for spec, overlays in ((SEED, [SEED_OVERLAY]), (hostile.write_document(tmp_path), [])):
        assert_same_previous_api(_written(tmp_path, spec, overlays))


@pytest.mark.parametrize("spec", corpus_documents(), ids=corpus_id)
def test_corpus_documents(tmp_path: Path, spec: Path) -> None:
    written = _written(tmp_path, spec, [])
    if written is None:
        pytest.skip("the document itself is not usable")
    assert_same_previous_api(written)


def test_an_unreadable_previous_document_is_none(tmp_path: Path) -> None:
    (tmp_path / "openapi.json").write_text("{not json", encoding="utf-8")
    assert previous_document(tmp_path / "openapi.json") is None
    assert previous_document(tmp_path / "missing.json") is None
