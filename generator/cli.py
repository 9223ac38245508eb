"""Command line: `python -m generator COMMAND ...`.

Exit codes: 0 usable / up to date, 1 problems in the input (or stale output),
2 a usage error. Diagnostics go to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from generator.config import ConfigError, find_config, load_config
from generator.diagnostics import Diagnostics, Severity, format_json, format_text, visible
from generator.generate import Generation, check, generate
from generator.model.ir import to_json
from generator.target import DEFAULT_CLIENT_NAMES, Target, target_problems
from generator.output.write import unified_diff
from generator.ingest.options import Options

if TYPE_CHECKING:
    from generator.ingest.pipeline import Ingested

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
LARGE = 100  # files: progress is shown for projects at least this big


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m generator", description="Swagger 2.0 → typed Python client generator"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    validate = commands.add_parser(
        "validate", help="load, correct and check a Swagger 2.0 document"
    )
    _add_input_arguments(validate)
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="how diagnostics are printed"
    )
    show_ir = commands.add_parser("ir", help="print the intermediate model of a document as JSON")
    _add_input_arguments(show_ir)
    generate = commands.add_parser(
        "generate", help="generate a client project from a document or a configured target"
    )
    _add_input_arguments(generate, spec_required=False)
    generate.add_argument("-o", "--output", type=Path, help="the folder to write (replaced safely)")
    generate.add_argument(
        "--target", default="", metavar="NAME", help="start from this configured target"
    )
    generate.add_argument(
        "--package", default="", help="the import name (default: from the API title)"
    )
    generate.add_argument(
        "--distribution", default="", help="the pip name (default: the package with dashes)"
    )
    generate.add_argument(
        "--client-class", default="", help="the client class name (default: from the API title)"
    )
    generate.add_argument(
        "--env-prefix",
        default="",
        metavar="NAME",
        help="the client reads NAME_USERNAME, NAME_BASE_URL, ... (default: none; "
        "without it the client reads no environment variable)",
    )
    generate.add_argument(
        "--version",
        default="",
        dest="version_rule",
        metavar="RULE",
        help="the package version: spec (from info.version), bump, or a fixed version",
    )
    generate.add_argument(
        "--templates",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of templates that replace built-in ones of the same name (repeatable)",
    )
    corpus = commands.add_parser(
        "corpus", help="run every Swagger 2.0 document under DIR through every stage"
    )
    corpus.add_argument("folder", type=Path, metavar="DIR")
    corpus.add_argument("--jobs", type=int, default=1, help="documents processed in parallel")
    corpus.add_argument("--report", type=Path, help="also write a report (.md or .json)")
    check = commands.add_parser(
        "check", help="exit 1 when a configured output differs from what the generator makes now"
    )
    check.add_argument(
        "--strict", action="store_true", help="report every repair as an error and fail on it"
    )
    check.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME",
        help="check only this target (repeatable)",
    )
    check.add_argument(
        "--diff", action="store_true", help="print a unified diff of every stale file on stdout"
    )
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME",
        help="with no command: regenerate only this configured target (repeatable)",
    )
    diff = commands.add_parser(
        "diff", help="classify what changes for the client's users between two documents"
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the previous Swagger 2.0 document")
    diff.add_argument("new", type=Path, metavar="NEW", help="the next Swagger 2.0 document")
    diff.add_argument(
        "--old-overlay",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="an overlay applied to OLD (repeatable, applied in order)",
    )
    diff.add_argument(
        "--new-overlay",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="an overlay applied to NEW (repeatable, applied in order)",
    )
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "any", "never"),
        default="never",
        help="exit 1 on a breaking change, on any change, or never (default)",
    )
    diff.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="how the report is printed",
    )
    _add_ref_root_argument(diff)
    for each in (parser, validate, show_ir, generate, corpus, check, diff):
        _add_output_arguments(each, each is parser)
    return parser


def _add_output_arguments(parser: argparse.ArgumentParser, main: bool) -> None:
    """--config, --quiet and --verbose, accepted before or after the command."""
    unset = None if main else argparse.SUPPRESS  # a subcommand must not reset what came before it
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        default=unset,
        help="the configuration (default: the nearest pyproject.toml with [tool.swagger2-client])",
    )
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if main else argparse.SUPPRESS,
        help="print errors only",
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if main else argparse.SUPPRESS,
        help="also print infos and the time each stage took",
    )


def _add_input_arguments(parser: argparse.ArgumentParser, spec_required: bool = True) -> None:
    parser.add_argument(
        "spec",
        type=Path,
        nargs=None if spec_required else "?",
        help="the Swagger 2.0 document (YAML or JSON)",
    )
    parser.add_argument(
        "--overlay",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="an OpenAPI Overlay 1.0 file to apply (repeatable, applied in order)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="report every repair as an error and fail on it"
    )
    parser.add_argument(
        "--allow-remote-refs", action="store_true", help="fetch $refs that point to http(s) URLs"
    )
    _add_ref_root_argument(parser)


def _add_ref_root_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ref-root",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        dest="ref_roots",
        help="a folder any $ref may read from, besides the " "document's own (repeatable)",
    )


def command() -> int:
    """The process's entry (`python -m generator`, `swagger2-client`)."""
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    sys.setrecursionlimit(
        max(sys.getrecursionlimit(), 10_000)
    )  # schemas nest up to the loader's depth limit
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return run_default(args)
        return _COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"python -m generator: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a generator bug is reported, not shown as a traceback
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in the generator, not in your document: please report it "
            "(set GENERATOR_DEBUG=1 to see the traceback).",
            file=sys.stderr,
        )
        return EXIT_INPUT


def _ingest(args: argparse.Namespace) -> Ingested:
    # The stages are imported by the commands that run them (here, `generate` and `diff`):
    # `check` answered by its record imports none of them.
    from generator.ingest.pipeline import ingest

    options = Options(
        strict=args.strict,
        allow_remote_refs=args.allow_remote_refs,
        ref_roots=tuple(args.ref_roots),
    )
    return ingest(args.spec, args.overlay, options)


def print_diagnostics(
    diagnostics: Diagnostics,
    waived: int,
    output_format: str = "text",
    args: argparse.Namespace | None = None,
) -> None:
    """Errors always; warnings unless --quiet; infos with --verbose (their number is in the summary)."""
    if output_format == "json":
        print(format_json(diagnostics))
        return
    quiet, verbose = bool(args and args.quiet), bool(args and args.verbose)
    if quiet and not diagnostics.has_errors:
        return
    shown = (
        [Severity.ERROR]
        + ([] if quiet else [Severity.WARNING])
        + ([Severity.INFO] if verbose else [])
    )
    text = format_text(diagnostics, shown)
    if waived:
        text += f" ({waived} waived by the overlay)"
    print(text, file=sys.stderr)


def run_validate(args: argparse.Namespace) -> int:
    result = _ingest(args)
    print_diagnostics(result.diagnostics, len(result.waived), args.format, args)
    return EXIT_OK if result.ok else EXIT_INPUT


def run_ir(args: argparse.Namespace) -> int:
    from generator.model.normalize import normalize

    result = _ingest(args)
    api = None
    if result.document is not None:
        api = normalize(result.document, result.diagnostics, set(DEFAULT_CLIENT_NAMES))
    diagnostics = result.diagnostics.strict() if args.strict else result.diagnostics
    print_diagnostics(diagnostics, len(result.waived), args=args)
    if api is None or diagnostics.has_errors:
        return EXIT_INPUT
    sys.stdout.write(to_json(api))
    return EXIT_OK


def run_default(args: argparse.Namespace) -> int:
    """`python -m generator`: regenerate every configured target (or those named with --target)."""
    codes = [
        _generate_and_report(target, Options(), args) for target in _configured(args, args.target)
    ]
    return max(codes)


def run_generate(args: argparse.Namespace) -> int:
    base = _configured(args, [args.target])[0] if args.target else None
    if base is None and (args.spec is None or args.output is None):
        print(
            "python -m generator generate: error: give SPEC and -o OUTPUT, or --target NAME",
            file=sys.stderr,
        )
        return EXIT_USAGE
    target = _with_flags(base, args)
    problems = target_problems(target)
    for problem in problems:
        print(f"python -m generator generate: error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    return _generate_and_report(
        target, Options(strict=args.strict, allow_remote_refs=args.allow_remote_refs), args
    )


def _with_flags(base: Target | None, args: argparse.Namespace) -> Target:
    """The configured target (or a blank one) with every flag given on the command line taking precedence."""
    flags = {
        "spec": args.spec,
        "output": args.output,
        "overlays": tuple(args.overlay) or None,
        "package": args.package,
        "distribution": args.distribution,
        "client_class": args.client_class,
        "env_prefix": args.env_prefix,
        "version": args.version_rule,
        "templates": tuple(args.templates) or None,
    }
    flags["ref_roots"] = tuple(args.ref_roots) or None
    given = {key: value for key, value in flags.items() if value}
    if base is None:
        return Target(**given)
    return dataclasses.replace(base, **given)


def _configured(args: argparse.Namespace, names: list[str]) -> tuple[Target, ...]:
    path = args.config or find_config(Path.cwd())
    if path is None:
        raise ConfigError(
            "no configuration: add [[tool.swagger2-client.targets]] to pyproject.toml "
            "(see README.md, Configuration) or pass --config FILE"
        )
    return load_config(path).select(names)


def _generate_and_report(target: Target, options: Options, args: argparse.Namespace) -> int:
    progress = (
        _Progress(target.name or str(target.output))
        if sys.stderr.isatty() and not args.quiet
        else None
    )
    generation, comparison = generate(target, options, progress)
    if progress is not None:
        progress.clear()
    print_diagnostics(generation.diagnostics, generation.waived, args=args)
    _print_timings(generation, args)
    if comparison is None:
        print(
            f"nothing written to {target.output}: the problems above must be fixed first",
            file=sys.stderr,
        )
        return EXIT_INPUT
    changed = len(comparison.changed) + len(comparison.missing) + len(comparison.extra)
    if not args.quiet:
        print(
            f"{target.output}: {changed} file(s) changed, {len(generation.files or {})} in all",
            file=sys.stderr,
        )
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    codes = [_check_one(target, args) for target in _configured(args, args.target)]
    return max(codes)


def _check_one(target: Target, args: argparse.Namespace) -> int:
    generation, comparison = check(target, Options(strict=args.strict))
    print_diagnostics(generation.diagnostics, generation.waived, args=args)
    _print_timings(generation, args)
    if comparison is None or generation.files is None:
        return EXIT_INPUT
    name = f"{target.output.name}/"
    if comparison.up_to_date:
        if not args.quiet:
            print(f"{name} is up to date", file=sys.stderr)
        return EXIT_OK
    for label, names in (
        ("stale", comparison.changed),
        ("missing", comparison.missing),
        ("extra", comparison.extra),
    ):
        for file in names:
            print(f"{label}: {visible(name + file)}", file=sys.stderr)  # a pull request names them
    if args.diff:
        sys.stdout.write(unified_diff(target.output, generation.files, comparison))
    print(f"{name} is stale: run `python -m generator` and commit the result", file=sys.stderr)
    return EXIT_INPUT


def _print_timings(generation: Generation, args: argparse.Namespace) -> None:
    if args.verbose and generation.timings:
        stages = ", ".join(
            f"{stage} {seconds:.2f} s" for stage, seconds in generation.timings.items()
        )
        print(f"time: {stages}", file=sys.stderr)


class _Progress:
    """One line on a terminal, rewritten in place, for documents large enough to wait for."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total >= LARGE and (done % 10 == 0 or done == total):
            print(
                f"\r{visible(self.label)}: {stage} {done}/{total}",
                end="",
                file=sys.stderr,
                flush=True,
            )
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def run_corpus_command(args: argparse.Namespace) -> int:
    from generator.corpus import report, run_corpus, summary, table

    if not args.folder.is_dir():
        print(f"{args.folder}: not a folder", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    rows = run_corpus(args.folder, max(1, args.jobs))
    seconds = time.perf_counter() - started
    print(table(rows))
    print(summary(rows, seconds))
    if args.report:
        report(rows, seconds, args.report)
    return EXIT_OK if rows and all(row.ok for row in rows) else EXIT_INPUT


def run_diff(args: argparse.Namespace) -> int:
    from generator.output.diff import (
        diff_specs,
        label,
        should_fail,
        to_json as diff_json,
        to_markdown,
    )

    options = Options(ref_roots=tuple(args.ref_roots))
    result = diff_specs(args.old, args.old_overlay, args.new, args.new_overlay, options)
    for side, path, ingested in (("old", args.old, result.old), ("new", args.new, result.new)):
        print(f"{side}: {label(path, [])}", file=sys.stderr)
        print_diagnostics(
            ingested.diagnostics, len(ingested.waived), args=args
        )  # always text on stderr: stdout is the report
    if result.changes is None:
        return EXIT_INPUT
    old, new = label(args.old, args.old_overlay), label(args.new, args.new_overlay)
    render = diff_json if args.format == "json" else to_markdown
    sys.stdout.write(render(result.changes, old, new))
    return EXIT_INPUT if should_fail(result.changes, args.fail_on) else EXIT_OK


_COMMANDS = {
    "corpus": run_corpus_command,
    "validate": run_validate,
    "ir": run_ir,
    "generate": run_generate,
    "check": run_check,
    "diff": run_diff,
}
