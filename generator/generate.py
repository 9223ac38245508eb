"""The whole run for one target: ingest → normalize → render → format, then write or compare."""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, Diagnostics, Severity, SourcePosition
from .document import to_plain
from .formatting import FormattingError, format_files
from .loader import display_path
from .normalize import normalize
from .pipeline import Options, ingest
from .render import render
from .target import Target, names_for, target_problems
from .write import Comparison, Refused, compare, write_tree


@dataclass
class Generation:
    diagnostics: Diagnostics
    files: dict[str, str] | None  # None when generation failed
    waived: int = 0


def build(target: Target, options: Options = Options()) -> Generation:
    """Every file of target's client, or the diagnostics that say why there are none."""
    if target_problems(target):
        return Generation(Diagnostics([Diagnostic(Severity.ERROR, "target-invalid", "", problem)
                                       for problem in target_problems(target)]), None)
    ingested = ingest(target.spec, list(target.overlays), options)
    diagnostics = ingested.diagnostics
    if ingested.document is None:
        return Generation(diagnostics, None, len(ingested.waived))
    title = str((ingested.document.get("info") or {}).get("title") or "")
    names = names_for(target, title)
    found = Diagnostics()
    api = normalize(ingested.document, found, set(names.reserved_classes))
    diagnostics.extend(found.strict() if options.strict else found)
    if diagnostics.has_errors:
        return Generation(diagnostics, None, len(ingested.waived))
    rendered = render(api, names, to_plain(ingested.document), display_path(target.spec), target.spec.read_bytes())
    try:
        files = format_files(rendered.files)
    except FormattingError as exc:
        diagnostics.add(Diagnostic(Severity.ERROR, "internal-error", "", str(exc), "please report this generator bug"))
        return Generation(diagnostics, None, len(ingested.waived))
    return Generation(diagnostics, files, len(ingested.waived))


def generate(target: Target, options: Options = Options()) -> tuple[Generation, Comparison | None]:
    generation = build(target, options)
    if generation.files is None:
        return generation, None
    try:
        return generation, write_tree(target.output, generation.files)
    except Refused as exc:
        problem = Diagnostic(Severity.ERROR, "output-refused", "", str(exc), "nothing was written",
                             SourcePosition(str(target.output)))
    except OSError as exc:
        problem = Diagnostic(Severity.ERROR, "write-failed", "", f"cannot write the output: {exc.strerror or exc}",
                             "nothing was changed: the previous output is as it was",
                             SourcePosition(str(exc.filename or target.output)))
    generation.diagnostics.add(problem)
    return Generation(generation.diagnostics, None, generation.waived), None


def check(target: Target, options: Options = Options()) -> tuple[Generation, Comparison | None]:
    generation = build(target, options)
    if generation.files is None:
        return generation, None
    return generation, compare(target.output, generation.files)
