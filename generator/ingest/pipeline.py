"""The ingestion pipeline: load → bundle `$ref`s → overlay → validate, as one call.

`ingest` never raises for a problem in the input: a stage that cannot go on
raises InputError, which is caught here and becomes the run's last diagnostic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, Diagnostics, InputError, Severity
from generator.ingest.document import SpecDict
from generator.ingest.loader import display_path, load_file, load_text
from generator.ingest.options import Options
from generator.ingest.overlay import Waiver, apply_overlay, load_overlay, waivers
from generator.ingest.refs import bundle_refs
from generator.ingest.validate import check_counts, check_version, validate


@dataclass
class Ingested:
    """The corrected, repaired document (None when unusable) and what was found on the way."""

    document: SpecDict | None
    diagnostics: Diagnostics
    waived: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.diagnostics.has_errors


def ingest(
    spec: Path, overlays: list[Path] = [], options: Options = Options()
) -> Ingested:  # noqa: B006
    """The document at spec, corrected by the overlays."""
    load = lambda found: load_file(spec, found, options.limits)  # noqa: E731
    return _ingested(load, display_path(spec), overlays, options)


def ingest_text(text: str, display: str, options: Options = Options()) -> Ingested:
    """A document already read (display names it in diagnostics, and its folder is where its
    file references may lead), through the same stages."""
    load = lambda found: load_text(text, display, found, options.limits)  # noqa: E731
    return _ingested(load, display, [], options)


def _ingested(
    load: Callable[[Diagnostics], object], display: str, overlays: list[Path], options: Options
) -> Ingested:
    diagnostics = Diagnostics()
    acknowledged: list[Waiver] = []
    document: SpecDict | None = None
    try:
        document = _load_and_correct(load, display, overlays, options, diagnostics, acknowledged)
    except InputError as exc:
        diagnostics.add(exc.diagnostic)
        document = None
    kept, waived = _apply_waivers(diagnostics, acknowledged)
    if options.strict:
        kept = kept.strict()
    if kept.has_errors:
        document = None
    return Ingested(document, kept, waived)


def _load_and_correct(
    load: Callable[[Diagnostics], object],
    display: str,
    overlays: list[Path],
    options: Options,
    diagnostics: Diagnostics,
    acknowledged: list[Waiver],
) -> SpecDict:
    document = check_version(load(diagnostics), display)
    remote, roots = options.allow_remote_refs, options.ref_roots
    bundle_refs(document, diagnostics, options.limits, remote, ref_roots=roots)
    overlay_sources = []
    for overlay_path in overlays:
        overlay = load_overlay(overlay_path, diagnostics, options.limits)
        apply_overlay(document, overlay, diagnostics, options.limits)
        acknowledged.extend(waivers(overlay, diagnostics))
        overlay_sources.append(overlay.source)
    if overlays:  # an overlay may bring file references of its own, relative to its file
        overlay_files = frozenset(overlay_sources)
        bundle_refs(document, diagnostics, options.limits, remote, overlay_files, roots)
    check_counts(document, options.limits)
    validate(document, diagnostics, memo=options.memo)
    return document


def _apply_waivers(
    diagnostics: Diagnostics, acknowledged: list[Waiver]
) -> tuple[Diagnostics, list[Diagnostic]]:
    """Drop the warnings the maintainers acknowledged; errors cannot be waived."""
    kept, waived = Diagnostics(), []
    for diagnostic in diagnostics:
        if diagnostic.severity is not Severity.ERROR and any(
            w.covers(diagnostic) for w in acknowledged
        ):
            waived.append(diagnostic)
        else:
            kept.add(diagnostic)
    return kept, waived
