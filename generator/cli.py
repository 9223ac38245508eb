"""Command line: `python -m generator COMMAND ...`.

Exit codes: 0 usable / up to date, 1 problems in the input (or stale output),
2 a usage error. Diagnostics go to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from .diagnostics import Diagnostics, format_json, format_text
from .generate import Generation, check, generate
from .ir import to_json
from .target import DEFAULT_TARGET, Target, target_problems
from .write import Comparison
from .normalize import normalize
from .pipeline import Ingested, Options, ingest

# The generated package's own class names, which models must not take.
DEFAULT_CLIENT_NAMES = {"Client", "AsyncClient"}

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m generator", description="Swagger 2.0 → typed Python client generator")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    validate = commands.add_parser("validate", help="load, correct and check a Swagger 2.0 document")
    _add_input_arguments(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text", help="how diagnostics are printed")
    show_ir = commands.add_parser("ir", help="print the intermediate model of a document as JSON")
    _add_input_arguments(show_ir)
    generate = commands.add_parser("generate", help="generate a client project from a document")
    _add_input_arguments(generate)
    generate.add_argument("-o", "--output", type=Path, required=True, help="the folder to write (replaced safely)")
    generate.add_argument("--package", default="", help="the import name (default: from the API title)")
    generate.add_argument("--distribution", default="", help="the pip name (default: the package with dashes)")
    generate.add_argument("--client-class", default="", help="the client class name (default: from the API title)")
    generate.add_argument("--env-prefix", default="", help="prefix of the environment variables the client reads")
    corpus = commands.add_parser("corpus", help="run every Swagger 2.0 document under DIR through every stage")
    corpus.add_argument("folder", type=Path, metavar="DIR")
    corpus.add_argument("--jobs", type=int, default=1, help="documents processed in parallel")
    corpus.add_argument("--report", type=Path, help="also write a report (.md or .json)")
    check = commands.add_parser("check", help="exit 1 when generated/ differs from what the generator makes now")
    check.add_argument("--strict", action="store_true", help="report every repair as an error and fail on it")
    diff = commands.add_parser("diff", help="classify what changes for the client's users between two documents")
    diff.add_argument("old", type=Path, metavar="OLD", help="the previous Swagger 2.0 document")
    diff.add_argument("new", type=Path, metavar="NEW", help="the next Swagger 2.0 document")
    diff.add_argument("--old-overlay", type=Path, action="append", default=[], metavar="FILE",
                      help="an overlay applied to OLD (repeatable, applied in order)")
    diff.add_argument("--new-overlay", type=Path, action="append", default=[], metavar="FILE",
                      help="an overlay applied to NEW (repeatable, applied in order)")
    diff.add_argument("--fail-on", choices=("breaking", "any", "never"), default="never",
                      help="exit 1 on a breaking change, on any change, or never (default)")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown", help="how the report is printed")
    return parser


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", type=Path, help="the Swagger 2.0 document (YAML or JSON)")
    parser.add_argument("--overlay", type=Path, action="append", default=[], metavar="FILE",
                        help="an OpenAPI Overlay 1.0 file to apply (repeatable, applied in order)")
    parser.add_argument("--strict", action="store_true", help="report every repair as an error and fail on it")
    parser.add_argument("--allow-remote-refs", action="store_true", help="fetch $refs that point to http(s) URLs")


def main(argv: Sequence[str] | None = None) -> int:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # schemas nest up to the loader's depth limit
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return run_default()
        return _COMMANDS[args.command](args)
    except Exception as exc:  # noqa: BLE001 - a generator bug is reported, not shown as a traceback
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in the generator, not in your document: please report it "
              "(set GENERATOR_DEBUG=1 to see the traceback).", file=sys.stderr)
        return EXIT_INPUT


def _ingest(args: argparse.Namespace) -> Ingested:
    options = Options(strict=args.strict, allow_remote_refs=args.allow_remote_refs)
    return ingest(args.spec, args.overlay, options)


def print_diagnostics(diagnostics: Diagnostics, waived: int, output_format: str = "text") -> None:
    if output_format == "json":
        print(format_json(diagnostics))
        return
    text = format_text(diagnostics)
    if waived:
        text += f" ({waived} waived by the overlay)"
    print(text, file=sys.stderr)


def run_validate(args: argparse.Namespace) -> int:
    result = _ingest(args)
    print_diagnostics(result.diagnostics, len(result.waived), args.format)
    return EXIT_OK if result.ok else EXIT_INPUT


def run_ir(args: argparse.Namespace) -> int:
    result = _ingest(args)
    api = None
    if result.document is not None:
        api = normalize(result.document, result.diagnostics, DEFAULT_CLIENT_NAMES)
    diagnostics = result.diagnostics.strict() if args.strict else result.diagnostics
    print_diagnostics(diagnostics, len(result.waived))
    if api is None or diagnostics.has_errors:
        return EXIT_INPUT
    sys.stdout.write(to_json(api))
    return EXIT_OK


def run_default() -> int:
    """`python -m generator`: regenerate the default target from spec/."""
    generation, comparison = generate(DEFAULT_TARGET)
    return _report_written(generation, comparison, DEFAULT_TARGET.output)


def run_generate(args: argparse.Namespace) -> int:
    target = Target(
        spec=args.spec,
        overlays=tuple(args.overlay),
        output=args.output,
        package=args.package,
        distribution=args.distribution,
        client_class=args.client_class,
        env_prefix=args.env_prefix,
    )
    for problem in target_problems(target):
        print(f"python -m generator generate: error: {problem}", file=sys.stderr)
    if target_problems(target):
        return EXIT_USAGE
    options = Options(strict=args.strict, allow_remote_refs=args.allow_remote_refs)
    generation, comparison = generate(target, options)
    return _report_written(generation, comparison, args.output)


def _report_written(generation: Generation, comparison: Comparison | None, output: Path) -> int:
    print_diagnostics(generation.diagnostics, generation.waived)
    if comparison is None:
        print(f"nothing written to {output}: the problems above must be fixed first", file=sys.stderr)
        return EXIT_INPUT
    changed = len(comparison.changed) + len(comparison.missing) + len(comparison.extra)
    print(f"{output}: {changed} file(s) changed, {len(generation.files or {})} in all", file=sys.stderr)
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    generation, comparison = check(DEFAULT_TARGET, Options(strict=args.strict))
    print_diagnostics(generation.diagnostics, generation.waived)
    if comparison is None:
        return EXIT_INPUT
    if comparison.up_to_date:
        print(f"{DEFAULT_TARGET.output.name}/ is up to date", file=sys.stderr)
        return EXIT_OK
    for label, names in (("stale", comparison.changed), ("missing", comparison.missing), ("extra", comparison.extra)):
        for name in names:
            print(f"{label}: {name}", file=sys.stderr)
    print(f"{DEFAULT_TARGET.output.name}/ is stale: run `python -m generator` and commit the result", file=sys.stderr)
    return EXIT_INPUT


def run_corpus_command(args: argparse.Namespace) -> int:
    from .corpus import report, run_corpus, summary, table

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
    from .diff import diff_specs, label, should_fail, to_json as diff_json, to_markdown

    result = diff_specs(args.old, args.old_overlay, args.new, args.new_overlay)
    for side, path, ingested in (("old", args.old, result.old), ("new", args.new, result.new)):
        print(f"{side}: {label(path, [])}", file=sys.stderr)
        print_diagnostics(ingested.diagnostics, len(ingested.waived))  # always text on stderr: stdout is the report
    if result.changes is None:
        return EXIT_INPUT
    old, new = label(args.old, args.old_overlay), label(args.new, args.new_overlay)
    render = diff_json if args.format == "json" else to_markdown
    sys.stdout.write(render(result.changes, old, new))
    return EXIT_INPUT if should_fail(result.changes, args.fail_on) else EXIT_OK


_COMMANDS = {"corpus": run_corpus_command, "validate": run_validate, "ir": run_ir, "generate": run_generate, "check": run_check,
             "diff": run_diff}
