"""What the parts of the normalizer share, in one explicit object passed between them.

normalize.py makes one Context per document; schemas.py adds the models and enums it builds to
it, operations.py reads the models back (pagination reads a page's fields), and every part
reports its problems and renames through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.diagnostics import Diagnostic, Diagnostics, Severity
from generator.ingest.document import locate, pointer
from generator.model import ir
from generator.model.jsonvalues import JSONObject, Path_, text
from generator.model.names import MAX_NAME, Rename, Scope
from generator.model.naming import Names

DESCRIPTION_LIMIT = 65536  # characters of one description, summary or title (64 KiB)


@dataclass
class Context:
    doc: JSONObject
    diagnostics: Diagnostics
    classes: Scope  # the package's class names: models, enums, resources
    names: Names  # the target's (package, client classes, environment variables)
    models: dict[str, ir.Model] = field(default_factory=dict)  # by class name, in creation order
    enums: dict[str, ir.Enum] = field(default_factory=dict)  # by class name, in creation order

    def prose(self, value: object, path: Path_) -> str:
        """A description, summary or title: text for people, which docstrings print (a $ref'd
        parameter's in every method that takes it). Past DESCRIPTION_LIMIT it is cut, with a
        warning: one 1 MB description made 97 MB of client."""
        found = text(value)
        if len(found) <= DESCRIPTION_LIMIT:
            return found
        self.warn(
            path,
            "description-truncated",
            f"the text has {len(found):,} characters; the client's docstrings hold its first "
            f"{DESCRIPTION_LIMIT:,}",
            "shorten it (an overlay can replace it)",
        )
        return found[:DESCRIPTION_LIMIT] + " [...]"

    def warn(self, path: Path_, code: str, message: str, hint: str = "") -> None:
        self._say(Severity.WARNING, path, code, message, hint)

    def info(self, path: Path_, code: str, message: str, hint: str = "") -> None:
        self._say(Severity.INFO, path, code, message, hint)

    def _say(self, severity: Severity, path: Path_, code: str, message: str, hint: str) -> None:
        where = locate(self.doc, path)
        self.diagnostics.add(Diagnostic(severity, code, pointer(path), message, hint, where))

    def report_renames(self, scope: Scope, path: Path_, what: str) -> None:
        """Say which names from the document did not become their natural Python name, and why."""
        self.report(scope.drain(), path, what)

    def report(self, renames: list[Rename], path: Path_, what: str) -> None:
        for rename in renames:
            severity, code, why = _RENAME_REASONS[rename.reason]
            message = f"{what} {rename.text!r} is {rename.name!r} in Python: {why}"
            self.diagnostics.add(
                Diagnostic(severity, code, pointer(path), message, "", locate(self.doc, path))
            )


# Why a name changed → (severity, code, explanation). Keywords and the generator's own names are
# ordinary (a property called `type` or `from` is everywhere), so they are infos; two names that
# collide, or a name with nothing usable in it, are warnings: users will not find what they look for.
_RENAME_REASONS = {
    "reserved": (
        Severity.INFO,
        "name-reserved",
        "the natural name is a Python keyword or a name the generated code uses itself",
    ),
    "taken": (
        Severity.WARNING,
        "name-collision",
        "another name in the same place already became that Python name",
    ),
    "clash": (
        Severity.INFO,
        "name-collision",
        "a name the generator made from the document's was taken already in the same place",
    ),
    "unusable": (
        Severity.WARNING,
        "name-unusable",
        "it has no ASCII letters or digits, so a stable name was made up",
    ),
    "too-long": (
        Severity.WARNING,
        "name-too-long",
        f"it was cut to {MAX_NAME} characters, with a hash to keep it distinct",
    ),
    "device": (
        Severity.INFO,
        "name-reserved",
        "it is a Windows device name (CON, PRN, AUX, NUL, COM1, LPT1...), which no file may have",
    ),
}
