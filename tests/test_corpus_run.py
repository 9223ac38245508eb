"""The corpus runner over ../shared/specs: every real document passes every stage (slow; CI runs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.mark.corpus
def test_every_corpus_document_passes_every_stage(cli, shared_specs: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "corpus.json"
    result = cli("corpus", shared_specs, "--jobs", "2", "--report", report)
    failed = [row for row in json.loads(report.read_text())["documents"] if row["detail"]]
    assert result.code == 0, "\n".join(f"{row['name']}: {row['detail']}" for row in failed)
    assert len(json.loads(report.read_text())["documents"]) >= 50
