"""The pipeline as one pure function: ingest → normalize → render → format.

`build` reads the target's document (and the files it names), and returns every file of the
client project, or the diagnostics that say why there are none. Everything else it needs comes
in as data: the previous generation (for the version and the changelog) and a memo that only
saves work. It writes nothing, keeps no state, and starts no process: generator.generate runs it
between reading the output folder and writing it, and generator.state remembers what it can.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from types import TracebackType

import jinja2

from generator.diagnostics import Diagnostic, Diagnostics, Severity, SourcePosition
from generator.generation import Generation, Progress
from generator.formatting.formatter import FormattingError, format_files
from generator.ingest.document import SpecDict, locate, split_pointer
from generator.ingest.loader import display_path, recording_reads
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest
from generator.model import irdata
from generator.model.normalize import normalize
from generator.render import project
from generator.render.release import Previous, release
from generator.render.project import Parts, effective_sha256, openapi_json, published, skipped_note
from generator.target import Target, env_prefix_notes, names_for, target_problems


def build(
    target: Target,
    options: Options = Options(),
    previous: Previous | None = None,
    progress: Progress | None = None,
) -> Generation:
    """Every file of target's client, or the diagnostics that say why there are none."""
    with recording_reads() as inputs:
        generation = _build(target, options, previous, progress)
    generation.inputs = dict(inputs)
    return generation


def _build(
    target: Target, options: Options, previous: Previous | None, progress: Progress | None
) -> Generation:
    problems = target_problems(target)
    if problems:
        found = [Diagnostic(Severity.ERROR, "target-invalid", "", p) for p in problems]
        return Generation(Diagnostics(found), None)
    clock = _Clock()
    ingested = ingest(target.spec, list(target.overlays), options.with_ref_roots(target.ref_roots))
    generation = Generation(ingested.diagnostics, None, len(ingested.waived), clock.lap("ingest"))
    if ingested.document is None:
        return generation
    try:
        _from_document(target, options, previous, progress, ingested.document, generation, clock)
    except jinja2.TemplateError as exc:
        generation.diagnostics.add(_template_problem(exc))
    except FormattingError as exc:
        hint = "please report this generator bug (or fix your custom template)"
        generation.diagnostics.add(Diagnostic(Severity.ERROR, "internal-error", "", str(exc), hint))
    return generation


def _from_document(
    target: Target,
    options: Options,
    previous: Previous | None,
    progress: Progress | None,
    document: SpecDict,
    generation: Generation,
    clock: _Clock,
) -> None:
    names = names_for(target, str((document.get("info") or {}).get("title") or ""))
    generation.diagnostics.extend(env_prefix_notes(target))
    found = Diagnostics()
    api = normalize(document, found, names)
    generation.api = api
    generation.diagnostics.extend(found.strict() if options.strict else found)
    clock.lap("normalize")
    if generation.diagnostics.has_errors:
        return
    openapi = _published(published(document, api.invalid_examples))
    indexed = irdata.index(api)  # the digest of each part: what the memo keys are made of
    scope, memo = str(api.names.package), options.memo
    kept = irdata.kept(memo, scope)
    released = release(
        target.version, api, names, openapi[_SHA256], previous, options, indexed, kept
    )
    parts = Parts(api, names, display_path(target.spec), target.templates, indexed)
    if _too_large(parts.prose_size(), "would hold", target, generation):
        return
    laid_out = not target.templates

    def test_suite() -> dict[str, str]:
        """The tests, made while this process makes the package, and under NOTES the notes of
        the tests skipped; and the API kept for the next run (the changelog's comparison)."""
        irdata.keep(memo, scope, openapi[_SHA256], indexed, kept)
        tests = scope + "/tests"
        files = format_files(parts.tests(memo, tests), None, laid_out, memo, tests)
        return {**files, NOTES: json.dumps([[n.pointer, n.message] for n in parts.notes])}

    suite = options.aside.start(test_suite)  # two cores: made while the package is
    try:
        made = {**parts.package(), **parts.versioned(released.version)}
        clock.lap("render")
        files = format_files(made, progress, laid_out, memo, scope)
    finally:
        tests = suite()
    notes = json.loads(tests.pop(NOTES))
    files.update(tests)
    generation.diagnostics.extend(
        replace(note, position=locate(document, tuple(split_pointer(note.pointer))))
        for note in (skipped_note(where, message) for where, message in notes)
    )
    files["openapi.json"] = openapi["openapi.json"]
    spec_bytes = target.spec.read_bytes()
    digest = openapi[_SHA256]
    files.update(parts.closing(released.changelog, spec_bytes, digest, released.version, [*files]))
    if _too_large(sum(len(text) for text in files.values()), "holds", target, generation):
        return
    generation.files = files
    clock.lap("format")


NOTES, _SHA256 = "notes", "sha256"  # not a file's name: those have a suffix or a folder


def _published(document: object) -> dict[str, str]:
    """openapi.json, and the hash of the document in it (the manifest's)."""
    return {"openapi.json": openapi_json(document), _SHA256: effective_sha256(document)}


def _too_large(size: int, holds: str, target: Target, generation: Generation) -> bool:
    """Whether the project is (or would be) past project.OUTPUT_LIMIT; an error says so."""
    if size <= project.OUTPUT_LIMIT:
        return False
    message = (
        f"the client {holds} {size:,} characters, more than the limit of "
        f"{project.OUTPUT_LIMIT:,}; nothing is written"
    )
    hint = "shorten the longest descriptions, above all those of parameters many operations share"
    where = SourcePosition(display_path(target.spec))
    found = Diagnostic(Severity.ERROR, "output-too-large", "", message, hint, where)
    generation.diagnostics.add(found)
    return True


def _template_problem(exc: jinja2.TemplateError) -> Diagnostic:
    """A template that does not compile or render: with its file and line when Jinja knows them."""
    frames = [(tb.tb_frame.f_code.co_filename, tb.tb_lineno) for tb in _frames(exc.__traceback__)]
    in_templates = [f for f in frames if f[0].endswith(".jinja")]  # Jinja maps frames to lines
    file, line = (
        in_templates[-1]
        if in_templates
        else (getattr(exc, "filename", None) or "<template>", getattr(exc, "lineno", 0) or 0)
    )
    return Diagnostic(
        Severity.ERROR,
        "template-error",
        "",
        f"{type(exc).__name__}: {exc.message or exc}",
        "fix the template (a custom template must offer what the built-in one does)",
        SourcePosition(file, line),
    )


def _frames(tb: TracebackType | None) -> list[TracebackType]:
    found = []
    while tb is not None:
        found.append(tb)
        tb = tb.tb_next
    return found


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, stage: str) -> dict[str, float]:
        """Time the stage just done."""
        now = time.perf_counter()
        self.timings[stage] = now - self.last
        self.last = now
        return self.timings
