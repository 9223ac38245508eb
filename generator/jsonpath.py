"""JSONPath queries (RFC 9535) over plain JSON-like Python data.

Overlay 1.0.0 actions name the nodes they change with a JSONPath query in
`target`. `compile_query` parses such a query once; `Query.select` returns the
matching nodes of a document, each with its location: the normalized path of
member names (str) and array indices (int) from the root.

Supported, as RFC 9535 defines them:
- the root `$`; child segments `.name`, `.*`, `[...]`; descendant segments
  `..name`, `..*`, `..[...]`; whitespace wherever the RFC allows it;
- selectors, several per bracket: names (`'a'`, `"a"`, with the RFC's
  escapes), `*`, indices (negative ones count from the end), slices
  `start:end:step` and filters `?expr`;
- filter expressions: `@` and `$` queries, existence tests, comparisons
  (`== != < <= > >=`) of literals, singular queries and function results,
  `&&`, `||`, `!` and parentheses, with the RFC's typing rules;
- the standard functions length(), count(), match(), search(), value().

Not supported, or only approximately:
- no function extensions beyond those five;
- match() and search() run the I-Regexp (RFC 9485) pattern with Python's `re`
  after a light translation (`.` excludes CR and LF, `^` and `$` are literal
  characters); Python-only syntax such as `(?...)` makes a pattern match
  nothing, other differences are not detected, and a pathological pattern may
  backtrack slowly;
- singularity is judged by shape (only name and index child segments), so
  `@[ 'a' ]` is accepted where the RFC's grammar wants `@['a']`;
- object members are visited in the dict's order; keys that are not strings
  (not JSON) are skipped; documents must not contain cycles.

Limits: a query is at most 4096 characters and nests filters, parentheses and
function calls at most 64 deep, so parsing and evaluating it stay well inside
Python's recursion limit. Documents are walked with explicit stacks, so their
depth is not limited. Only `JSONPathError` is raised, and only when compiling.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

__all__ = ["JSONPathError", "Location", "Query", "compile_query"]

MAX_EXPRESSION_LENGTH = 4096
MAX_NESTING = 64
_MAX_INDEX = 2**53 - 1  # indices and slice bounds must be exact I-JSON integers
_SHOWN_LENGTH = 200  # of the expression, in error messages

Location = tuple[str | int, ...]
_Node = tuple[Location, object]


class JSONPathError(ValueError):
    """A syntax error in a query; .position is the 0-based offset in the expression, .expression the text."""

    def __init__(self, message: str, expression: str, position: int) -> None:
        shown = expression if len(expression) <= _SHOWN_LENGTH else expression[:_SHOWN_LENGTH] + "..."
        super().__init__(f"{message} at offset {position} in {shown}")
        self.message = message
        self.expression = expression
        self.position = position


class _Nothing:
    """RFC 9535's 'Nothing': no value, as from an empty nodelist; equal only to itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Nothing"


_NOTHING = _Nothing()


# --- documents -------------------------------------------------------------


def _children(location: Location, value: object) -> Iterator[_Node]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield location + (index,), item
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):  # a location holds only JSON member names
                yield location + (key,), item


def _descendants(location: Location, value: object) -> Iterator[_Node]:
    """The node, then everything below it: each node before its descendants, children in order.

    An explicit stack, because a document may nest deeper than Python's recursion limit.
    """
    stack: list[_Node] = [(location, value)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(_children(*node))))


# --- selectors and segments ------------------------------------------------


class _Selector:
    def select(self, location: Location, value: object, root: object, out: list[_Node]) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class _Name(_Selector):
    name: str

    def select(self, location: Location, value: object, root: object, out: list[_Node]) -> None:
        if isinstance(value, dict) and self.name in value:
            out.append((location + (self.name,), value[self.name]))


@dataclass(frozen=True)
class _Wildcard(_Selector):
    def select(self, location: Location, value: object, root: object, out: list[_Node]) -> None:
        out.extend(_children(location, value))


@dataclass(frozen=True)
class _Index(_Selector):
    index: int

    def select(self, location: Location, value: object, root: object, out: list[_Node]) -> None:
        if isinstance(value, list):
            index = self.index + len(value) if self.index < 0 else self.index
            if 0 <= index < len(value):
                out.append((location + (index,), value[index]))


@dataclass(frozen=True)
class _Slice(_Selector):
    start: int | None
    end: int | None
    step: int | None

    def select(self, location: Location, value: object, root: object, out: list[_Node]) -> None:
        if not isinstance(value, list) or self.step == 0:  # a zero step selects nothing
            return
        # Python's slice arithmetic (negative bounds, clamping, defaults that
        # depend on the step's sign) is exactly the RFC's.
        for index in range(*slice(self.start, self.end, self.step).indices(len(value))):
            out.append((location + (index,), value[index]))


@dataclass(frozen=True)
class _Filter(_Selector):
    condition: _Expr

    def select(self, location: Location, value: object, root: object, out: list[_Node]) -> None:
        for child in _children(location, value):
            if self.condition.test(child[1], root):
                out.append(child)


@dataclass(frozen=True)
class _Segment:
    selectors: tuple[_Selector, ...]
    descendant: bool

    def apply(self, nodes: list[_Node], root: object) -> list[_Node]:
        out: list[_Node] = []
        for location, value in nodes:
            targets = _descendants(location, value) if self.descendant else iter(((location, value),))
            for target_location, target_value in targets:
                for selector in self.selectors:
                    selector.select(target_location, target_value, root, out)
        return out


@dataclass(frozen=True)
class _Path:
    """A query's segments, applied from the root (`$`) or from the current node (`@`)."""

    absolute: bool
    segments: tuple[_Segment, ...]

    @functools.cached_property  # asked for every node a filter tests
    def singular(self) -> bool:
        return all(
            not segment.descendant
            and len(segment.selectors) == 1
            and isinstance(segment.selectors[0], (_Name, _Index))
            for segment in self.segments
        )

    def nodes(self, current: object, root: object) -> list[_Node]:
        nodes: list[_Node] = [((), root if self.absolute else current)]
        for segment in self.segments:
            if not nodes:
                break
            nodes = segment.apply(nodes, root)
        return nodes

    def single_value(self, current: object, root: object) -> object:
        """The value a singular query selects, or Nothing; no nodelist is built."""
        value = root if self.absolute else current
        for segment in self.segments:
            out: list[_Node] = []
            segment.selectors[0].select((), value, root, out)
            if not out:
                return _NOTHING
            value = out[0][1]
        return value


# --- filter expressions ----------------------------------------------------


class _Expr:
    """A logical expression: true or false for the current node."""

    def test(self, current: object, root: object) -> bool:
        raise NotImplementedError


class _Operand:
    """What yields a value in a filter: a literal, a singular query, a function call."""

    def evaluate(self, current: object, root: object) -> object:
        raise NotImplementedError


@dataclass(frozen=True)
class _Junction(_Expr):
    """`a && b && ...` (need_all) or `a || b || ...`; flat, so long chains do not nest."""

    parts: tuple[_Expr, ...]
    need_all: bool

    def test(self, current: object, root: object) -> bool:
        tests = (part.test(current, root) for part in self.parts)
        return all(tests) if self.need_all else any(tests)


@dataclass(frozen=True)
class _Not(_Expr):
    part: _Expr

    def test(self, current: object, root: object) -> bool:
        return not self.part.test(current, root)


@dataclass(frozen=True)
class _Exists(_Expr):
    path: _Path

    def test(self, current: object, root: object) -> bool:
        if self.path.singular:
            return self.path.single_value(current, root) is not _NOTHING
        return bool(self.path.nodes(current, root))


@dataclass(frozen=True)
class _Comparison(_Expr):
    left: _Operand
    op: str
    right: _Operand

    def test(self, current: object, root: object) -> bool:
        compare = _COMPARATORS[self.op]
        return compare(self.left.evaluate(current, root), self.right.evaluate(current, root))


@dataclass(frozen=True)
class _LogicalCall(_Expr):
    call: _Call

    def test(self, current: object, root: object) -> bool:
        return self.call.evaluate(current, root) is True


@dataclass(frozen=True)
class _Literal(_Operand):
    value: object

    def evaluate(self, current: object, root: object) -> object:
        return self.value


@dataclass(frozen=True)
class _SingularQuery(_Operand):
    path: _Path

    def evaluate(self, current: object, root: object) -> object:
        return self.path.single_value(current, root)


@dataclass(frozen=True)
class _NodesArgument(_Operand):
    """A query passed to a function that takes a nodelist: yields the list of values."""

    path: _Path

    def evaluate(self, current: object, root: object) -> object:
        return [value for _, value in self.path.nodes(current, root)]


@dataclass(frozen=True)
class _Function:
    params: tuple[str, ...]  # "value" or "nodes", as the RFC types parameters
    result: str  # "value" or "logical"
    apply: Callable[..., object]


@dataclass(frozen=True)
class _Call(_Operand):
    name: str
    function: _Function
    arguments: tuple[_Operand, ...]

    def evaluate(self, current: object, root: object) -> object:
        return self.function.apply(*(argument.evaluate(current, root) for argument in self.arguments))


@dataclass(frozen=True)
class _QueryOperand:
    """A query as parsed, before its use (test, value or nodelist) is known."""

    path: _Path


# --- comparison ------------------------------------------------------------


def _is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int in Python, but JSON's true is no number: true != 1.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(left: object, right: object) -> bool:
    if left is _NOTHING or right is _NOTHING:
        return left is right  # two empty nodelists are equal, nothing else equals one
    pending = [(left, right)]  # a stack, not recursion: arrays may nest deeply
    while pending:
        a, b = pending.pop()
        if not _shallow_equal(a, b, pending):
            return False
    return True


def _shallow_equal(a: object, b: object, pending: list[tuple[object, object]]) -> bool:
    """Whether a and b may be equal; pushes the pairs of members still to compare."""
    if a is b and not isinstance(a, float):  # spares walking a subtree compared with itself (NaN aside)
        return True
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        pending.extend(zip(a, b))
        return len(a) == len(b)
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        pending.extend((a[key], b[key]) for key in a)
        return True
    return False


def _less(a: object, b: object) -> bool:
    # Only numbers with numbers and strings with strings are ordered (strings
    # by code point, as Python compares them); anything else is not less.
    if _is_number(a) and _is_number(b):
        return a < b
    if isinstance(a, str) and isinstance(b, str):
        return a < b
    return False


_COMPARATORS: dict[str, Callable[[object, object], bool]] = {
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<": _less,
    "<=": lambda a, b: _less(a, b) or _equal(a, b),
    ">": lambda a, b: _less(b, a),
    ">=": lambda a, b: _less(b, a) or _equal(a, b),
}
_COMPARISON_OPS = ("==", "!=", "<=", ">=", "<", ">")  # longest first


# --- functions -------------------------------------------------------------


def _length(value: object) -> object:
    return len(value) if isinstance(value, (str, list, dict)) else _NOTHING


def _regex_test(value: object, pattern: object, whole: bool) -> bool:
    if not isinstance(value, str) or not isinstance(pattern, str):
        return False
    compiled = _compile_iregexp(pattern)
    if compiled is None:  # an invalid pattern matches nothing (RFC 9535 2.4.6)
        return False
    found = compiled.fullmatch(value) if whole else compiled.search(value)
    return found is not None


@functools.lru_cache(maxsize=256)
def _compile_iregexp(pattern: str) -> re.Pattern[str] | None:
    translated = _translate_iregexp(pattern)
    if translated is None:
        return None
    try:
        return re.compile(translated)
    except Exception:  # the pattern may come from the document: whatever fails to compile matches nothing
        return None


def _translate_iregexp(pattern: str) -> str | None:
    """Python's spelling of an I-Regexp, or None for syntax I-Regexp does not have."""
    parts: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            parts.append(pattern[index : index + 2])  # an escape is copied whole
            index += 2
            continue
        if in_class:
            in_class = char != "]"
            parts.append(char)
        elif char == "(" and pattern.startswith("?", index + 1):
            return None  # Python's extensions (flags, lookaround, named groups)
        elif char == ".":
            parts.append("[^\\n\\r]")  # I-Regexp's dot excludes both line ends
        elif char in "^$":
            parts.append("\\" + char)  # I-Regexp has no anchors; these are plain characters
        else:
            in_class = char == "["
            parts.append(char)
        index += 1
    return "".join(parts)


_FUNCTIONS = {
    "length": _Function(("value",), "value", _length),
    "count": _Function(("nodes",), "value", len),
    "value": _Function(("nodes",), "value", lambda values: values[0] if len(values) == 1 else _NOTHING),
    "match": _Function(("value", "value"), "logical", functools.partial(_regex_test, whole=True)),
    "search": _Function(("value", "value"), "logical", functools.partial(_regex_test, whole=False)),
}


# --- parsing ---------------------------------------------------------------

_BLANKS = " \t\n\r"
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_FUNCTION_NAME = re.compile(r"[a-z][a-z0-9_]*")
_KEYWORDS: dict[str, object] = {"true": True, "false": False, "null": None}
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\"}
_HEX_DIGITS = "0123456789abcdefABCDEF"
_AnyOperand = _Operand | _QueryOperand


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"  # ASCII only; also false for "" (end of text)


def _is_name_first(char: str) -> bool:
    # RFC 9535 name-first: ALPHA / "_" / %x80-D7FF / %xE000-10FFFF (no surrogates)
    if "a" <= char <= "z" or "A" <= char <= "Z" or char == "_":
        return True
    return char >= "\x80" and not "\ud800" <= char <= "\udfff"


def _is_name_char(char: str) -> bool:
    return _is_name_first(char) or _is_digit(char)


class _Parser:
    """A recursive-descent parser of RFC 9535's grammar; the nesting cap bounds its recursion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.nesting = 0

    def error(self, message: str, position: int | None = None) -> JSONPathError:
        return JSONPathError(message, self.text, self.pos if position is None else position)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self, token: str) -> bool:
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def skip_blanks(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _BLANKS:
            self.pos += 1

    def take_after_blanks(self, token: str) -> bool:
        """Consume blanks and token, or nothing when token does not follow the blanks."""
        start = self.pos
        self.skip_blanks()
        if self.take(token):
            return True
        self.pos = start
        return False

    def enter(self, position: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", position)

    def leave(self) -> None:
        self.nesting -= 1

    # queries, segments, selectors

    def parse_root_query(self) -> _Path:
        if not self.take("$"):
            raise self.error("a query starts with '$'")
        path = _Path(True, self.parse_segments())
        if self.pos < len(self.text):
            raise self.error(f"unexpected {self.peek()!r}")
        return path

    def parse_segments(self) -> tuple[_Segment, ...]:
        segments: list[_Segment] = []
        while True:
            start = self.pos
            self.skip_blanks()  # blanks may separate segments, but must be followed by one
            if self.take(".."):
                segments.append(self.parse_descendant_segment())
            elif self.take("."):
                selector = self.parse_shorthand("expected a member name or '*' after '.'")
                segments.append(_Segment((selector,), False))
            elif self.peek() == "[":
                segments.append(_Segment(self.parse_bracketed(), False))
            else:
                self.pos = start
                return tuple(segments)

    def parse_descendant_segment(self) -> _Segment:
        if self.peek() == "[":
            return _Segment(self.parse_bracketed(), True)
        return _Segment((self.parse_shorthand("expected a member name, '*' or '[' after '..'"),), True)

    def parse_shorthand(self, message: str) -> _Selector:
        if self.take("*"):
            return _Wildcard()
        if not _is_name_first(self.peek()):
            raise self.error(message)
        start = self.pos
        while _is_name_char(self.peek()):
            self.pos += 1
        return _Name(self.text[start : self.pos])

    def parse_bracketed(self) -> tuple[_Selector, ...]:
        self.pos += 1  # the '['
        selectors: list[_Selector] = []
        while True:
            self.skip_blanks()
            selectors.append(self.parse_selector())
            self.skip_blanks()
            if self.take("]"):
                return tuple(selectors)
            if not self.take(","):
                raise self.error("expected ',' or ']'")

    def parse_selector(self) -> _Selector:
        char = self.peek()
        if char in ("'", '"'):
            return _Name(self.parse_string())
        if char == "*":
            self.pos += 1
            return _Wildcard()
        if char == "?":
            return self.parse_filter()
        if char in (":", "-") or _is_digit(char):
            return self.parse_index_or_slice()
        raise self.error("expected a selector: a quoted name, '*', an index, a slice or a filter")

    def parse_filter(self) -> _Filter:
        self.enter(self.pos)
        self.pos += 1  # the '?'
        self.skip_blanks()
        condition = self.parse_logical_or()
        self.leave()
        return _Filter(condition)

    def parse_index_or_slice(self) -> _Selector:
        start = self.parse_optional_int()
        if not self.take_after_blanks(":"):
            if start is None:
                raise self.error("expected an index")
            return _Index(start)
        self.skip_blanks()
        end = self.parse_optional_int()
        step = None
        if self.take_after_blanks(":"):
            self.skip_blanks()
            step = self.parse_optional_int()
        return _Slice(start, end, step)

    def parse_optional_int(self) -> int | None:
        match = _INT.match(self.text, self.pos)
        if match is None:
            if self.peek() == "-":
                raise self.error("expected a digit after '-'")
            return None
        digits = match.group()
        if digits in ("0", "-0") and _is_digit(self.text[match.end() : match.end() + 1]):
            raise self.error("leading zeros are not allowed")
        if digits == "-0":
            raise self.error("'-0' is not an index")
        if len(digits) > 17 or abs(int(digits)) > _MAX_INDEX:
            raise self.error(f"index out of range (at most {_MAX_INDEX} either way)")
        self.pos = match.end()
        return int(digits)

    def parse_string(self) -> str:
        start = self.pos
        quote = self.text[self.pos]
        self.pos += 1
        chars: list[str] = []
        while True:
            char = self.peek()
            if char == "":
                raise self.error("unterminated string", start)
            if char == quote:
                self.pos += 1
                return "".join(chars)
            if char == "\\":
                chars.append(self.parse_escape(quote))
            elif char < " " or "\ud800" <= char <= "\udfff":
                raise self.error("control character or lone surrogate in string; escape it")
            else:
                chars.append(char)
                self.pos += 1

    def parse_escape(self, quote: str) -> str:
        start = self.pos
        self.pos += 1  # the backslash
        char = self.peek()
        if char == quote or char in _ESCAPES:
            self.pos += 1
            return quote if char == quote else _ESCAPES[char]
        if not self.take("u"):
            raise self.error("invalid escape", start)
        code = self.parse_hex4(start)
        if 0xDC00 <= code <= 0xDFFF:
            raise self.error("a low surrogate must follow a high surrogate", start)
        if 0xD800 <= code <= 0xDBFF:
            low_start = self.pos
            if not self.take("\\u"):
                raise self.error("a high surrogate must be followed by an escaped low surrogate", start)
            low = self.parse_hex4(low_start)
            if not 0xDC00 <= low <= 0xDFFF:
                raise self.error("a high surrogate must be followed by a low surrogate", low_start)
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        return chr(code)

    def parse_hex4(self, escape_start: int) -> int:
        digits = self.text[self.pos : self.pos + 4]
        if len(digits) != 4 or any(digit not in _HEX_DIGITS for digit in digits):
            raise self.error("expected four hex digits after '\\u'", escape_start)
        self.pos += 4
        return int(digits, 16)

    # filter expressions

    def parse_logical_or(self) -> _Expr:
        parts = [self.parse_logical_and()]
        while self.take_after_blanks("||"):
            self.skip_blanks()
            parts.append(self.parse_logical_and())
        return parts[0] if len(parts) == 1 else _Junction(tuple(parts), need_all=False)

    def parse_logical_and(self) -> _Expr:
        parts = [self.parse_basic()]
        while self.take_after_blanks("&&"):
            self.skip_blanks()
            parts.append(self.parse_basic())
        return parts[0] if len(parts) == 1 else _Junction(tuple(parts), need_all=True)

    def parse_basic(self) -> _Expr:
        start = self.pos
        if self.take("!"):
            self.skip_blanks()
            operand_start = self.pos
            negated = self.parse_paren() if self.peek() == "(" else self.as_test(self.parse_operand(), operand_start)
            if self.comparison_ahead():
                raise self.error("'!' cannot negate a comparison; write !(a == b)", start)
            return _Not(negated)
        if self.peek() == "(":
            return self.parse_paren()
        left = self.parse_operand()
        op = self.comparison_ahead()
        if op is None:
            return self.as_test(left, start)
        self.skip_blanks()
        self.pos += len(op)
        self.skip_blanks()
        right_start = self.pos
        right = self.parse_operand()
        return _Comparison(self.as_value(left, start), op, self.as_value(right, right_start))

    def comparison_ahead(self) -> str | None:
        index = self.pos
        while index < len(self.text) and self.text[index] in _BLANKS:
            index += 1
        return next((op for op in _COMPARISON_OPS if self.text.startswith(op, index)), None)

    def parse_paren(self) -> _Expr:
        self.enter(self.pos)
        self.pos += 1  # the '('
        self.skip_blanks()
        inner = self.parse_logical_or()
        self.skip_blanks()
        if not self.take(")"):
            raise self.error("expected ')'")
        self.leave()
        return inner

    def parse_operand(self) -> _AnyOperand:
        char = self.peek()
        if char in ("'", '"'):
            return _Literal(self.parse_string())
        if char == "-" or _is_digit(char):
            return _Literal(self.parse_number())
        if char in ("@", "$"):
            self.pos += 1
            return _QueryOperand(_Path(char == "$", self.parse_segments()))
        match = _FUNCTION_NAME.match(self.text, self.pos)
        if match is not None:
            if self.text.startswith("(", match.end()):
                return self.parse_call(match.group())
            if match.group() in _KEYWORDS:
                self.pos = match.end()
                return _Literal(_KEYWORDS[match.group()])
        raise self.error("expected a literal, a query ('@' or '$') or a function call")

    def parse_number(self) -> int | float:
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.error("expected a number")
        if match.group(1) is None and match.group(2) is None:
            if match.group() in ("0", "-0") and _is_digit(self.text[match.end() : match.end() + 1]):
                raise self.error("leading zeros are not allowed")
            self.pos = match.end()
            return int(match.group())
        self.pos = match.end()
        return float(match.group())

    def parse_call(self, name: str) -> _Call:
        start = self.pos
        function = _FUNCTIONS.get(name)
        if function is None:
            raise self.error(f"unknown function {name}()", start)
        self.enter(start)
        self.pos += len(name) + 1  # the name and '('
        arguments = self.parse_arguments()
        self.leave()
        if len(arguments) != len(function.params):
            count = len(function.params)
            raise self.error(f"{name}() takes {count} argument{'s' if count > 1 else ''}", start)
        converted = tuple(
            self.as_argument(name, operand, position, kind)
            for (operand, position), kind in zip(arguments, function.params)
        )
        return _Call(name, function, converted)

    def parse_arguments(self) -> list[tuple[_AnyOperand, int]]:
        arguments: list[tuple[_AnyOperand, int]] = []
        self.skip_blanks()
        if self.take(")"):
            return arguments
        while True:
            position = self.pos
            arguments.append((self.parse_operand(), position))
            self.skip_blanks()
            if self.take(")"):
                return arguments
            if not self.take(","):
                raise self.error("expected ',' or ')'")
            self.skip_blanks()

    # the RFC's typing rules: what may be tested, compared or passed

    def as_test(self, operand: _AnyOperand, position: int) -> _Expr:
        if isinstance(operand, _QueryOperand):
            return _Exists(operand.path)
        if isinstance(operand, _Call):
            if operand.function.result == "logical":
                return _LogicalCall(operand)
            raise self.error(f"the result of {operand.name}() must be compared", position)
        raise self.error("a literal must be compared", position)

    def as_value(self, operand: _AnyOperand, position: int) -> _Operand:
        if isinstance(operand, _QueryOperand):
            if not operand.path.singular:
                raise self.error("a query that may select several nodes cannot be used as a value", position)
            return _SingularQuery(operand.path)
        if isinstance(operand, _Call) and operand.function.result != "value":
            raise self.error(f"{operand.name}() is true or false, not a value to compare", position)
        return operand

    def as_argument(self, name: str, operand: _AnyOperand, position: int, kind: str) -> _Operand:
        if kind == "value":
            return self.as_value(operand, position)
        if not isinstance(operand, _QueryOperand):
            raise self.error(f"{name}() takes a query here", position)
        return _NodesArgument(operand.path)


# --- public API --------------------------------------------------------------


class Query:
    """A compiled JSONPath query."""

    __slots__ = ("expression", "_path")

    def __init__(self, expression: str, path: _Path) -> None:
        self.expression = expression
        self._path = path

    def select(self, root: object) -> list[tuple[Location, object]]:
        """The nodelist, in RFC 9535 order, as (location, value) pairs; may hold duplicates."""
        return self._path.nodes(root, root)

    def __repr__(self) -> str:
        return f"compile_query({self.expression!r})"


def compile_query(expression: str) -> Query:
    """Parse an RFC 9535 query; raises JSONPathError when it is not one."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise JSONPathError(
            f"query longer than {MAX_EXPRESSION_LENGTH} characters", expression, MAX_EXPRESSION_LENGTH
        )
    try:
        return Query(expression, _Parser(expression).parse_root_query())
    except RecursionError:  # only when called already deep: the nesting cap keeps parsing to ~520 frames
        raise JSONPathError("query nests too deeply for the current call stack", expression, 0) from None
