"""Apply OpenAPI Overlay 1.0.0 documents: the maintainers' corrections, kept outside the spec.

Semantics (Overlay 1.0.0, with the points the specification leaves open decided here):
- actions run in order; each `target` is an RFC 9535 JSONPath query;
- `remove: true` removes every selected node from its parent (and `update` is ignored);
- `update` on a selected object merges recursively: object values merge key by key,
  anything else (a string, a number, an array) replaces the target's value;
- `update` on a selected array appends the update value as one entry;
- an action that selects nothing is reported (a stale fix is worth knowing about).

Nodes added by an overlay keep their overlay file positions, so a later problem in
them is reported at the overlay's line. The extension `x-waive` (a list of
`{code, pointer?, reason}`) lets maintainers acknowledge a diagnostic about the
source document that an overlay cannot fix, such as a trailing YAML document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.diagnostics import Diagnostic, Diagnostics, InputError, Severity
from generator.ingest.document import (
    Mark,
    SpecDict,
    SpecList,
    clone,
    delete_child,
    locate,
    pointer,
    resolve_pointer,
)
from generator.ingest.loader import DEFAULT_LIMITS, Limits, load_file

if TYPE_CHECKING:
    from generator.ingest.overlay_query import NodeBudget

_VERSION = re.compile(r"^1\.0\.\d+$")


@dataclass(frozen=True)
class Waiver:
    code: str
    pointer: str | None
    reason: str

    def covers(self, diagnostic: Diagnostic) -> bool:
        return diagnostic.code == self.code and self.pointer in (None, diagnostic.pointer)


def load_overlay(path: Path, diagnostics: Diagnostics, limits: Limits = DEFAULT_LIMITS) -> SpecDict:
    """Read an overlay file and check its shape; raises InputError when it is not an overlay."""
    overlay = load_file(path, diagnostics, limits)
    problem = _shape_problem(overlay)
    if problem:
        raise InputError(
            Diagnostic(
                Severity.ERROR,
                "overlay-invalid",
                problem[0],
                problem[1],
                position=locate(overlay, [problem[0].strip("/")] if problem[0] else []),
            )
        )
    assert isinstance(overlay, SpecDict)
    return overlay


def _shape_problem(overlay: object) -> tuple[str, str] | None:
    if not isinstance(overlay, dict):
        return "", "an overlay is a mapping with 'overlay', 'info' and 'actions'"
    version = overlay.get("overlay")
    if not isinstance(version, str) or not _VERSION.match(version):
        return "/overlay", f"'overlay' must name version 1.0.x, not {version!r}"
    if not isinstance(overlay.get("info"), dict):
        return "/info", "'info' (with title and version) is required"
    if not isinstance(overlay.get("actions"), list):
        return "/actions", "'actions' must be a list of actions"
    return None


def apply_overlay(
    document: SpecDict, overlay: SpecDict, diagnostics: Diagnostics, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Apply every action of overlay to document, in place; raises InputError before an update
    would grow the document past limits.max_nodes (too-large) or nest it deeper than
    limits.max_depth (too-deep): the document is written as openapi.json, which must read back."""
    from generator.ingest.overlay_query import (
        NodeBudget,
    )  # imports jsonpath_rfc9535 and regex (20-35 ms): only the runs with overlays pay

    budget = NodeBudget(document, limits.max_nodes, limits.max_depth)
    for index, action in enumerate(overlay["actions"]):
        _Action(document, overlay, index, diagnostics, budget).apply(action)


def waivers(overlay: SpecDict, diagnostics: Diagnostics) -> list[Waiver]:
    """The diagnostics an overlay acknowledges (its `x-waive` list)."""
    entries = overlay.get("x-waive", [])
    found: list[Waiver] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("code"), str)
            and isinstance(entry.get("reason"), str)
        ):
            where = entry.get("pointer")
            found.append(
                Waiver(entry["code"], where if isinstance(where, str) else None, entry["reason"])
            )
        else:
            diagnostics.add(
                Diagnostic(
                    Severity.ERROR,
                    "overlay-invalid",
                    f"/x-waive/{index}",
                    "a waiver needs a 'code' and a 'reason'",
                    position=locate(overlay, ["x-waive", index]),
                )
            )
    return found


@dataclass
class _Action:
    document: SpecDict
    overlay: SpecDict
    index: int
    diagnostics: Diagnostics
    budget: NodeBudget

    def apply(self, action: object) -> None:
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            self._report(
                Severity.ERROR, "overlay-invalid", "an action needs a 'target' JSONPath string"
            )
            return
        from generator.ingest.overlay_query import TargetError, TooDeep, TooLarge, compile_target

        try:
            matches = _unique(compile_target(action["target"]).select(self.document))
        except TargetError as exc:
            self._report(Severity.ERROR, "overlay-target", str(exc))
            return
        if not matches:
            self._report(
                Severity.WARNING,
                "overlay-no-match",
                f"the target {action['target']!r} selects nothing",
                "the document may have changed under this fix; update or drop the action",
            )
        elif action.get("remove") is True:
            self._remove(matches)
        elif "update" in action:
            try:
                for location, node in matches:
                    self.budget.add(node, action["update"], location)
                    self._update(location, node, action["update"])
            except TooLarge as exc:  # a document the generator could not read back: refused
                where: list[str | int] = ["actions", self.index]
                raise InputError(
                    Diagnostic(
                        Severity.ERROR,
                        "too-deep" if isinstance(exc, TooDeep) else "too-large",
                        pointer(where),
                        f"overlay action {self.index + 1}: {exc}",
                        "real overlays stay far below it",
                        locate(self.overlay, where),
                    )
                ) from None
        else:
            self._report(
                Severity.WARNING,
                "overlay-invalid",
                "the action has neither 'update' nor 'remove: true'",
            )

    def _remove(self, matches: list[tuple[tuple[str | int, ...], object]]) -> None:
        # the deepest and last first, so that earlier removals do not shift later locations
        for location, _ in sorted(
            matches, key=lambda m: (len(m[0]), m[0][-1] if m[0] else 0), reverse=True
        ):
            if not location:
                self._report(
                    Severity.ERROR, "overlay-invalid", "the whole document cannot be removed"
                )
                continue
            parent = _node_at(self.document, location[:-1])
            delete_child(parent, location[-1])

    def _update(self, location: tuple[str | int, ...], node: object, update: object) -> None:
        if isinstance(node, list):
            node.append(clone(update))
            if isinstance(node, SpecList):
                node.marks.append(_mark_of(self.overlay, ["actions", self.index, "update"]))
        elif isinstance(node, dict) and isinstance(update, dict):
            merge(node, update)
        else:
            what = "object" if isinstance(node, dict) else type(node).__name__
            self._report(
                Severity.ERROR,
                "overlay-invalid",
                f"cannot update the {what} at {pointer(location) or '/'} with that value",
                "an update on an object must be an object",
            )

    def _report(self, severity: Severity, code: str, message: str, hint: str = "") -> None:
        where: list[str | int] = ["actions", self.index]
        self.diagnostics.add(
            Diagnostic(
                severity,
                code,
                pointer(where),
                f"overlay action {self.index + 1}: {message}",
                hint,
                locate(self.overlay, where),
            )
        )


def merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge update into target: objects recursively, anything else replaced."""
    for key, value in update.items():
        if isinstance(target.get(key), dict) and isinstance(value, dict):
            merge(target[key], value)
            continue
        target[key] = clone(value)
        if isinstance(target, SpecDict) and isinstance(update, SpecDict) and key in update.marks:
            line, col = update.marks[key][:2]
            target.marks[key] = (line, col, update.source)


def _unique(
    matches: list[tuple[tuple[str | int, ...], object]],
) -> list[tuple[tuple[str | int, ...], object]]:
    seen: set[tuple[str | int, ...]] = set()
    out = []
    for location, node in matches:
        if location not in seen:
            seen.add(location)
            out.append((location, node))
    return out


def _node_at(root: object, location: tuple[str | int, ...]) -> object:
    """The node at a location the query found; None if it is gone (delete_child ignores it)."""
    return resolve_pointer(root, [str(token) for token in location])[1]


def _mark_of(root: SpecDict, tokens: list[str | int]) -> Mark:
    position = locate(root, tokens)
    return (position.line, position.col, position.file) if position else (0, 0)
