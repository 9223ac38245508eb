"""Broken or hostile documents end in diagnostics, never in an internal error, and in bounded time,
memory and output (issue 19). Each document is checked with `validate` and with `generate`:
`validate` once said "usable" of documents that `generate` then crashed on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.conftest import CliResult

Cli = Callable[..., CliResult]
HEAD = 'swagger: "2.0"\ninfo: {title: T, version: "1"}\n'


def validate_and_generate(cli: Cli, spec: Path, output: Path) -> tuple[list[Any], CliResult]:
    """validate's diagnostics (as JSON) and generate's result; neither may be an internal error."""
    validated = cli("validate", spec, "--format", "json")
    generated = cli("generate", spec, "-o", output, "--package", "r_client")
    for result in (validated, generated):
        assert "internal error" not in result.err, result.err[-2000:]
    assert validated.code == generated.code, (validated.out, generated.err)
    found: list[Any] = json.loads(validated.out)
    return found, generated


# -- numbers Python cannot hold ------------------------------------------------------------------

DIGITS = "9" * 5000  # Python converts at most 4,300 digits between text and int


@pytest.mark.parametrize(
    "name, text",
    [
        ("extension.yaml", HEAD + f"paths: {{}}\nx-count: {DIGITS}\n"),
        (
            "default.yaml",
            HEAD + "paths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, "
            f"type: integer, default: {DIGITS}}}]\n      responses: {{'200': {{description: ok}}}}\n",
        ),
        ("hex.yaml", HEAD + f"paths: {{}}\nx-count: 0x{'f' * 5000}\n"),
        (
            "plain.json",
            '{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {},\n'
            f' "x-count": {DIGITS}}}',
        ),
    ],
)
def test_an_integer_of_thousands_of_digits_is_refused_where_it_is(  # type: ignore[no-untyped-def]
    cli: Cli, write, tmp_path: Path, name: str, text: str
) -> None:
    found, generated = validate_and_generate(cli, write(name, text), tmp_path / "out")
    assert generated.code == 1
    [refused] = found
    assert (refused["severity"], refused["code"]) == ("error", "too-large")
    assert "5,000 digits" in refused["message"]
    lines = text.splitlines()
    assert refused["line"] == next(
        n for n, line in enumerate(lines, 1) if "99999" in line or "fffff" in line
    )
