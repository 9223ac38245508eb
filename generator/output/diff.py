"""`python -m generator diff`: load two API descriptions, compare them, report the changes.

The comparison itself is compare.py (two intermediate models, change by change, and the rules
it follows); what a change is and the bump it implies are changes.py. This module loads and
normalizes both documents the way `generate` does, and prints the report as Markdown (also the
changelog's entries) or JSON. Every public name of the three modules is importable from here.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from generator.ingest.loader import display_path
from generator.ingest.options import Options
from generator.ingest.pipeline import Ingested, ingest
from generator.model.ir import Api
from generator.model.normalize import normalize
from generator.render.changes import (
    BREAKING,
    DOCS,
    FEATURE,
    INCOMPATIBLE,
    NARROWER,
    SAME,
    WIDER,
    Change,
    bump,
    code_span,
    grouped_lines,
    should_fail,
    type_change,
)
from generator.render.compare import diff_apis, unique_operations
from generator.target import DEFAULT_CLIENT_NAMES

__all__ = [
    "BREAKING",
    "DOCS",
    "FEATURE",
    "INCOMPATIBLE",
    "NARROWER",
    "SAME",
    "WIDER",
    "Change",
    "DiffResult",
    "bump",
    "diff_apis",
    "diff_specs",
    "grouped_lines",
    "label",
    "should_fail",
    "to_json",
    "to_markdown",
    "type_change",
    "unique_operations",
]


@dataclass(frozen=True)
class DiffResult:
    old: Ingested
    new: Ingested
    changes: (
        tuple[Change, ...] | None
    )  # None when either input cannot be used (see the diagnostics)

    @property
    def ok(self) -> bool:
        return self.changes is not None

    @property
    def bump(self) -> str:
        return bump(self.changes or ())


# -- entry points --------------------------------------------------------------------------------------


def diff_specs(
    old_path: Path,
    old_overlays: Sequence[Path],
    new_path: Path,
    new_overlays: Sequence[Path],
    options: Options = Options(),
) -> DiffResult:
    """Load, correct and normalize both documents the way `generate` does, then compare them."""
    old, new = ingest(old_path, list(old_overlays), options), ingest(
        new_path, list(new_overlays), options
    )
    old_api, new_api = _normalized(old), _normalized(new)
    if old_api is None or new_api is None:
        return DiffResult(old, new, None)
    return DiffResult(old, new, tuple(diff_apis(old_api, new_api)))


def _normalized(ingested: Ingested) -> Api | None:
    if ingested.document is None:
        return None
    api = normalize(ingested.document, ingested.diagnostics, set(DEFAULT_CLIENT_NAMES))
    return None if ingested.diagnostics.has_errors else api


def label(path: Path, overlays: Sequence[Path]) -> str:
    return " + ".join(display_path(p) for p in (path, *overlays))


# -- reports -------------------------------------------------------------------------------------------------

_BUMP_REASONS = {
    "major": "breaking changes",
    "minor": "additions, no breaking change",
    "patch": "documentation only",
    "none": "nothing changed",
}


def to_markdown(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    """The report: the implied bump, then Breaking, Non-breaking and Documentation changes."""
    level = bump(changes)
    lines = [
        f"# API changes: {code_span(old_label)} → {code_span(new_label)}",
        "",
        f"Version bump for the generated package: **{level}** ({_BUMP_REASONS[level]})",
    ]
    return "\n".join(lines + grouped_lines(changes, "##")) + "\n"


def to_json(changes: Sequence[Change], old_label: str = "", new_label: str = "") -> str:
    report = {
        "old": old_label,
        "new": new_label,
        "bump": bump(changes),
        "changes": [dataclasses.asdict(c) for c in changes],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
