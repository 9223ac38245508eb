"""The corpus runner over ../shared/specs: every real document passes every stage (slow; CI runs it).

One test per document, each through the runner's own `run_document` (generate, compile, style,
import, mypy --strict, the generated unit tests), so that pytest-xdist spreads the documents over
the workers. The command itself (`corpus DIR --jobs N --report FILE`: its table, report and exit
code) is tested on a small folder in tests/test_corpus_runner.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import corpus
from tests.conftest import SHARED_SPECS, corpus_id

DOCUMENTS = corpus.documents(SHARED_SPECS) if SHARED_SPECS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.parametrize("spec", DOCUMENTS, ids=corpus_id)
def test_corpus_document_passes_every_stage(
    spec: Path, shared_specs: Path, shared_mypy_cache: None
) -> None:
    row = corpus.run_document(spec, shared_specs)
    assert row.ok, f"{row.name}: {row.stages}: {row.detail}"
    assert list(row.stages) == list(corpus.STAGES)


@pytest.mark.corpus
def test_the_corpus_holds_at_least_50_documents(shared_specs: Path) -> None:
    assert len(corpus.documents(shared_specs)) >= 50
