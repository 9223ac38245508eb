"""One target's run around the pure pipeline (generator.build): read what the output folder
holds, build, then write it or compare with it; the state layer (generator.state) remembers
what saves the next run time."""

from __future__ import annotations

import dataclasses

from generator.diagnostics import Diagnostic, Diagnostics, Severity, SourcePosition
from generator.generation import Generation, Progress
from generator.ingest.options import Options
from generator.output.write import Comparison, Refused, compare, write_tree
from generator.state import cache, fork
from generator.state.uptodate import recall, remember
from generator.target import Target

__all__ = ["Generation", "check", "generate"]


def generate(
    target: Target, options: Options = Options(), progress: Progress | None = None
) -> tuple[Generation, Comparison | None]:
    """Generate target's client into its output folder (swapped in whole, or not at all)."""
    from generator.build import build
    from generator.output.history import previous_generation

    options = _remembering(options)
    generation = build(target, options, previous_generation(target.output), progress)
    if generation.files is None:
        return generation, None
    try:
        comparison = write_tree(target.output, generation.files)
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


def check(target: Target, options: Options = Options()) -> tuple[Generation, Comparison | None]:
    """Whether target's output is what generating it would make now (files is {} when a record
    of an earlier run, with every input and the output unchanged since, said so)."""
    options = _remembering(options)
    record = recall(target, options)
    if record is not None:
        return Generation(Diagnostics(record.diagnostics), {}, record.waived), Comparison()
    # The pipeline is imported only here, when no record answers: importing it was a third of
    # the time of a check that its record answers.
    from generator.build import build
    from generator.output.history import previous_generation

    generation = build(target, options, previous_generation(target.output))
    if generation.files is None:
        return generation, None
    comparison = compare(target.output, generation.files)
    if comparison.up_to_date:
        _remember(target, options, generation)
    return generation, comparison


def _remembering(options: Options) -> Options:
    """options with the speed layer: the cache folder as the stages' memo, when caching is on,
    and a forked child for the work the pipeline does aside."""
    options = dataclasses.replace(options, aside=fork.parallel())
    return dataclasses.replace(options, memo=cache.Memo()) if cache.enabled() else options


def _remember(target: Target, options: Options, generation: Generation) -> None:
    """Keep the run's record, which lets the next check answer without building."""
    assert generation.files is not None
    remember(
        target,
        options,
        generation.inputs,
        list(generation.diagnostics),
        generation.waived,
        generation.files,
    )
