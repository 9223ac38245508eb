"""Diagnostics: every problem the generator finds, as a value.

A problem in the input is never an exception that reaches the user. Each stage
appends `Diagnostic`s to a `Diagnostics` collector and carries on where it can;
the command line decides the exit code from the collected severities.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Iterable, Iterator


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, order=True)
class SourcePosition:
    """Where a node came from: file and 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


# What one diagnostic may hold: a message or pointer quotes the document (a key, a value), whose
# strings may be megabytes long; past these lengths, they are cut (…).
MESSAGE_LIMIT, POINTER_LIMIT = 1_000, 500
SHOWN_PER_CODE = 100  # diagnostics of one severity and code printed; the others are counted


@dataclass(frozen=True)
class Diagnostic:
    """One problem. Its message, pointer and hint are cut to a bounded length."""

    severity: Severity
    code: str
    pointer: str
    message: str
    hint: str = ""
    position: SourcePosition | None = None

    def __post_init__(self) -> None:
        for name, limit in (("message", MESSAGE_LIMIT), ("hint", MESSAGE_LIMIT)):
            object.__setattr__(self, name, _cut(getattr(self, name), limit))
        object.__setattr__(self, "pointer", _cut(self.pointer, POINTER_LIMIT))

    def sort_key(self) -> tuple[int, str, int, int, str, str]:
        pos = self.position or SourcePosition("")
        return (self.severity.rank, pos.file, pos.line, pos.col, self.code, self.pointer)

    def as_error(self) -> Diagnostic:
        return Diagnostic(
            Severity.ERROR, self.code, self.pointer, self.message, self.hint, self.position
        )

    def to_json(self) -> dict[str, object]:
        pos = self.position
        return {
            "severity": self.severity.value,
            "code": self.code,
            "pointer": self.pointer,
            "file": pos.file if pos else None,
            "line": pos.line if pos and pos.line else None,
            "col": pos.col if pos and pos.col else None,
            "message": self.message,
            "hint": self.hint or None,
        }

    def render(self) -> str:
        where = str(self.position) if self.position else "<input>"
        text = f"{visible(where)}: {self.severity.value}[{self.code}] {visible(self.message)}"
        if self.pointer:
            text += f"\n    at {visible(self.pointer)}"
        if self.hint:
            text += f"\n    hint: {visible(self.hint)}"
        return text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible(text: str) -> str:
    """One line with every control, format or separator character shown as an escape.

    Messages quote the document, and a terminal must not act on what a document holds
    (line breaks that fake a diagnostic, escape sequences that clear a CI log).
    """
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics, shared by the stages of one run."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._seen.update(self.items)

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self._seen:  # a problem met twice on the way is still one problem
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def codes(self) -> list[str]:
        return [d.code for d in self.items]

    def strict(self) -> Diagnostics:
        """The same problems, with every warning promoted to an error."""
        promoted = [d.as_error() if d.severity is Severity.WARNING else d for d in self.items]
        return Diagnostics(promoted)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


class InputError(Exception):
    """Raised by a stage that cannot go on; carries the diagnostic that says why.

    Only stages raise it and only the pipeline catches it, turning it back into
    a diagnostic, so it never reaches the user as a traceback.
    """

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def format_text(diagnostics: Diagnostics, shown: Iterable[Severity] = tuple(Severity)) -> str:
    """Human-readable: the shown severities grouped, sorted by file and line, at most
    SHOWN_PER_CODE of each code (a line counts the others); a summary of all."""
    lines: list[str] = []
    for severity in (s for s in Severity if s in set(shown)):
        group = [d for d in diagnostics.sorted() if d.severity is severity]
        if group:
            lines.append(f"{severity.value}s ({len(group)}):")
            kept, omitted = _capped(group)
            lines.extend("  " + d.render().replace("\n", "\n  ") for d in kept)
            lines.extend(f"  … and {n} more {s.value}[{code}]" for (s, code), n in omitted.items())
    lines.append(summary_line(diagnostics))
    return "\n".join(lines)


def _capped(
    diagnostics: list[Diagnostic],
) -> tuple[list[Diagnostic], dict[tuple[Severity, str], int]]:
    """The first SHOWN_PER_CODE diagnostics of each severity and code, and how many others."""
    kept: list[Diagnostic] = []
    seen: dict[tuple[Severity, str], int] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.severity, diagnostic.code)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= SHOWN_PER_CODE:
            kept.append(diagnostic)
    omitted = {key: count - SHOWN_PER_CODE for key, count in seen.items() if count > SHOWN_PER_CODE}
    return kept, omitted


def summary_line(diagnostics: Diagnostics) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    return ", ".join(f"{counts[s]} {s.value}{'' if counts[s] == 1 else 's'}" for s in Severity)


def format_json(diagnostics: Diagnostics) -> str:
    """A JSON list: at most SHOWN_PER_CODE diagnostics of each code, then, for a code with more,
    one object of that severity and code (no pointer nor file) whose message counts the others."""
    kept, omitted = _capped(diagnostics.sorted())
    found = [d.to_json() for d in kept]
    for (severity, code), count in omitted.items():
        found.append(Diagnostic(severity, code, "", f"… and {count} more, not shown").to_json())
    return json.dumps(found, indent=2, ensure_ascii=False)
