"""Mutants of a Python module: each one small change of its syntax tree, as a bug would make it.

The operators: a comparison replaced by its opposite (``<`` by ``>=``, ``in`` by ``not in``),
``and`` swapped with ``or``, a ``not`` dropped, a condition negated (``if``, ``while``, a
conditional expression), a number off by one, a boolean flipped, a string emptied, ``return x``
made ``return None``, a call made as a statement removed, and an arithmetic operator swapped
(``+`` with ``-``, ``*`` with ``/``). Docstrings, annotations, imports, ``__all__``,
``TYPE_CHECKING`` blocks and decorators are left alone: changing them changes no behaviour a
test could see.

A mutant is named by its place in the code rather than its line (``_runtime/_retry.py:
can_retry_status:compare:status_code in _NOT_PROCESSED -> status_code not in _NOT_PROCESSED#0``),
so the list of equivalent mutants survives edits elsewhere in the file.
"""

from __future__ import annotations

import ast
import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

_OPPOSITE_COMPARISON: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.LtE: ast.Gt,
    ast.Gt: ast.LtE,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_SWAPPED_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}
# Fields holding annotations: types, not behaviour (the modules use postponed annotations).
_ANNOTATION_FIELDS = {"annotation", "returns"}


@dataclass(frozen=True)
class Mutant:
    """One change: the ``detail``-th variant of ``operator`` at the ``index``-th node of a
    pre-order walk of the module."""

    path: str  # the module's path below the package, as a key part
    index: int
    operator: str
    detail: int
    qualname: str  # the function or class it is in ("<module>" at the top level)
    original: str  # the node's source, then the mutated node's
    replacement: str
    lines: tuple[int, int]  # the first and last line a test must run to reach the change
    # The outermost function whose body holds the change ('' when it runs at import time).
    function: str = ""
    occurrence: int = 0  # among mutants of the same file, function and text

    @property
    def key(self) -> str:
        return (
            f"{self.path}:{self.qualname}:{self.operator}:"
            f"{self.original} -> {self.replacement}#{self.occurrence}"
        )


@dataclass
class _Place:
    node: ast.AST
    parent: ast.AST | None
    field: str
    position: int | None  # the index in the parent's list field, if it is one
    qualname: str
    function: str  # see Mutant.function


def mutants(source: str, path: str) -> list[Mutant]:
    """Every mutant of ``source``, in a fixed order."""
    found: list[Mutant] = []
    for index, place in enumerate(_walk(ast.parse(source))):
        for operator, detail in _operators(place):
            changed = _mutated_node(place, operator, detail)
            found.append(
                Mutant(
                    path=path,
                    index=index,
                    operator=operator,
                    detail=detail,
                    qualname=place.qualname,
                    original=_text(place.node),
                    replacement=_text(changed) if changed is not None else "(removed)",
                    lines=_span(place.node),
                    function=place.function,
                )
            )
    return _numbered(found)


def mutated_code(source: str, filename: str, mutant: Mutant) -> object:
    """The code object of ``source`` with ``mutant`` applied."""
    tree = ast.parse(source)
    for index, place in enumerate(_walk(tree)):
        if index == mutant.index:
            _replace(place, _mutated_node(place, mutant.operator, mutant.detail))
            return compile(ast.fix_missing_locations(tree), filename, "exec")
    raise ValueError(f"no node {mutant.index} in {filename}")


# -- walking the tree ------------------------------------------------------------------------------


def _walk(tree: ast.Module) -> Iterator[_Place]:
    yield from _children(tree, "<module>", "")


def _children(node: ast.AST, qualname: str, function: str) -> Iterator[_Place]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        qualname = node.name if qualname == "<module>" else f"{qualname}.{node.name}"
    for field, value in ast.iter_fields(node):
        if field in _ANNOTATION_FIELDS or field == "decorator_list":
            continue
        inside = function or _body_of_function(node, field, qualname)
        items = value if isinstance(value, list) else [value]
        for position, child in enumerate(items):
            if not isinstance(child, ast.AST) or _left_alone(node, child):
                continue
            where = position if isinstance(value, list) else None
            yield _Place(child, node, field, where, qualname, inside)
            yield from _children(child, qualname, inside)


def _body_of_function(node: ast.AST, field: str, qualname: str) -> str:
    # A def's body runs when it is called; its default arguments run at import time.
    is_function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return qualname if is_function and field == "body" else ""


def _left_alone(parent: ast.AST, node: ast.AST) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
        return True
    if _is_docstring(parent, node):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
    if isinstance(node, ast.If):
        return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
    return False


def _is_docstring(parent: ast.AST, node: ast.AST) -> bool:
    body = getattr(parent, "body", None)
    return (
        isinstance(body, list)
        and body[:1] == [node]
        and isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


# -- the operators ---------------------------------------------------------------------------------


def _operators(place: _Place) -> list[tuple[str, int]]:
    node = place.node
    if isinstance(node, ast.Compare):
        return [("compare", k) for k in range(len(node.ops))]
    if isinstance(node, ast.BoolOp):
        return [("boolop", 0)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return [("drop-not", 0)]
    if isinstance(node, (ast.If, ast.While, ast.IfExp)):
        return [("negate", 0)]
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _SWAPPED_ARITHMETIC:
        return [("arithmetic", 0)]
    if isinstance(node, ast.Return) and not _is_none(node.value):
        return [("return-none", 0)]
    if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await)):
        return [("remove-call", 0)]
    if isinstance(node, ast.Constant) and not _in_joined_string(place) and not _type_name(place):
        return [("constant", 0)] if _constant_mutation(node.value) is not None else []
    return []


def _in_joined_string(place: _Place) -> bool:
    # The literal parts of an f-string: only messages, and an f-string must keep them as str.
    return isinstance(place.parent, ast.JoinedStr)


def _type_name(place: _Place) -> bool:
    # cast("Model", x) and TypeVar("T"): names for type checkers, never read at run time.
    call = place.parent
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in ("cast", "TypeVar")
        and place.field == "args"
        and place.position == 0
    )


def _is_none(node: ast.expr | None) -> bool:
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def _constant_mutation(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str) and value:
        return ""
    return None


def _mutated_node(place: _Place, operator: str, detail: int) -> ast.AST | None:
    """The node that replaces ``place.node`` (None: the statement is removed)."""
    node = copy.deepcopy(place.node)
    if isinstance(node, ast.Compare):
        node.ops[detail] = _OPPOSITE_COMPARISON[type(node.ops[detail])]()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        return node.operand
    elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    elif isinstance(node, (ast.BinOp, ast.AugAssign)):
        node.op = _SWAPPED_ARITHMETIC[type(node.op)]()
    elif isinstance(node, ast.Return):
        node.value = ast.Constant(value=None)
    elif isinstance(node, ast.Expr):
        return None
    elif isinstance(node, ast.Constant):
        node.value = _constant_mutation(node.value)
    return ast.copy_location(node, place.node)


def _replace(place: _Place, new: ast.AST | None) -> None:
    if new is None:  # a removed statement leaves a pass, so that its block is never empty
        new = ast.copy_location(ast.Pass(), place.node)
    if place.position is None:
        setattr(place.parent, place.field, new)
    else:
        getattr(place.parent, place.field)[place.position] = new


# -- naming ----------------------------------------------------------------------------------------


def _text(node: ast.AST) -> str:
    if isinstance(node, (ast.If, ast.While)):
        return f"{'if' if isinstance(node, ast.If) else 'while'} {ast.unparse(node.test)}"
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 80 else text[:77] + "..."


def _span(node: ast.AST) -> tuple[int, int]:
    # A compound statement is reached when its condition is: not only when its body runs.
    shown = node.test if isinstance(node, (ast.If, ast.While)) else node
    return (getattr(shown, "lineno", 0), getattr(shown, "end_lineno", 0) or 0)


def _numbered(found: list[Mutant]) -> list[Mutant]:
    seen: Counter[str] = Counter()
    numbered = []
    for mutant in found:
        base = mutant.key.rsplit("#", 1)[0]
        numbered.append(_with_occurrence(mutant, seen[base]))
        seen[base] += 1
    return numbered


def _with_occurrence(mutant: Mutant, occurrence: int) -> Mutant:
    return Mutant(**{**mutant.__dict__, "occurrence": occurrence})
