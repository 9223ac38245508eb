"""The one place that turns spec text into Python source text.

Templates never print a spec string directly: each context has its filter here.
A string literal is always `repr`-style with every non-printable or non-ASCII
character escaped, so nothing in the text can end the literal, start an
f-string field, or break a line; docstrings and comments are cleaned so they
can only ever be a docstring or a comment.
"""

from __future__ import annotations

import re

from generator.model.names import is_identifier

# What makes a comment on line 1 or 2 an encoding declaration (PEP 263:
# ^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+), matched anywhere after the '#').
_CODING = re.compile(r"coding([:=])")

# Characters Python (or an editor) treats as line ends, besides \n.
_LINE_BREAKS = ("\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def string_literal(value: object) -> str:
    """A Python string literal for value: ASCII only, every special character escaped.

    Double-quoted unless the text holds more double quotes than single ones: black's choice,
    so black leaves the literal as it is.
    """
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    if text.isascii() and text.isprintable():  # the common case, without a look at each character
        return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote
    return quote + "".join(_escaped(ch, quote) for ch in text) + quote


def _escaped(ch: str, quote: str = '"') -> str:
    if " " <= ch <= "~":
        return "\\" + ch if ch == quote or ch == "\\" else ch
    code = ord(ch)
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    # \U for astral characters: a JSON-style surrogate pair would be two separate characters in Python
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    )


def python_value(value: object) -> str:
    """A Python literal for a JSON value (defaults, enum values, examples)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return f"float({string_literal(repr(value))})"
        return repr(value).replace("e+", "e")  # black writes 1e16, not 1e+16
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{string_literal(k)}: {python_value(v)}" for k, v in value.items())
            + "}"
        )
    return string_literal(value)


def toml_string(value: object) -> str:
    """A TOML basic string for value: ASCII only, with TOML's own escapes (it has no \\x, and a
    single-quoted TOML string has no escapes at all, so a Python literal is no TOML string)."""
    return '"' + "".join(_toml_escaped(ch) for ch in str(value)) + '"'


def _toml_escaped(ch: str) -> str:
    if " " <= ch <= "~":
        return "\\" + ch if ch in '"\\' else ch
    named = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}.get(ch)
    if named:
        return named
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate is no Unicode scalar value: TOML cannot hold it
        code = 0xFFFD
    return f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"


def docstring_text(value: object, indent: str = "") -> str:
    """Text that is safe inside a triple-double-quoted, non-raw docstring."""
    text = _one_kind_of_newline(str(value)).strip()
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if not text.replace("\n", "").isprintable():
        text = "".join(ch if ch == "\n" or ch.isprintable() else _escaped(ch) for ch in text)
    if text.endswith('"'):
        text += " "
    return text.replace("\n", "\n" + indent) if indent else text


def comment_text(value: object) -> str:
    """One line of text that is safe after a '#', and is no encoding declaration: on line 1 or
    2 of a file, `coding=utf-7` or `coding: unicode_escape` (PEP 263) would make Python decode
    the whole file so, so its ':' or '=' is written as an escape (`coding\\x3dutf-7`)."""
    text = " ".join(_one_kind_of_newline(str(value)).split())
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return _CODING.sub(lambda m: f"coding\\x{ord(m.group(1)):02x}", text)


def identifier(value: str) -> str:
    """Identifiers come from the naming pipeline; this only refuses anything that is not one."""
    if not is_identifier(value):
        raise ValueError(f"not an identifier from the naming pipeline: {value!r}")
    return value


def dotted(value: str) -> str:
    """A dotted module path made of identifiers."""
    for part in value.split("."):
        identifier(part)
    return value


def _one_kind_of_newline(text: str) -> str:
    for brk in _LINE_BREAKS:
        text = text.replace(brk, "\n")
    return text
