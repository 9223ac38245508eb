"""What an overlay action's `target` selects, through the `jsonpath-rfc9535` library, within our limits.

`compile_target` parses a target once; `Target.select` returns every node it selects, in RFC 9535
order and with duplicates, as (location, value) pairs: the location is the tuple of member names
(str) and array indices (int) from the root, so that an action can remove a node from its parent.
`TargetError` is the only error either raises; the overlay reports it as `overlay-target`.

What we add to the library:
- limits checked before the library sees a query: at most 4096 characters, and brackets and
  parentheses (filters, groups, function calls) nested at most 64 deep; then at most 256
  segments (the library evaluates each segment in a generator that wraps the previous one's);
- a descendant segment (`..`) goes at most 256 levels down, twice the nesting a loaded document
  may have (an overlay's update, itself at most 128 deep, may land at the bottom of one);
- match() and search() of our own: RFC 9485 read as written, so `^` and `$` are ordinary
  characters (the library, like the Compliance Test Suite, anchors with them), and quantifiers
  such as `{10}` are accepted (the library's I-Regexp check refuses two digits). A pattern is
  translated to the `regex` module's syntax and runs with a timeout: all the patterns of one
  selection share 1 second, and a selection that needs more stops with a TargetError instead of
  backtracking for hours. A pattern that counted repetitions would make larger than 10,000 steps
  of the engine's program, or longer than 4096 characters, is a TargetError too.

`NodeBudget` keeps an overlay's updates below the loader's node and nesting limits.
"""

from __future__ import annotations

import functools
import time
from contextvars import ContextVar
from typing import Any

import regex
from jsonpath_rfc9535 import (
    JSONPathEnvironment,
    JSONPathError,
    JSONPathQuery,
    JSONPathRecursionError,
)
from jsonpath_rfc9535.function_extensions import ExpressionType, FilterFunction

from generator.ingest.document import count_nodes, nesting
from generator.ingest.loader import DEFAULT_LIMITS

__all__ = [
    "Location",
    "NodeBudget",
    "Target",
    "TargetError",
    "TooDeep",
    "TooLarge",
    "compile_target",
    "count_nodes",
]

MAX_QUERY_LENGTH = 4096
MAX_NESTING = 64
MAX_SEGMENTS = 256
MAX_DESCENT = 2 * DEFAULT_LIMITS.max_depth
REGEX_SECONDS = 1.0  # for all the patterns one selection runs
MAX_PATTERN_LENGTH = 4096
MAX_PATTERN_WEIGHT = 10_000
_SHOWN_LENGTH = 200  # of the query, in messages

Location = tuple[str | int, ...]


class TargetError(ValueError):
    """A target that is not a query we run, or whose selection had to stop.

    .problem says what, .expression is the query, .position the 0-based offset in it when known.
    """

    def __init__(
        self, problem: str, expression: str, position: int | None = None, evaluating: bool = False
    ) -> None:
        shown = (
            expression if len(expression) <= _SHOWN_LENGTH else expression[:_SHOWN_LENGTH] + "..."
        )
        lead = (
            "the target cannot be evaluated" if evaluating else "the target is not a JSONPath query"
        )
        where = "" if position is None else f" at offset {position}"
        super().__init__(f"{lead}: {problem}{where} in {shown}")
        self.problem = problem
        self.expression = expression
        self.position = position


class Target:
    """A compiled overlay target."""

    __slots__ = ("expression", "_query")

    def __init__(self, expression: str, query: JSONPathQuery) -> None:
        self.expression = expression
        self._query = query

    def select(self, document: object) -> list[tuple[Location, object]]:
        """The nodelist, in RFC 9535 order, as (location, value) pairs; may hold duplicates."""
        token = _regex_deadline.set(time.monotonic() + REGEX_SECONDS)
        try:
            return [(node.location, node.value) for node in self._query.finditer(document)]  # type: ignore[arg-type]
        except _PatternStopped as exc:
            raise TargetError(str(exc), self.expression, evaluating=True) from None
        except JSONPathRecursionError:
            raise TargetError(
                f"the document nests deeper than {MAX_DESCENT} levels under a descendant segment",
                self.expression,
                evaluating=True,
            ) from None
        except JSONPathError as exc:
            raise _library_error(exc, self.expression, evaluating=True) from None
        except RecursionError:
            raise TargetError(
                "the query and the document nest too deeply for the call stack",
                self.expression,
                evaluating=True,
            ) from None
        finally:
            _regex_deadline.reset(token)

    def __repr__(self) -> str:
        return f"compile_target({self.expression!r})"


def compile_target(expression: str) -> Target:
    """Parse an RFC 9535 query; raises TargetError when it is not one, or is beyond our limits."""
    if len(expression) > MAX_QUERY_LENGTH:
        raise TargetError(
            f"query longer than {MAX_QUERY_LENGTH} characters", expression, MAX_QUERY_LENGTH
        )
    _check_nesting(expression)
    try:
        query = _ENVIRONMENT.compile(expression)
    except JSONPathError as exc:
        raise _library_error(exc, expression) from None
    except RecursionError:  # only when called already deep: the nesting cap keeps parsing shallow
        raise TargetError(
            "query nests too deeply for the current call stack", expression, 0
        ) from None
    if len(query.segments) > MAX_SEGMENTS:
        raise TargetError(f"more than {MAX_SEGMENTS} segments", expression)
    return Target(expression, query)


def _library_error(exc: JSONPathError, expression: str, evaluating: bool = False) -> TargetError:
    token = exc.token
    problem = str(exc.args[0]) if exc.args else type(exc).__name__
    return TargetError(problem, expression, token.index if token is not None else None, evaluating)


def _check_nesting(expression: str) -> None:
    """Brackets and parentheses outside string literals nest at most MAX_NESTING deep."""
    depth = 0
    quote = ""
    index = 0
    while index < len(expression):
        char = expression[index]
        if quote:
            if char == "\\":
                index += 1  # the escaped character cannot end the literal
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
            if depth > MAX_NESTING:
                raise TargetError(f"nesting deeper than {MAX_NESTING} levels", expression, index)
        elif char in "])":
            depth -= 1
        index += 1


# --- match() and search() ------------------------------------------------------

_regex_deadline: ContextVar[float] = ContextVar("regex_deadline", default=0.0)


class _PatternStopped(Exception):
    """Raised inside the library's evaluation; select turns it into a TargetError."""


class _RegexFunction(FilterFunction):
    arg_types = [ExpressionType.VALUE, ExpressionType.VALUE]
    return_type = ExpressionType.LOGICAL

    def __init__(self, name: str, whole: bool) -> None:
        self.name = name
        self.whole = whole

    def __call__(self, value: object, pattern: object) -> bool:
        if not isinstance(value, str) or not isinstance(pattern, str):
            return False
        compiled = _compiled(pattern, self.name)
        if compiled is None:  # not an I-Regexp: matches nothing (RFC 9535 2.4.6, 2.4.7)
            return False
        deadline = _regex_deadline.get() or time.monotonic() + REGEX_SECONDS
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            found = (
                compiled.fullmatch(value, timeout=left)
                if self.whole
                else compiled.search(value, timeout=left)
            )
        except TimeoutError:
            raise _PatternStopped(
                f"{self.name}() ran longer than {REGEX_SECONDS:g} second; "
                "its pattern backtracks too much for the text it is given"
            ) from None
        return found is not None


@functools.lru_cache(maxsize=256)
def _cached(pattern: str) -> regex.Pattern[str] | None | str:
    """The compiled pattern, None when it is no I-Regexp, or why it is refused."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"a pattern longer than {MAX_PATTERN_LENGTH} characters"
    translated = translate_iregexp(pattern)
    if translated is None:
        return None
    text, weight = translated
    if weight > MAX_PATTERN_WEIGHT:
        return (
            f"the pattern repeats too much (about {weight:,} steps; at most {MAX_PATTERN_WEIGHT:,})"
        )
    try:
        return regex.compile(text, regex.VERSION0)
    except regex.error:  # a range out of order, a quantifier {3,1}: no I-Regexp either
        return None


def _compiled(pattern: str, name: str) -> regex.Pattern[str] | None:
    found = _cached(pattern)
    if isinstance(found, str):
        raise _PatternStopped(f"{name}(): {found}")
    return found


# RFC 9485 section 3, the whole grammar; the names follow its ABNF.
_CATEGORIES = frozenset(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po Z Zs Zl Zp S Sm Sc Sk So C Cc Cf Co Cn".split()
)
_SINGLE_ESCAPES = {**{char: char for char in "()*+-.?[\\]^{|}"}, "n": "\n", "r": "\r", "t": "\t"}
_RANGE_QUANTIFIER = regex.compile(r"\{([0-9]+)(,([0-9]*))?\}")
_PROPERTY = regex.compile(r"\\([pP])\{([A-Za-z]{1,2})\}")


def translate_iregexp(pattern: str) -> tuple[str, int] | None:
    """The `regex` module's spelling of an I-Regexp (RFC 9485), with a weight that bounds the size of
    its compiled program; None when pattern is not an I-Regexp."""
    out: list[str] = []
    weights = [0]  # per open group: the weight of what it holds so far
    last = 0  # the weight of the last atom, 0 when no quantifier may follow
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "(":
            out.append("(?:")
            weights.append(0)
            last = 0
        elif char == ")":
            if len(weights) == 1:
                return None
            last = max(weights.pop(), 1)
            weights[-1] += last
            out.append(")")
        elif char == "|":
            out.append("|")
            last = 0
        elif char in "*+?":
            if not last:
                return None
            out.append(char)
            last = 0
        elif char == "{":
            quantifier = _RANGE_QUANTIFIER.match(pattern, index)
            if quantifier is None or not last:
                return None
            most = int(quantifier.group(3) or quantifier.group(1))
            weights[-1] += last * (max(most, 1) - 1)
            out.append(quantifier.group())
            index = quantifier.end()
            last = 0
            continue
        else:
            atom = _atom(pattern, index)
            if atom is None:
                return None
            text, index = atom
            out.append(text)
            weights[-1] += 1
            last = 1
            continue
        index += 1
    if len(weights) > 1:
        return None
    return "".join(out), weights[0]


def _atom(pattern: str, index: int) -> tuple[str, int] | None:
    """A NormalChar, a dot, an escape or a character class at index: its translation and where it ends."""
    char = pattern[index]
    if char == ".":
        return "[^\\n\\r]", index + 1
    if char == "[":
        return _class(pattern, index)
    if char == "\\":
        return _escape(pattern, index, _literal)
    if char in "]{}" or "\ud800" <= char <= "\udfff":
        return None
    return _literal(char), index + 1


def _escape(pattern: str, index: int, literal: Any) -> tuple[str, int] | None:
    prop = _PROPERTY.match(pattern, index)
    if prop is not None:
        return (prop.group(), prop.end()) if prop.group(2) in _CATEGORIES else None
    escaped = _SINGLE_ESCAPES.get(pattern[index + 1 : index + 2])
    return None if escaped is None else (literal(escaped), index + 2)


def _class(pattern: str, index: int) -> tuple[str, int] | None:
    """charClassExpr: '[' ['^'] ('-' / CCE1) *CCE1 ['-'] ']'."""
    out = ["["]
    index += 1
    if pattern.startswith("^", index):
        out.append("^")
        index += 1
    items = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "]" and items:
            out.append("]")
            return "".join(out), index + 1
        if char == "-":
            # only first or last: '[-a]', '[a-]'
            if items and not pattern.startswith("]", index + 1):
                return None
            out.append(_literal("-"))
            index += 1
        elif char == "\\" and _PROPERTY.match(pattern, index):
            escaped = _escape(pattern, index, _literal)
            if escaped is None:
                return None
            out.append(escaped[0])
            index = escaped[1]
        else:
            low = _class_char(pattern, index)
            if low is None:
                return None
            first, index = low
            if pattern.startswith("-", index) and not pattern.startswith("-]", index):
                high = _class_char(pattern, index + 1)
                if high is None or high[0] < first:
                    return None
                out.append(f"{_literal(first)}-{_literal(high[0])}")
                index = high[1]
            else:
                out.append(_literal(first))
        items += 1
    return None  # no closing bracket


def _class_char(pattern: str, index: int) -> tuple[str, int] | None:
    """CCchar: any character but '-', '[', '\\', ']' and surrogates, or a SingleCharEsc."""
    if index >= len(pattern):
        return None
    char = pattern[index]
    if char == "\\":
        return (
            _escape(pattern, index, lambda escaped: escaped)
            if not _PROPERTY.match(pattern, index)
            else None
        )
    if char in "-[]" or "\ud800" <= char <= "\udfff":
        return None
    return char, index + 1


def _literal(char: str) -> str:
    """char as a pattern that matches just it, in or out of a class."""
    if char.isascii() and not char.isalnum():
        return f"\\x{ord(char):02x}"
    return char


class _Environment(JSONPathEnvironment):
    max_recursion_depth = MAX_DESCENT

    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        self.function_extensions["match"] = _RegexFunction("match", whole=True)
        self.function_extensions["search"] = _RegexFunction("search", whole=False)


_ENVIRONMENT = _Environment()


# --- growth ----------------------------------------------------------------------


class TooLarge(ValueError):
    """An update that would grow the document past the node limit."""


class TooDeep(TooLarge):
    """An update that would nest the document deeper than the loader reads."""


class NodeBudget:
    """How many nodes a document may reach through an overlay's updates.

    Each update is counted just before it is applied, as `merge` will apply it: an array gains the
    whole value; an object gains the values of new keys, and a replaced value counts as the
    difference. Removals give nothing back. The document itself is counted once, at the first update.
    """

    def __init__(
        self, document: object, max_nodes: int, max_depth: int = DEFAULT_LIMITS.max_depth
    ) -> None:
        self.document = document
        self.max_nodes, self.max_depth = max_nodes, max_depth
        self.nodes: int | None = None

    def add(self, target: object, update: object, location: Location = ()) -> None:
        """Count update applied to target, at location; raises, before anything changes, TooDeep
        past the nesting limit (a document the generator could not read back), TooLarge past the
        node limit."""
        levels = len(location) + nesting(update) + (1 if isinstance(target, list) else 0)
        merged = isinstance(target, list) or isinstance(target, dict) and isinstance(update, dict)
        if merged and levels > self.max_depth:
            raise TooDeep(
                f"the update would nest the document {levels} levels deep; the limit is {self.max_depth}"
            )
        if self.nodes is None:
            self.nodes = count_nodes(self.document)
        nodes = self.nodes + _added(target, update)
        if nodes > self.max_nodes:
            raise TooLarge(f"the updates would grow the document past {self.max_nodes:,} nodes")
        self.nodes = nodes


def _added(target: object, update: object) -> int:
    """The nodes target gains from update: what overlay.merge adds, less what it replaces."""
    if isinstance(target, list):
        return count_nodes(update)
    if not isinstance(target, dict) or not isinstance(update, dict):
        return 0  # the overlay refuses that update
    added = 0
    pending = [(target, update)]
    while pending:
        into, values = pending.pop()
        for key, value in values.items():
            old = into.get(key)
            if isinstance(old, dict) and isinstance(value, dict):
                pending.append((old, value))
            else:
                added += count_nodes(value) - (count_nodes(old) if key in into else 0)
    return added
