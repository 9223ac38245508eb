"""The loaded document: plain JSON-like data whose containers remember where they came from.

`SpecDict` and `SpecList` are ordinary `dict` and `list` subclasses (every library
that takes JSON data takes them), plus two slots: the source file and the line
and column of each child. Positions therefore travel with the nodes through
overlays and `$ref` bundling, and a JSON pointer can be turned into `file:line:col`
at any stage by walking the tree (`locate`). A container read from plain JSON finds its
positions only when they are first read (`origin`, see jsonpositions.py).
"""

from __future__ import annotations

from typing import Any, Protocol, Union

from generator.diagnostics import SourcePosition

# 1-based line and column; a third item names the file when it is not the container's
# own (a key an overlay added to a document's mapping)
Mark = Union[tuple[int, int], tuple[int, int, str]]


class PositionSource(Protocol):
    """Finds the positions of one container's children when first asked (see jsonpositions)."""

    def marks(self, path: tuple[str | int, ...]) -> dict[str, Mark] | list[Mark]: ...


# Where a container read without positions sits in its source: asked for its marks on first use.
Origin = tuple[PositionSource, tuple[Union[str, int], ...]]


class SpecDict(dict[str, Any]):
    __slots__ = ("source", "_marks", "origin")

    def __init__(self, source: str = "", *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self._marks: dict[str, Mark] | None = {}
        self.origin: Origin | None = None

    @property
    def marks(self) -> dict[str, Mark]:
        if self._marks is None:
            found = self.origin[0].marks(self.origin[1]) if self.origin else {}
            self._marks = found if isinstance(found, dict) else {}
        return self._marks

    @marks.setter
    def marks(self, value: dict[str, Mark]) -> None:
        self._marks = value


class SpecList(list[Any]):
    __slots__ = ("source", "_marks", "origin")

    def __init__(self, source: str = "", *args: object) -> None:
        super().__init__(*args)
        self.source = source
        self._marks: list[Mark] | None = []
        self.origin: Origin | None = None

    @property
    def marks(self) -> list[Mark]:
        if self._marks is None:
            found = self.origin[0].marks(self.origin[1]) if self.origin else []
            self._marks = found if isinstance(found, list) else []
        return self._marks

    @marks.setter
    def marks(self, value: list[Mark]) -> None:
        self._marks = value


def entries(container: SpecDict | SpecList) -> list[tuple[str | int, Any]]:
    """container's (key, value) pairs, a copy: names in an object, indexes in an array."""
    if isinstance(container, SpecDict):
        return [(name, value) for name, value in container.items()]
    return [(index, value) for index, value in enumerate(container)]


def set_child(container: SpecDict | SpecList, key: str | int, value: object) -> None:
    """container[key] = value, key a name in an object and an index in an array."""
    if isinstance(container, SpecDict):
        container[str(key)] = value
    else:
        container[int(key)] = value


def located_later(container: SpecDict | SpecList, origin: Origin) -> None:
    """Give container its positions from origin, found only if something reads them."""
    container.origin, container._marks = origin, None


def copy_positions(original: SpecDict | SpecList, copy: SpecDict | SpecList) -> None:
    """copy gets original's positions, without finding them if they are still to be found."""
    if original._marks is None and original.origin is not None:
        located_later(copy, original.origin)
    elif isinstance(original, SpecDict) and isinstance(copy, SpecDict):
        copy.marks = dict(original.marks)
    elif isinstance(original, SpecList) and isinstance(copy, SpecList):
        copy.marks = list(original.marks)


Node = Union[SpecDict, SpecList, dict[str, Any], list[Any], str, int, float, bool, None]


Container = Union[dict[Any, Any], list[Any]]


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(tokens: tuple[str | int, ...] | list[str | int]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indices ('' is the root)."""
    return "".join("/" + escape_token(t) for t in tokens)


def split_pointer(text: str) -> list[str]:
    """Tokens of an RFC 6901 pointer; raises ValueError when it is not one."""
    if text == "":
        return []
    if not text.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {text!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in text[1:].split("/")]


def resolve_pointer(root: object, tokens: list[str]) -> tuple[bool, object]:
    """Follow pointer tokens from root; (found, value)."""
    node = root
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def locate(root: object, tokens: tuple[str | int, ...] | list[str | int]) -> SourcePosition | None:
    """The source position of the node at tokens, or of its nearest ancestor that exists."""
    best = _own_position(root)
    node = root
    for token in tokens:
        found, child, mark = _child(node, token)
        if mark and isinstance(node, (SpecDict, SpecList)):
            best = SourcePosition(mark[2] if len(mark) == 3 else node.source, mark[0], mark[1])
        if not found:
            break
        node = child
    return best


def _own_position(node: object) -> SourcePosition | None:
    if isinstance(node, (SpecDict, SpecList)) and node.source:
        return SourcePosition(node.source, 1, 1)
    return None


def _child(node: object, token: str | int) -> tuple[bool, object, Mark | None]:
    if isinstance(node, dict):
        key = str(token)
        marks = node.marks if isinstance(node, SpecDict) else {}
        return key in node, node.get(key), marks.get(key)
    if isinstance(node, list):
        index = int(token) if str(token).isdigit() else -1
        if 0 <= index < len(node):
            marks_list = node.marks if isinstance(node, SpecList) else []
            return True, node[index], marks_list[index] if index < len(marks_list) else None
    return False, None, None


def walk(root: object) -> list[tuple[tuple[str | int, ...], object]]:
    """Every node with its path, depth-first in document order, without recursion."""
    out: list[tuple[tuple[str | int, ...], object]] = []
    stack: list[tuple[tuple[str | int, ...], object]] = [((), root)]
    while stack:
        path, node = stack.pop()
        out.append((path, node))
        if isinstance(node, dict):
            stack.extend((path + (k,), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(node))))
    return out


def delete_child(parent: object, token: str | int) -> None:
    """Remove parent's child at token (a key or an index) with its position."""
    if isinstance(parent, dict):
        parent.pop(token, None)
        if isinstance(parent, SpecDict):
            parent.marks.pop(str(token), None)
    elif isinstance(parent, list) and isinstance(token, int):
        del parent[token]
        if isinstance(parent, SpecList) and token < len(parent.marks):
            del parent.marks[token]


def remove_paths(root: object, paths: list[tuple[str | int, ...]]) -> None:
    """Remove the nodes at paths (JSON pointer tokens, list indices as ints) from root."""
    # the deepest and the last first, so that a removal does not move what is still to remove
    for path in sorted(
        paths, key=lambda p: (len(p), p[-1] if p and isinstance(p[-1], int) else -1)
    )[::-1]:
        found, parent = resolve_pointer(root, [str(token) for token in path[:-1]])
        if path and found:
            delete_child(parent, path[-1])


def count_nodes(value: object) -> int:
    """The nodes of a JSON-like value: containers and scalars alike; an explicit stack, not recursion."""
    count = 0
    stack = [value]
    while stack:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def nesting(value: object) -> int:
    """The levels of containers in a JSON-like value: 0 for a scalar, 1 for `{}` or `[1]`, 2 for
    `{"a": []}`. The loader refuses a document of more than Limits.max_depth."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend(
                (child, level + 1) for child in children if isinstance(child, (dict, list))
            )
    return deepest


def clone(node: object) -> object:
    """A deep copy that keeps sources and marks; iterative, and much faster than copy.deepcopy."""
    if not isinstance(node, (dict, list)):
        return node
    root = _empty_like(node)
    stack: list[tuple[Container, Container]] = [(node, root)]
    while stack:
        original, copied = stack.pop()
        items = original.items() if isinstance(original, dict) else enumerate(original)
        for key, value in items:
            child = _empty_like(value) if isinstance(value, (dict, list)) else value
            if isinstance(copied, dict):
                copied[key] = child
            else:
                copied.append(child)
            if child is not value:
                stack.append((value, child))
    return root


def _empty_like(node: Container) -> Container:
    if isinstance(node, SpecDict):
        out_dict = SpecDict(node.source)
        copy_positions(node, out_dict)
        return out_dict
    if isinstance(node, SpecList):
        out_list = SpecList(node.source)
        copy_positions(node, out_list)
        return out_list
    return {} if isinstance(node, dict) else []


def to_plain(node: object) -> object:
    """A copy made of plain dicts and lists (for JSON output and hashing)."""
    if isinstance(node, dict):
        return {k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    return node
