"""Every real document in ../shared/specs loads and validates without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Severity
from generator.pipeline import ingest
from tests.conftest import corpus_documents, corpus_id

DOCUMENTS = corpus_documents()


@pytest.mark.corpus
@pytest.mark.skipif(not DOCUMENTS, reason="the third-party corpus ../shared/specs is not present")
@pytest.mark.parametrize("spec", DOCUMENTS, ids=[corpus_id(p) for p in DOCUMENTS])
def test_corpus_document_ingests(spec: Path) -> None:
    result = ingest(spec)
    errors = [d.render() for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert result.document is not None
    for diagnostic in result.diagnostics:
        assert diagnostic.position is not None and diagnostic.position.line > 0, diagnostic.render()
