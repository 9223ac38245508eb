"""The previous API read back from an output's openapi.json (for the changelog) is the one the
generation that wrote it normalized: a regeneration of an unchanged API reports no change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.ingest.document import to_plain
from generator.model.naming import Names
from generator.render.release import Previous, previous_api
from generator.target import Target, names_for
from generator.model.ir import Api
from generator.model.normalize import normalize
from generator.ingest.pipeline import ingest
from tests import hostile
from tests.conftest import SEED, SEED_OVERLAY, corpus_documents, corpus_id


def _written(tmp_path: Path, spec: Path, overlays: list[Path]) -> tuple[Path, Api, Names] | None:
    """openapi.json as render writes it from spec, the API the generation normalized, its names."""
    ingested = ingest(spec, overlays)
    if ingested.document is None:
        return None
    out = tmp_path / "openapi.json"
    out.write_text(
        json.dumps(to_plain(ingested.document), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    title = str((ingested.document.get("info") or {}).get("title") or "")
    names = names_for(Target(spec=spec, output=tmp_path), title)
    return out, normalize(ingested.document, Diagnostics(), names), names


def _previous(out: Path) -> Previous:
    return Previous("1.0.0", "", "", out.read_bytes() if out.exists() else None, str(out))


def assert_same_previous_api(written: tuple[Path, Api, Names] | None) -> None:
    assert written is not None
    out, generated, names = written
    assert previous_api(_previous(out), names) == generated


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
    names = names_for(Target(spec=tmp_path / "x", output=tmp_path), "T")
    assert previous_api(_previous(tmp_path / "openapi.json"), names) is None
    assert previous_api(_previous(tmp_path / "missing.json"), names) is None
