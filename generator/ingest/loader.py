"""Load a YAML or JSON file into a `SpecDict` tree, safely and with positions.

The tree is built from the YAML parser's event stream with an explicit stack,
never by recursion and never by PyYAML's constructors, so:
- no tag can construct a Python object (nothing in the file runs);
- depth, total size and alias expansion are counted while building, and a
  hostile file (a billion-laughs bomb, a 100,000-level nest) is refused early;
- scalars resolve by the YAML 1.2 core schema, as JSON and most OpenAPI tools
  read them: `no` stays a string, `2020-01-01` stays a string, keys are strings.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import yaml

from generator.diagnostics import Diagnostic, Diagnostics, InputError, Severity, SourcePosition
from generator.ingest.document import (
    Container,
    SpecDict,
    SpecList,
    clone,
    entries,
    located_later,
    pointer,
    set_child,
)
from generator.ingest.jsonpositions import JsonPositions

try:  # the C parser is much faster; the pure-Python one gives the same events
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]


@dataclass(frozen=True)
class Limits:
    """What a document may cost us before we refuse it."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 128
    max_nodes: int = 3_000_000
    max_alias_nodes: int = 100_000  # what YAML aliases may add; real documents use a few small ones
    # an integer literal's digits: Python converts no more than 4,300 between text and int
    max_number_digits: int = 1_000
    # The largest public Swagger 2.0 documents (Kubernetes, Azure) have about 1,100 operations and 1,000 definitions.
    max_operations: int = 10_000
    max_definitions: int = 10_000


DEFAULT_LIMITS = Limits()

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}


def load_file(path: Path, diagnostics: Diagnostics, limits: Limits = DEFAULT_LIMITS) -> object:
    """The first document of the file at path; raises InputError when there is none."""
    display = display_path(path)
    text = read_text(path, display, limits)
    return load_text(text, display, diagnostics, limits)


def load_json_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> object:
    """A JSON file read with json, without positions: for documents the generator wrote itself,
    where nothing is reported (three times faster than the YAML reader)."""
    display = display_path(path)
    text = read_text(path, display, limits)
    try:
        value = json.loads(text, parse_int=_json_int(limits))
    except _LongNumber as exc:
        raise _number_too_long(display, exc.digits, limits)
    except ValueError as exc:
        raise _fail("yaml-syntax", display, f"not JSON: {exc}")
    return _from_json(value, display, limits, Diagnostics())


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# Set while a generation runs: every file read, by absolute path, with its sha256 (see uptodate.py);
# a file a reference names that does not exist, with MISSING.
_reads: ContextVar[dict[str, str] | None] = ContextVar("reads", default=None)
MISSING = "missing"


@contextmanager
def recording_reads() -> Iterator[dict[str, str]]:
    seen: dict[str, str] = {}
    token = _reads.set(seen)
    try:
        yield seen
    finally:
        _reads.reset(token)


def record_missing(path: Path) -> None:
    """Note that a file the document needs does not exist: its appearing changes the result."""
    seen = _reads.get()
    if seen is not None:
        seen[str(path.resolve())] = MISSING


def read_text(path: Path, display: str, limits: Limits, regular_only: bool = False) -> str:
    """The file's text, read up to the size limit whatever its size claims (a device or a file in
    /proc says 0). regular_only is for files a document names: anything but a regular file is
    refused, and opening neither blocks (a FIFO) nor follows a link in the last step (the caller
    opens the resolved path it checked)."""
    try:
        data = _read_limited(path, display, limits, regular_only)
    except FileNotFoundError:
        raise _fail("file-not-found", display, "no such file", hint="check the path")
    except IsADirectoryError:
        raise _fail("file-not-found", display, "this is a folder, not a file")
    except OSError as exc:
        raise _fail("file-unreadable", display, f"cannot read the file: {exc.strerror or exc}")
    seen = _reads.get()
    if seen is not None:
        seen[str(path.resolve())] = hashlib.sha256(data).hexdigest()
    return decode(data, display)


def _read_limited(path: Path, display: str, limits: Limits, regular_only: bool) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    if regular_only:
        flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)  # of what was opened: a swap after a check cannot fool it
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if regular_only and not stat.S_ISREG(status.st_mode):
            message = "not a regular file (a FIFO, a device or a socket); only those are read"
            hint = "refer to a plain .yaml or .json file"
            raise _fail("ref-file-refused", display, message, hint=hint)
        if status.st_size > limits.max_bytes:  # refused before reading anything
            raise _too_large(display, f"the file is {status.st_size:,} bytes", limits)
        # the size a device or a /proc file gives is 0: only reading can tell, so read one byte more
        data = _read_at_most(descriptor, limits.max_bytes + 1)
    finally:
        os.close(descriptor)
    if len(data) > limits.max_bytes:
        raise _too_large(display, f"the file holds more than {limits.max_bytes:,} bytes", limits)
    return data


def _read_at_most(descriptor: int, count: int) -> bytes:
    chunks, total = [], 0
    while total < count:
        chunk = os.read(descriptor, min(count - total, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _too_large(display: str, what: str, limits: Limits) -> InputError:
    return _fail(
        "too-large",
        display,
        f"{what}; the limit is {limits.max_bytes:,}",
        hint="real documents stay far below it",
    )


def decode(data: bytes, display: str) -> str:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            "encoding", display, f"the file is not UTF-8 (byte {exc.start} cannot be decoded)"
        )


def load_text(
    text: str, display: str, diagnostics: Diagnostics, limits: Limits = DEFAULT_LIMITS
) -> object:
    """Parse text; the first document of a YAML stream, with a warning if more follow."""
    if not text.strip():
        raise _fail("empty-document", display, "the file is empty")
    plain = _plain_json(text, display, limits)
    if plain is not None:
        return _from_json(plain, display, limits, diagnostics, text)
    try:
        documents = _Builder(display, limits, diagnostics).build(text)
    except yaml.MarkedYAMLError as exc:
        return _json_fallback(text, display, exc, limits, diagnostics)
    except yaml.YAMLError as exc:
        raise _fail("yaml-syntax", display, f"not valid YAML: {exc}")
    if not documents or documents[0] is None:
        raise _fail("empty-document", display, "the first YAML document is empty")
    for index, line in _extra_documents(documents):
        diagnostics.add(
            Diagnostic(
                Severity.WARNING,
                "extra-document",
                "",
                f"the YAML stream holds {len(documents)} documents; only the first is read "
                f"(document {index + 1} starts here)",
                hint="remove the trailing '---' or split the file",
                position=SourcePosition(display, line, 1),
            )
        )
    return documents[0].value


def _extra_documents(documents: list["_Document"]) -> list[tuple[int, int]]:
    return [(i, doc.line) for i, doc in enumerate(documents) if i > 0]


def _json_fallback(
    text: str, display: str, exc: yaml.MarkedYAMLError, limits: Limits, diagnostics: Diagnostics
) -> object:
    """JSON that PyYAML's YAML 1.1 reader rejects (some escapes, duplicate keys with tabs) still loads."""
    if text.lstrip().startswith(("{", "[")):
        try:
            value = json.loads(text, parse_int=_json_int(limits))
        except _LongNumber as error:
            raise _number_too_long(display, error.digits, limits)
        except (ValueError, RecursionError):
            pass
        else:
            return _from_json(value, display, limits, diagnostics, text)
    mark = exc.problem_mark or exc.context_mark
    position = (
        SourcePosition(display, mark.line + 1, mark.column + 1) if mark else SourcePosition(display)
    )
    problem = exc.problem or exc.context or "syntax error"
    if "nesting depth" in problem:  # newer libyaml stops deep nesting itself, before our own limit
        raise InputError(
            Diagnostic(
                Severity.ERROR, "too-deep", "", "the document nests too deeply", position=position
            )
        )
    raise InputError(
        Diagnostic(
            Severity.ERROR,
            "yaml-syntax",
            "",
            f"not valid YAML or JSON: {problem}",
            position=position,
        )
    )


class _NotPlain(ValueError):
    """JSON the YAML reader would read differently or warn about: it reads it instead."""


def _refuse_constant(name: str) -> object:
    raise _NotPlain(f"{name} is not JSON")  # NaN and Infinity: JSON has no such values


class _LongNumber(ValueError):
    """An integer literal of more digits than the limit."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"an integer of {digits:,} digits")
        self.digits = digits


def _json_int(limits: Limits) -> Callable[[str], int]:
    """json's parse_int, refusing what Python cannot convert (ValueError past 4,300 digits)."""

    def parse(literal: str) -> int:
        digits = len(literal) - literal.startswith("-")
        if digits > limits.max_number_digits:
            raise _LongNumber(digits)
        return int(literal)

    return parse


def _number_too_long(
    display: str, digits: int, limits: Limits, line: int = 0, col: int = 0
) -> InputError:
    return _fail(
        "too-large",
        display,
        f"a number of {digits:,} digits; the limit is {limits.max_number_digits:,}",
        hint="real documents stay far below it",
        line=line,
        col=col,
    )


def _plain_json(text: str, display: str, limits: Limits) -> object | None:
    """The value of a text that is plain JSON, read with json (15 times faster than the YAML
    reader, which gives the same tree), its objects already SpecDicts; None for anything else,
    which the YAML reader reads."""
    if not text.lstrip(" \t\r\n").startswith(("{", "[")):
        return None

    def mapping(pairs: list[tuple[str, object]]) -> SpecDict:
        built = SpecDict(display, pairs)
        if len(built) != len(pairs):  # a duplicate key: the YAML reader warns, with its position
            raise _NotPlain("duplicate key")
        return built

    try:
        value: object = json.loads(
            text,
            object_pairs_hook=mapping,
            parse_constant=_refuse_constant,
            parse_int=_json_int(limits),  # a longer one: the YAML reader says where it is
        )
    except (ValueError, RecursionError):
        return None
    return value


def _from_json(
    value: object, display: str, limits: Limits, diagnostics: Diagnostics, text: str | None = None
) -> object:
    """A tree json.loads made as SpecDict/SpecList (in place), within the same limits. Given the
    text it was read from, containers find their positions in it if asked (see jsonpositions.py)."""
    positions = JsonPositions(text, _without_surrogates) if text is not None else None
    # A lone surrogate can only come from a \udXXX escape: most texts need no check of each string.
    check = text is None or _SURROGATE_ESCAPE.search(text) is not None
    if not isinstance(value, (dict, list)):  # a lone scalar: the checks after loading report it
        return _without_surrogates(value) if isinstance(value, str) else value
    root = _container(value, display)
    nodes, surrogates = 1, []
    stack: list[tuple[SpecDict | SpecList, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if len(path) + (1 if node else 0) > limits.max_depth:  # the container, or its children
            raise _fail(
                "too-deep", display, f"the document nests deeper than {limits.max_depth} levels"
            )
        nodes += len(node)
        if nodes > limits.max_nodes:
            raise _fail(
                "too-large", display, f"the document has more than {limits.max_nodes:,} nodes"
            )
        if check:
            surrogates += _replace_surrogates(node, path)
        if positions is not None:
            located_later(node, (positions, path))
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(child, (dict, list)):
                if not isinstance(child, (SpecDict, SpecList)):
                    child = _container(child, display)
                    set_child(node, key, child)
                stack.append((child, path + (key,)))
    for path in sorted(surrogates, key=str)[:1]:
        diagnostics.add(
            Diagnostic(
                Severity.WARNING,
                "lone-surrogate",
                pointer(path),
                f"{len(surrogates)} string(s) hold a lone UTF-16 surrogate escape (\\ud800-\\udfff), which no UTF-8 "
                "file can hold; each was replaced by U+FFFD",
                hint="escape astral characters as surrogate pairs",
                position=SourcePosition(display),
            )
        )
    return root


def _container(value: Container, display: str) -> SpecDict | SpecList:
    if isinstance(value, (SpecDict, SpecList)):
        return value
    return SpecDict(display, value) if isinstance(value, dict) else SpecList(display, value)


def _replace_surrogates(
    node: SpecDict | SpecList, path: tuple[str | int, ...]
) -> list[tuple[str | int, ...]]:
    """Replace lone surrogates in node's keys and strings by U+FFFD (keeping its order); where."""
    replaced: list[tuple[str | int, ...]] = []
    if isinstance(node, SpecDict) and any(_SURROGATE.search(key) for key in node):
        named = list(node.items())
        node.clear()
        for name, value in named:
            clean = _without_surrogates(name)
            replaced += [path + (clean,)] if clean != name else []
            node[clean] = value
    for key, child in entries(node):
        if isinstance(child, str) and _SURROGATE.search(child):
            set_child(node, key, _without_surrogates(child))
            replaced.append(path + (key,))
    return replaced


def _without_surrogates(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _fail(
    code: str, display: str, message: str, hint: str = "", line: int = 0, col: int = 0
) -> InputError:
    return InputError(
        Diagnostic(Severity.ERROR, code, "", message, hint, SourcePosition(display, line, col))
    )


@dataclass
class _Document:
    value: object
    line: int


@dataclass
class _Frame:
    container: SpecDict | SpecList
    anchor: str | None
    nodes: int = 1
    key: str | None = None  # a mapping's pending key
    key_mark: tuple[int, int] = (0, 0)
    merges: list[SpecDict] | None = None  # YAML '<<' merge sources


class _Builder:
    """Turns the YAML event stream into SpecDict/SpecList trees, counting the cost."""

    def __init__(self, display: str, limits: Limits, diagnostics: Diagnostics) -> None:
        self.display = display
        self.diagnostics = diagnostics
        self.limits = limits
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[object, int, str]] = {}  # value, nodes, a scalar's text
        self.total_nodes = 0
        self.alias_nodes = 0
        self.documents: list[_Document] = []

    def build(self, text: str) -> list[_Document]:
        for event in yaml.parse(text, Loader=_EventLoader):
            self._on_event(event)
        return self.documents

    def _on_event(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.anchors = {}
            self.documents.append(_Document(None, self._mark(event)[0]))
        elif isinstance(event, yaml.MappingStartEvent):
            self._open(SpecDict(self.display), event)
        elif isinstance(event, yaml.SequenceStartEvent):
            self._open(SpecList(self.display), event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self._close()
        elif isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)

    def _mark(self, event: yaml.Event) -> tuple[int, int]:
        mark = event.start_mark
        return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)

    def _open(self, container: SpecDict | SpecList, event: yaml.Event) -> None:
        if len(self.stack) >= self.limits.max_depth:
            line, col = self._mark(event)
            raise _fail(
                "too-deep",
                self.display,
                f"the document nests deeper than {self.limits.max_depth} levels",
                hint="real API descriptions nest a few dozen levels at most",
                line=line,
                col=col,
            )
        if (
            self.stack
            and isinstance(self.stack[-1].container, SpecDict)
            and self.stack[-1].key is None
        ):
            raise _fail(
                "unsupported-key",
                self.display,
                "a mapping or list used as a key",
                line=self._mark(event)[0],
            )
        self._count(1, event)
        self._attach_mark(event)
        self.stack.append(_Frame(container, getattr(event, "anchor", None)))

    def _close(self) -> None:
        frame = self.stack.pop()
        if frame.merges and isinstance(frame.container, SpecDict):
            _apply_merges(frame.container, frame.merges)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.nodes, "")
        self._add(frame.container, frame.nodes)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, SpecDict) and top.key is None:
            top.key = event.value  # keys are always their text: `200:` is "200"
            top.key_mark = self._mark(event)
            return
        self._count(1, event)
        self._attach_mark(event)
        try:
            value = _resolve_scalar(event, self.limits.max_number_digits)
        except _LongNumber as exc:
            raise _number_too_long(self.display, exc.digits, self.limits, *self._mark(event))
        if event.anchor:
            self.anchors[event.anchor] = (value, 1, event.value)
        self._add(value, 1)

    def _alias(self, event: yaml.AliasEvent) -> None:
        if event.anchor not in self.anchors:
            line, col = self._mark(event)
            raise _fail(
                "yaml-alias",
                self.display,
                f"alias *{event.anchor} names no finished anchor",
                line=line,
                col=col,
            )
        value, nodes, text = self.anchors[event.anchor]
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, SpecDict) and top.key is None:
            self._alias_key(top, value, text, event)
            return
        self.alias_nodes += nodes
        if self.alias_nodes > self.limits.max_alias_nodes:
            line, col = self._mark(event)
            raise _fail(
                "too-large",
                self.display,
                f"YAML aliases expand to more than {self.limits.max_alias_nodes:,} nodes",
                hint="aliases that expand exponentially (a 'billion laughs' document) are refused",
                line=line,
                col=col,
            )
        self._count(nodes, event)
        self._attach_mark(event)
        # a copy, so that a later overlay edit of one place does not change the others
        self._add(clone(value), nodes)

    def _alias_key(self, top: _Frame, value: object, text: str, event: yaml.AliasEvent) -> None:
        """An alias used as a key: a scalar's text, as any key; a mapping or list is refused, as
        one written there is (its text would be a rendering of the whole node)."""
        line, col = self._mark(event)
        if isinstance(value, (dict, list)):
            message = f"a mapping or list used as a key (through the alias *{event.anchor})"
            raise _fail("unsupported-key", self.display, message, line=line, col=col)
        top.key = text  # keys are always their text, as written at the anchor
        top.key_mark = (line, col)

    def _count(self, nodes: int, event: yaml.Event) -> None:
        self.total_nodes += nodes
        if self.total_nodes > self.limits.max_nodes:
            line, col = self._mark(event)
            raise _fail(
                "too-large",
                self.display,
                f"the document expands to more than {self.limits.max_nodes:,} nodes",
                hint="YAML aliases that expand exponentially (a 'billion laughs' document) are refused",
                line=line,
                col=col,
            )

    def _attach_mark(self, event: yaml.Event) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if isinstance(top.container, SpecDict):
            if top.key is not None:
                top.container.marks[top.key] = top.key_mark
        else:
            top.container.marks.append(self._mark(event))

    def _add(self, value: object, nodes: int) -> None:
        if not self.stack:
            self.documents[-1].value = value
            return
        top = self.stack[-1]
        top.nodes += nodes
        if isinstance(top.container, SpecList):
            top.container.append(value)
            return
        key = top.key
        top.key = None
        if key == "<<" and isinstance(value, (SpecDict, SpecList)):
            top.merges = (top.merges or []) + _merge_sources(value)
            return
        assert key is not None
        if key in top.container:
            self.diagnostics.add(
                Diagnostic(
                    Severity.WARNING,
                    "duplicate-key",
                    "",
                    f"the key {key!r} appears twice in one mapping; the last value is used",
                    position=SourcePosition(self.display, *top.key_mark),
                )
            )
        top.container[key] = value


def _merge_sources(value: SpecDict | SpecList) -> list[SpecDict]:
    if isinstance(value, SpecDict):
        return [value]
    return [item for item in value if isinstance(item, SpecDict)]


def _apply_merges(target: SpecDict, sources: list[SpecDict]) -> None:
    """YAML '<<': keys already in the mapping win, then earlier sources over later ones."""
    for source in sources:
        for key, value in source.items():
            if key not in target:
                target[key] = clone(value)
                if key in source.marks:
                    target.marks[key] = source.marks[key]


def _resolve_scalar(event: yaml.ScalarEvent, max_digits: int) -> object:
    value: str = event.value
    tag = event.tag
    plain = bool(
        event.implicit[0]
    )  # (plain_implicit, quoted_implicit): only unquoted text resolves
    if tag in (None, "!") and not plain:
        return value
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag in (
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    ):
        plain = True
    elif tag not in (None, "!"):
        return value  # an unknown tag never constructs anything: the text is the value
    if not plain:
        return value
    return _core_schema(value, max_digits)


def _core_schema(value: str, max_digits: int) -> object:
    """The value of a plain scalar; raises _LongNumber for an integer of more than max_digits."""
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        digits = len(value.lstrip("+-").removeprefix("0x").removeprefix("0o"))
        if digits > max_digits:
            raise _LongNumber(digits)
        return int(value, 0) if ("0o" in value or "0x" in value) else int(value, 10)
    if _FLOAT.match(value):
        return float(value)
    lowered = value.lower()
    if lowered in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[lowered]
    return value
