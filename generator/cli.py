"""Command line: `python -m generator COMMAND ...`.

Exit codes: 0 usable / up to date, 1 problems in the input (or stale output),
2 a usage error. Diagnostics go to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .diagnostics import Diagnostics, format_json, format_text
from .ir import to_json
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
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    return _COMMANDS[args.command](args)


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


_COMMANDS = {"validate": run_validate, "ir": run_ir}
