"""The whole run for one target: ingest → normalize → render → format, then write or compare."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Callable, Collection

import jinja2

from generator.diagnostics import Diagnostic, Diagnostics, Severity, SourcePosition
from generator.formatting.formatter import FormattingError, format_files
from generator.ingest.loader import display_path, recording_reads
from generator.model.normalize import normalize
from generator.ingest.pipeline import Options, ingest
from generator.state.apisnapshot import keep
from generator.state import aside
from generator.state.aside import Aside
from generator.output.history import Release, previous_generation, release
from generator.ingest.document import SpecDict
from generator.model.ir import Api
from generator.render.project import Parts, effective_sha256, openapi_json
from generator.target import Names, Target, env_prefix_notes, names_for, target_problems
from generator.state.uptodate import made_alike, recall, remember, reusable, sha256_text
from generator.output.write import Comparison, Refused, compare, write_tree

# Told (stage, done, total) as files are formatted, the slow part for a large document.
Progress = Callable[[str, int, int], None]

# A generation makes millions of objects that live to its end (the document, the API), and
# Python's cyclic garbage collector walks them again at each full collection: 0.5 s of a
# Kubernetes regeneration. A command-line run (cli.command) therefore freezes what each stage
# leaves (gc.freeze): later collections skip it, and reference counting still frees it. Off in
# a long-lived process such as a test run, whose own garbage must stay collectable.
FREEZE_STAGES = False


def _settle() -> None:
    if FREEZE_STAGES:
        gc.freeze()


@dataclass
class Generation:
    diagnostics: Diagnostics
    files: dict[str, str] | None  # None when generation failed
    waived: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    inputs: dict[str, str] = field(default_factory=dict)  # every file read → its sha256
    rendered: dict[str, str] = field(
        default_factory=dict
    )  # each Python file → its sha256 before formatting
    keys: dict[str, str] = field(
        default_factory=dict
    )  # some files → what they were made from (render.Parts)
    kept: dict[str, str] = field(
        default_factory=dict
    )  # files taken from the output folder as they are → sha256
    api: Api | None = None  # the normalized API


def build(
    target: Target, options: Options = Options(), progress: Progress | None = None
) -> Generation:
    """Every file of target's client, or the diagnostics that say why there are none."""
    with recording_reads() as inputs:
        generation = _build(target, options, progress)
    generation.inputs = dict(inputs)
    return generation


def _build(target: Target, options: Options, progress: Progress | None) -> Generation:
    problems = target_problems(target)
    if problems:
        return Generation(
            Diagnostics([Diagnostic(Severity.ERROR, "target-invalid", "", p) for p in problems]),
            None,
        )
    clock = _Clock()
    ingested = ingest(target.spec, list(target.overlays), options.with_ref_roots(target.ref_roots))
    _settle()
    generation = Generation(ingested.diagnostics, None, len(ingested.waived), clock.lap("ingest"))
    document = ingested.document
    if document is None:
        return generation
    # openapi.json's text and the document's hash need only the document: made aside meanwhile
    written = Aside(lambda: _document_text_and_hash(document))
    try:
        return _from_document(target, options, progress, document, generation, clock, written)
    finally:
        written.discard()


def _from_document(
    target: Target,
    options: Options,
    progress: Progress | None,
    document: SpecDict,
    generation: Generation,
    clock: _Clock,
    written: Aside[tuple[str, str]],
) -> Generation:
    names = names_for(target, str((document.get("info") or {}).get("title") or ""))
    generation.diagnostics.extend(env_prefix_notes(target))
    found = Diagnostics()
    api = normalize(document, found, names)
    generation.api = api
    generation.diagnostics.extend(found.strict() if options.strict else found)
    _settle()
    clock.lap("normalize")
    if generation.diagnostics.has_errors:
        return generation
    try:
        made = _rendered(target, options, api, names, written, progress)
        generation.files, generation.rendered, generation.keys, generation.kept = (
            made.files,
            made.rendered,
            made.keys,
            made.kept,
        )
        clock.lap("render and format")
    except jinja2.TemplateError as exc:
        generation.diagnostics.add(_template_problem(exc))
    except FormattingError as exc:
        generation.diagnostics.add(
            Diagnostic(
                Severity.ERROR,
                "internal-error",
                "",
                str(exc),
                "please report this generator bug (or fix your custom template)",
            )
        )
    return generation


def _document_text_and_hash(document: SpecDict) -> tuple[str, str]:
    return openapi_json(document), effective_sha256(
        document
    )  # json reads SpecDict as the dict it is


@dataclass
class _Made:
    files: dict[str, str] = field(default_factory=dict)  # formatted
    rendered: dict[str, str] = field(
        default_factory=dict
    )  # each Python file → the sha256 of its text as rendered
    keys: dict[str, str] = field(
        default_factory=dict
    )  # some files → what they were made from (render.Parts)
    kept: dict[str, str] = field(
        default_factory=dict
    )  # the files taken from the output folder → their sha256

    def add(self, other: _Made) -> _Made:
        self.files.update(other.files)
        self.rendered.update(other.rendered)
        self.keys.update(other.keys)
        self.kept.update(other.kept)
        return self


def _rendered(
    target: Target,
    options: Options,
    api: Api,
    names: Names,
    written: Aside[tuple[str, str]],
    progress: Progress | None,
) -> _Made:
    """Every file, formatted: the test suite aside (in a child process, when enabled) while this
    process decides the release and renders the package."""
    parts = Parts(api, names, display_path(target.spec), target.templates)
    document_text, effective_hash = written.result()
    # The normalized API is kept for the next run's changelog once the child has sent its part.
    tests = Aside(
        lambda: _part(target, options, parts.test_keys, parts.tests),
        afterwards=lambda: keep(
            document_text.encode("utf-8"), frozenset(names.reserved_classes), api, parts.digests()
        ),
    )
    try:
        released = _release(target, api, names, effective_hash, parts)
        made = _part(target, options, parts.package_keys, parts.package, progress).add(
            tests.result()
        )
    finally:
        tests.discard()
    made.add(_formatted(target, options, parts.versioned(released.version), progress))
    made.files["openapi.json"] = document_text
    made.files.update(
        parts.closing(
            released.changelog,
            target.spec.read_bytes(),
            effective_hash,
            released.version,
            list(made.files),
        )
    )
    return made


def _release(target: Target, api: Api, names: Names, effective_hash: str, parts: Parts) -> Release:
    """The version and changelog, from what the output folder held before."""
    previous = previous_generation(target.output, set(names.reserved_classes))
    return release(target.version, api, effective_hash, previous, parts.digests())


def _part(
    target: Target,
    options: Options,
    keys_of: Callable[[], dict[str, str]],
    render: Callable[[Collection[str]], dict[str, str]],
    progress: Progress | None = None,
) -> _Made:
    """One part of the project: its files made from what they were made from last time are
    taken from the output folder; the others are rendered and formatted."""
    keys = keys_of()
    alike = made_alike(target, options, keys)
    made = _formatted(target, options, render(alike.keys()), progress)
    made.files.update({name: text for name, (text, _, _) in alike.items()})
    made.kept.update({name: digest for name, (_, digest, _) in alike.items()})
    made.rendered.update({name: digest for name, (_, _, digest) in alike.items()})
    made.keys = keys
    return made


def _formatted(
    target: Target, options: Options, files: dict[str, str], progress: Progress | None
) -> _Made:
    """The files formatted, reusing what the output folder holds for files rendered as last time,
    and the sha256 of each Python file as rendered."""
    rendered = {name: sha256_text(text) for name, text in files.items() if name.endswith(".py")}
    reused = reusable(target, options, rendered)
    # Custom templates may print anything: black formats all of their output.
    fresh = format_files(
        {name: text for name, text in files.items() if name not in reused},
        progress,
        laid_out=not target.templates,
    )
    formatted = {name: reused[name][0] if name in reused else fresh[name] for name in files}
    return _Made(formatted, rendered, kept={name: digest for name, (_, digest) in reused.items()})


def _template_problem(exc: jinja2.TemplateError) -> Diagnostic:
    """A template that does not compile or render: with its file and line when Jinja knows them."""
    frames = [(tb.tb_frame.f_code.co_filename, tb.tb_lineno) for tb in _frames(exc.__traceback__)]
    in_templates = [
        frame for frame in frames if frame[0].endswith(".jinja")
    ]  # Jinja maps frames to template lines
    file, line = (
        in_templates[-1]
        if in_templates
        else (getattr(exc, "filename", None) or "<template>", getattr(exc, "lineno", 0) or 0)
    )
    where = SourcePosition(file, line)
    return Diagnostic(
        Severity.ERROR,
        "template-error",
        "",
        f"{type(exc).__name__}: {exc.message or exc}",
        "fix the template (a custom template must offer what the built-in one does)",
        where,
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
        now = time.perf_counter()
        self.timings[stage] = now - self.last
        self.last = now
        return self.timings


def generate(
    target: Target, options: Options = Options(), progress: Progress | None = None
) -> tuple[Generation, Comparison | None]:
    try:
        generation = build(target, options, progress)
        if generation.files is None:
            return generation, None
        try:
            comparison = write_tree(target.output, generation.files, set(generation.kept))
            _remember(target, options, generation)
            return generation, comparison
        except Refused as exc:
            problem = Diagnostic(
                Severity.ERROR,
                "output-refused",
                "",
                str(exc),
                "nothing was written",
                SourcePosition(str(target.output)),
            )
        except OSError as exc:
            problem = Diagnostic(
                Severity.ERROR,
                "write-failed",
                "",
                f"cannot write the output: {exc.strerror or exc}",
                "nothing was changed: the previous output is as it was",
                SourcePosition(str(exc.filename or target.output)),
            )
        generation.diagnostics.add(problem)
        generation.files = None
        return generation, None
    finally:
        aside.finish()


def check(target: Target, options: Options = Options()) -> tuple[Generation, Comparison | None]:
    """Whether target's output is what generating it would make now (files is {} when a record said so)."""
    clock = _Clock()
    record = recall(target, options)
    if record is not None:  # inputs, generator and output all as they were when last found current
        return (
            Generation(Diagnostics(record.diagnostics), {}, record.waived, clock.lap("unchanged")),
            Comparison(),
        )
    try:
        generation = build(target, options)
        if generation.files is None:
            return generation, None
        comparison = compare(target.output, generation.files, set(generation.kept))
        if comparison.up_to_date:
            _remember(target, options, generation)
        return generation, comparison
    finally:
        aside.finish()


def _remember(target: Target, options: Options, generation: Generation) -> None:
    """Keep the run's record, which makes the next check and regeneration fast (the API is kept
    by _rendered, as soon as the test suite is rendered)."""
    assert generation.files is not None
    remember(
        target,
        options,
        generation.inputs,
        list(generation.diagnostics),
        generation.waived,
        generation.files,
        generation.rendered,
        generation.keys,
        generation.kept,
    )
