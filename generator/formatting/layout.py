"""Lay out generated Python the way black would, without running black, for the shapes our templates emit.

Running black over a large client was most of the cost of generation (about 90% of it for
Kubernetes). The built-in templates already print every statement on one line, in black's
spelling; what black then does is split the lines that are too long. This module does that
split for the few shapes the templates produce (a call, a collection, an import, a def, a
docstring), following black's own rules (linegen.py: right-hand split, omitting optional
parentheses, delimiter split, magic trailing commas), and raises Unsure for anything it is not
sure black would split the same way; the caller then runs black on that file. Tests check, over
many documents and at every length around the limit, that black leaves our output unchanged.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

LIMIT = 100  # the line length of generated code; black runs with the same (formatting.MODE)

_STRING = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")
_STRUCTURE = re.compile(r"[()\[\]{},]")
_OPENING, _CLOSING = "([{", ")]}"
S = "\x01"  # what a string literal becomes in a mask: never part of a name or an operator
# What may stand before a call's bracket, once bracketed parts are collapsed to "()": names, dots
# and calls, with at most one dot after a bracket (black splits at a second one instead).
_PRIMARY = re.compile(r"(?:await )?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(\)(?:\.[A-Za-z_]\w*)+)?")
# An item's prefix: unpacking, a keyword (maybe of a lambda, whose body is then the call split),
# or a dict key.
_ITEM_PREFIX = re.compile(
    rf"(?:\*\*|\*|[A-Za-z_]\w*=(?:lambda [A-Za-z_]\w*(?:, [A-Za-z_]\w*)*: )?|(?:{S}+|-?[\w.]+): )?"
)
_ONE_TOKEN = re.compile(rf"{S}+|-?[\w.]+")
_RHS_START = re.compile(r"(?:return |raise |assert |(?:[A-Za-z_][\w.]*(?:: [^=]+)? = ))")
# `name: type` (a TypedDict key) or a parameter `name: type = default,` / `name: type,`, where
# the type is names, dots, subscripts and unions: the shapes black 24+ parenthesizes when long.
_ANNOTATED = re.compile(
    r"(?P<name>[A-Za-z_]\w*): (?P<type>[\w.\[\], |]+?)(?P<rest>(?: = [\w.-]+)?,)?"
)
_TRAILER = re.compile(r"(?P<primary>[A-Za-z_][\w.]*)\[(?P<inner>.*)\]")


class Unsure(Exception):
    """A line whose split black might do differently: black formats the file instead."""


def lay_out(source: str) -> str | None:
    """source with its long lines split as black splits them, or None when black must do it."""
    try:
        return laid_out(source)
    except Unsure:
        return None


def laid_out(source: str) -> str:
    """source with its long lines split as black splits them; raises Unsure (naming the line) otherwise."""
    out: list[str] = []
    docstring: list[str] = []  # the lines of the docstring being read
    blank = 0
    for line in source.split("\n"):
        if line.startswith(_TOP_LEVEL_DEFINITIONS) and not docstring:
            _check_gap_before_definition(out, blank, line)
        if blank and line.strip():
            out.extend(_blank_lines(blank, line))
            blank = 0
        if docstring or _opens_docstring(line):
            docstring.append(line)
            if (
                len(docstring) > 1
                and '"""' in line
                or len(docstring) == 1
                and line.count('"""') > 1
            ):
                out.extend(_docstring(docstring))
                docstring = []
        elif not line.strip():
            blank += 1
        elif len(line) <= LIMIT:
            out.append(line)
        else:
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            # Templates write a multi-line bracket one item a line, each ending with a comma.
            split = _item if stripped.endswith(",") else _statement
            out.extend(split(_Piece.of(stripped), indent))
    if docstring:
        raise Unsure("a docstring that does not end")
    return "\n".join(out).lstrip("\n") + "\n"  # black ends a file with exactly one newline


_TOP_LEVEL_DEFINITIONS = ("def ", "async def ", "class ", "@")


def _check_gap_before_definition(out: list[str], blank: int, line: str) -> None:
    """black puts two blank lines before a top-level definition that follows code: a template
    that printed fewer leaves black a change to make (a comment or a decorator just above it
    belongs to it, and the file's first lines are black's own case)."""
    previous = next((text for text in reversed(out) if text.strip()), None)
    opening = next((text for text in reversed(out) if text[:1] not in ("", " ", ")", "]", "}")), "")
    if previous is None or previous.startswith("#") or opening.startswith("@"):
        return  # a comment, or a decorator (even a multi-line one), belongs to the definition
    if blank != 2:
        raise Unsure(f"{blank} blank lines before {line[:60]}")


def _blank_lines(count: int, before: str) -> list[str]:
    """More blank lines than black ever keeps (two at the top level, one in a block) mean the
    templates left a gap black would close by rules of its own (imports, defs): black decides."""
    if count > (1 if before.startswith(" ") else 2):
        raise Unsure(f"{count} blank lines before {before.strip()[:60]}")
    return [""] * count


def _opens_docstring(line: str) -> bool:
    """Only a docstring starts a line with triple quotes: literals never hold a raw triple quote."""
    return line.lstrip(" ").startswith('"""')


# -- docstrings ---------------------------------------------------------------------------------------------


def _docstring(lines: list[str]) -> list[str]:
    """A docstring as black writes it (black's docstring rules: PEP 257 indentation, padding, closing quotes)."""
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" "))]
    value = "\n".join(lines)[len(indent) :]
    if not value.endswith('"""') or len(value) < 6:
        raise Unsure(value)
    if re.search(r"\\\s*\n", value):
        return lines  # black leaves a docstring with a backslash-newline alone
    body = value[3:-3]
    started_empty = not body
    body = _fix_indentation(body, indent) if "\n" in value else body.strip()
    trailing_backslash = False
    if body:
        if body[0] == '"':
            body = " " + body
        if body[-1] == '"':
            body += " "
        if body[-1] == "\\" and (len(body) - len(body.rstrip("\\"))) % 2:
            body += " "
            trailing_backslash = True
    elif not started_empty:
        body = " "
    parts = body.splitlines()
    last_length = len(parts[-1]) if body and not body.endswith("\n") else 0
    if (
        len(parts) > 1
        and last_length + 3 > LIMIT
        and len(indent) + 3 <= LIMIT
        and not trailing_backslash
    ):
        closing = '"""' if value[-4] == "\n" else "\n" + indent + '"""'
    else:
        closing = '"""'
    return (indent + '"""' + body + closing).split("\n")


def _fix_indentation(body: str, indent: str) -> str:
    lines = [_expand_leading_tabs(line) for line in re.split(r"\r\n|\r|\n", body)]
    common = min(
        (len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=None
    )
    trimmed = [lines[0].strip()]
    if common is not None:
        for i, line in enumerate(lines[1:]):
            kept = line[common:].rstrip()
            trimmed.append(indent + kept if kept or i == len(lines) - 2 else "")
    return "\n".join(trimmed)


def _expand_leading_tabs(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped == line:
        return line
    return line[: len(line) - len(stripped)].expandtabs(4) + stripped


# -- pieces of a line ------------------------------------------------------------------------------------------


class _Piece:
    """Part of one logical line, with a mask of the same length in which every string literal is
    a run of S: brackets, commas and names can then be found with plain searches."""

    __slots__ = ("text", "mask")

    def __init__(self, text: str, mask: str) -> None:
        self.text, self.mask = text, mask

    @classmethod
    def of(cls, text: str) -> _Piece:
        mask = _STRING.sub(lambda match: S * len(match.group()), text)
        if '"' in mask or "'" in mask or "\\" in mask:
            raise Unsure(text)  # a quote outside any literal: not a shape the templates print
        return cls(text, mask)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, part: slice) -> _Piece:
        return _Piece(self.text[part], self.mask[part])

    def strip(self) -> _Piece:
        start = len(self.text) - len(self.text.lstrip(" "))
        return self[start : len(self.text.rstrip(" "))]

    def last_group(self) -> tuple[int, int] | None:
        """(opening, closing) offsets of the last bracket pair at depth 0, or None when there is none."""
        depth, closing = 0, -1
        for match in reversed(list(_STRUCTURE.finditer(self.mask))):
            char = match.group()
            if char in _CLOSING:
                if depth == 0:
                    closing = match.start()
                depth += 1
            elif char in _OPENING:
                depth -= 1
                if depth == 0:
                    return match.start(), closing
                if depth < 0:
                    raise Unsure(self.text)
        return None

    def first_group(self) -> tuple[int, int]:
        depth, opening = 0, -1
        for match in _STRUCTURE.finditer(self.mask):
            char = match.group()
            if char in _OPENING:
                if depth == 0:
                    opening = match.start()
                depth += 1
            elif char in _CLOSING:
                depth -= 1
                if depth == 0:
                    return opening, match.start()
        raise Unsure(self.text)

    def items(self) -> list[_Piece]:
        """The comma-separated items of a bracket's contents, at its own depth."""
        items, depth, start = [], 0, 0
        for match in _STRUCTURE.finditer(self.mask):
            char = match.group()
            if char in _OPENING:
                depth += 1
            elif char in _CLOSING:
                depth -= 1
            elif depth == 0:
                items.append(self[start : match.start()].strip())
                start = match.end()
        last = self[start:].strip()
        return items + [last] if len(last) else items

    def collapsed(self) -> str:
        """The mask with the contents of each bracket pair dropped and every bracket written "()"."""
        out, depth, start = [], 0, 0
        for match in _STRUCTURE.finditer(self.mask):
            char = match.group()
            if char in _OPENING:
                if depth == 0:
                    out.append(self.mask[start : match.start()] + "(")
                depth += 1
            elif char in _CLOSING:
                depth -= 1
                if depth == 0:
                    start = match.end()
                    out.append(")")
        if depth:
            raise Unsure(self.text)
        return "".join(out) + self.mask[start:] if out else self.mask

    def has_brackets(self) -> bool:
        return any(char in self.mask for char in "()[]{}")


# -- statements -------------------------------------------------------------------------------------------


def _statement(line: _Piece, indent: int) -> list[str]:
    """A too-long statement line, split."""
    if line.text.startswith("#"):
        return [_pad(indent) + line.text]  # black never splits a comment
    line, comment = _split_comment(line)
    if comment.startswith("  # type:"):
        return [
            _pad(indent) + line.text + comment
        ]  # black never splits a line that a type comment ends
    text = line.text
    if text.startswith("from ") and " import " in text and "(" not in text:
        return _import(text, comment, indent)
    annotated = _ANNOTATED.fullmatch(line.mask)
    if (
        annotated
        and not annotated["rest"]
        and not comment
        and not keyword.iskeyword(annotated["name"])
    ):
        return _annotation(annotated["name"], annotated["type"], indent)
    if text.startswith(("def ", "async def ")):
        return _def(line, comment, indent)
    group = line.last_group()
    rhs = _RHS_START.match(line.mask)
    start = rhs.end() if rhs else 0
    if group is None:
        return _atom_statement(line, comment, indent, start)
    opening, closing = group
    after = text[closing + 1 :]
    if after not in ("", ":") or (after == ":" and not text.startswith(("if ", "elif ", "while "))):
        raise Unsure(text)
    primary = line[start:opening].collapsed()
    if (
        primary
        and not _PRIMARY.fullmatch(primary)
        or text[opening] == "["
        and primary
        or not (primary or rhs)
    ):
        raise Unsure(text)  # an operator, a subscript, a keyword: black may choose other splits
    split = _group(
        line[: opening + 1],
        line[opening + 1 : closing],
        text[closing:] + comment,
        indent,
        call=bool(primary),
    )
    empty = not text[opening + 1 : closing].strip()
    if empty and rhs and not primary:
        raise Unsure(text)  # `target = []`: black wraps the value in parentheses of its own
    if (indent + opening + 1 <= LIMIT and not empty) or not rhs or not primary:
        return split
    if ": " in text[:start].split("=")[0]:
        raise Unsure(text)  # black splits a long annotation in parentheses of its own
    if empty:  # nothing to split at the call: the value goes in parentheses, fitting or not
        return [
            _pad(indent) + text[:start] + "(",
            _pad(indent + 4) + text[start:] + comment,
            _pad(indent) + ")",
        ]
    return _head_too_long(line, start, comment, indent, split)


def _head_too_long(
    line: _Piece, start: int, comment: str, indent: int, split: list[str]
) -> list[str]:
    """A value whose call does not fit on the first line: black may wrap it in parentheses instead.

    black wraps `target = value` (or `return value`) in the parentheses it keeps invisible when
    every line of the wrapped form fits; otherwise it keeps the split at the call, long first
    line and all.
    """
    if comment:
        raise Unsure(line.text)
    wrapped = [
        _pad(indent) + line.text[:start] + "(",
        *_item(line[start:], indent + 4),
        _pad(indent) + ")",
    ]
    return wrapped if all(len(text) <= LIMIT for text in wrapped) else split


def _atom_statement(line: _Piece, comment: str, indent: int, rhs_start: int) -> list[str]:
    """A statement without brackets: black wraps an assigned or returned value in parentheses when that makes it fit."""
    if comment:
        raise Unsure(line.text)
    value = line[rhs_start:]
    single = bool(_ONE_TOKEN.fullmatch(value.mask))
    if rhs_start and single and indent + 4 + len(value) <= LIMIT:
        return [
            _pad(indent) + line.text[:rhs_start] + "(",
            _pad(indent + 4) + value.text,
            _pad(indent) + ")",
        ]
    if single:
        return [_pad(indent) + line.text]  # one long token: black cannot split it either
    raise Unsure(line.text)


def _split_comment(line: _Piece) -> tuple[_Piece, str]:
    start = line.mask.find("#")
    if start < 0:
        return line, ""
    if (
        line.text[:start].endswith("  ")
        and line.text[: start - 2].rstrip(" ") == line.text[: start - 2]
    ):
        return line[: start - 2], "  " + line.text[start:]
    raise Unsure(line.text)


def _import(text: str, comment: str, indent: int) -> list[str]:
    head, names = text.split(" import ", 1)
    pad = _pad(indent + 4)
    lines = [_pad(indent) + head + " import ("]
    lines += [pad + name.strip() + "," for name in names.split(",")]
    return lines + [
        _pad(indent) + ")" + comment
    ]  # an import has no other split, even when its head is long


def _def(line: _Piece, comment: str, indent: int) -> list[str]:
    """black splits a def at its parameters' bracket (the first one), not the last."""
    opening, closing = line.first_group()
    parameters = line[opening + 1 : closing]
    items = parameters.items()
    if not items:
        return _return_annotation(line, comment, indent)
    body = ", ".join(item.text for item in items)
    head, tail = line.text[: opening + 1], line.text[closing:] + comment
    if (
        len(items) > 1
        and indent + 4 + len(body) <= LIMIT
        and not parameters.text.rstrip().endswith(",")
    ):
        return _checked(
            [_pad(indent) + head, _pad(indent + 4) + body, _pad(indent) + tail], line.text
        )
    lines = [_pad(indent) + head]
    for item in items:
        lines.extend(_item(_Piece(item.text + ",", item.mask + ","), indent + 4))
    return _checked(lines + [_pad(indent) + tail], line.text)


def _return_annotation(line: _Piece, comment: str, indent: int) -> list[str]:
    """A def without parameters, too long: black puts a one-name return annotation in parentheses."""
    found = re.fullmatch(r"(.*\(\) -> )([\w.]+):", line.text)
    if found is None or comment:
        raise Unsure(line.text)  # black splits a longer annotation its own way
    return [_pad(indent) + found[1] + "(", _pad(indent + 4) + found[2], _pad(indent) + "):"]


# -- bracket groups -----------------------------------------------------------------------------------------


def _group(head: _Piece, body: _Piece, tail: str, indent: int, call: bool) -> list[str]:
    """head + body + tail split at the bracket that ends head, as black's right-hand split does."""
    one_line = body.text.strip(" ")
    # The common case first, without looking at the items: a call whose arguments fit on a line.
    if call and one_line and not one_line.endswith(",") and indent + 4 + len(one_line) <= LIMIT:
        return [_pad(indent) + head.text, _pad(indent + 4) + one_line, _pad(indent) + tail]
    items = body.items()
    magic = body.text.rstrip().endswith(",") and not (
        len(items) == 1 and head.text.endswith("(") and not call
    )
    if not items:
        if len(tail.strip()) < 3:
            return [
                _pad(indent) + head.text + tail
            ]  # black finds splitting empty brackets not worth it
        raise Unsure(head.text + tail)
    explode = magic or (
        not call and len(items) > 1
    )  # a collection of several items is one item a line
    if not explode and indent + 4 + len(one_line) <= LIMIT:
        return [_pad(indent) + head.text, _pad(indent + 4) + one_line, _pad(indent) + tail]
    lines = [_pad(indent) + head.text]
    if len(items) == 1 and not magic:  # a one-tuple keeps its comma, which is not magic
        comma = "," if body.text.rstrip().endswith(",") else ""
        lines.extend(_item(_Piece(items[0].text + comma, items[0].mask + comma), indent + 4))
    else:
        for item in items:
            lines.extend(_item(_Piece(item.text + ",", item.mask + ","), indent + 4))
    return lines + [_pad(indent) + tail]


def _item(item: _Piece, indent: int) -> list[str]:
    """One item inside brackets (with its comma, if it has one), split further if it is too long."""
    text = item.text
    if indent + len(text) <= LIMIT:
        return [_pad(indent) + text]
    annotated = _ANNOTATED.fullmatch(item.mask)
    if annotated and annotated["rest"]:
        return _parameter(annotated["name"], annotated["type"], annotated["rest"], indent)
    prefix = _ITEM_PREFIX.match(item.mask)
    assert prefix is not None  # the pattern matches the empty string
    if not item.has_brackets():
        if _ONE_TOKEN.fullmatch(item.mask[prefix.end() :].removesuffix(",")):
            return [_pad(indent) + text]  # one long string or name: black leaves it as it is
        raise Unsure(text)
    group = item.last_group()
    assert group is not None
    opening, closing = group
    if text[closing + 1 :] not in ("", ","):
        raise Unsure(text)
    before = item[prefix.end() : opening].collapsed()
    if text[opening] == "[" and before:
        raise Unsure(text)  # a subscript
    if before and not _PRIMARY.fullmatch(before):
        raise Unsure(text)
    return _group(
        item[: opening + 1], item[opening + 1 : closing], text[closing:], indent, call=bool(before)
    )


# -- annotations ------------------------------------------------------------------------------------------


def _annotation(name: str, kind: str, indent: int) -> list[str]:
    """`name: kind`, too long. black splits at the subscript that ends the type when its head
    fits; a union, or a head too long, goes in parentheses of black's own."""
    trailer = _TRAILER.fullmatch(kind)
    head = f"{name}: "
    if (
        trailer
        and len(_top_level(kind, "|")) < 2
        and indent + len(head) + len(trailer["primary"]) < LIMIT
    ):
        return [
            _pad(indent) + head + trailer["primary"] + "[",
            *_type_lines(trailer["inner"], indent + 4),
            _pad(indent) + "]",
        ]
    return _checked(
        [_pad(indent) + head + "(", *_type_lines(kind, indent + 4), _pad(indent) + ")"], kind
    )


def _parameter(name: str, kind: str, rest: str, indent: int) -> list[str]:
    """A parameter `name: kind = default,` too long: a union type goes in parentheses."""
    if len(_top_level(kind, "|")) < 2:
        raise Unsure(name + ": " + kind)  # black splits at the type's own brackets instead
    return _checked(
        [_pad(indent) + name + ": (", *_type_lines(kind, indent + 4), _pad(indent) + ")" + rest],
        kind,
    )


def _type_lines(kind: str, indent: int) -> list[str]:
    """A type inside brackets: on one line when it fits, else one operand of its union a line,
    else split at the subscript it is."""
    if indent + len(kind) <= LIMIT:
        return [_pad(indent) + kind]
    items = _top_level(kind.removesuffix(","), ",")
    if len(items) > 1:  # black gives each item a line, and the last a comma of its own
        return [line for item in items for line in _type_lines(item + ",", indent)]
    operands = _top_level(kind, "|")
    if len(operands) > 1:
        lines = [_pad(indent) + (o if i == 0 else "| " + o) for i, o in enumerate(operands)]
        if any(len(line) > LIMIT for line in lines):
            raise Unsure(kind)  # black would split the long operand further
        return lines
    trailer = _TRAILER.fullmatch(kind)
    if not trailer:
        raise Unsure(kind)  # one long name, or a trailing comma: black's other rules
    return _checked(
        [
            _pad(indent) + trailer["primary"] + "[",
            *_type_lines(trailer["inner"], indent + 4),
            _pad(indent) + "]",
        ],
        kind,
    )


def _top_level(kind: str, separator: str) -> list[str]:
    """kind's parts separated by separator outside brackets, stripped."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(kind):
        depth += (char == "[") - (char == "]")
        if char == separator and depth == 0:
            parts.append(kind[start:index].strip())
            start = index + 1
    if depth:
        raise Unsure(kind)
    return parts + [kind[start:].strip()]


def _checked(lines: list[str], what: str) -> list[str]:
    """A def whose first or last line is still too long is one black would split another way."""
    if len(lines[0]) > LIMIT or len(lines[-1]) > LIMIT:
        raise Unsure(what)
    return lines


def _pad(indent: int) -> str:
    return " " * indent


def layout_source() -> bytes:
    """This module's code: what it makes changes with it (a key of remembered output)."""
    return Path(__file__).read_bytes()
