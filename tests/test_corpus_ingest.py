"""Every real document in ../shared/specs loads, validates and normalizes without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics, Severity
from generator.model.normalize import normalize
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest
from tests.conftest import SHARED_SPECS, corpus_documents, corpus_id

DOCUMENTS = corpus_documents()
CORPUS_OPTIONS = Options(
    ref_roots=(SHARED_SPECS,)
)  # as the corpus runner: $refs read in the corpus


@pytest.mark.corpus
@pytest.mark.skipif(not DOCUMENTS, reason="the third-party corpus ../shared/specs is not present")
@pytest.mark.parametrize("spec", DOCUMENTS, ids=[corpus_id(p) for p in DOCUMENTS])
def test_corpus_document_ingests(spec: Path) -> None:
    result = ingest(spec, options=CORPUS_OPTIONS)
    errors = [d.render() for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert result.document is not None
    for diagnostic in result.diagnostics:
        assert diagnostic.position is not None and diagnostic.position.line > 0, diagnostic.render()


@pytest.mark.corpus
@pytest.mark.skipif(not DOCUMENTS, reason="the third-party corpus ../shared/specs is not present")
@pytest.mark.parametrize("spec", DOCUMENTS, ids=[corpus_id(p) for p in DOCUMENTS])
def test_corpus_document_normalizes(spec: Path) -> None:
    result = ingest(spec, options=CORPUS_OPTIONS)
    assert result.document is not None
    diagnostics = Diagnostics()
    api = normalize(result.document, diagnostics)
    assert not diagnostics.has_errors
    operations = [op for resource in api.resources for op in resource.operations]
    paths = result.document.get("paths") or {}
    declared = sum(
        1
        for item in paths.values()
        for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch")
    )
    assert len(operations) == declared
    assert len({(op.method, op.path) for op in operations}) == declared
