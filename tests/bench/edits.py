"""The one-operation change of the warm benchmark: a new description for one operation.

The change is made in the text (the rest of the document keeps its bytes): the description's
scalar is found with the YAML composer, which knows where each node starts and ends, and is
replaced by a double-quoted string, which is valid in JSON and in any YAML context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

# The operation changed in each document; the first operation with text is used otherwise.
PREFERRED = ("listCoreV1NamespacedPod", "ContainerList")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


@dataclass(frozen=True)
class Edit:
    operation: str
    key: str  # "description" or "summary"
    start: int
    end: int
    text: str

    def apply(self, source: str, number: int) -> str:
        replacement = json.dumps(f"{self.text.rstrip()} (benchmark edit {number})")
        # A block scalar (|, >) ends after its last line break: keep that break.
        end = self.start + len(source[self.start : self.end].rstrip())
        return source[: self.start] + replacement + source[end:]


def find_edit(source: str) -> Edit:
    root = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if root is None:
        raise ValueError("the document is empty")
    starts = [0]  # where each line starts: marks give a line and a column, in characters
    starts.extend(index + 1 for index, char in enumerate(source) if char == "\n")
    candidates = list(_operations(root, starts))
    if not candidates:
        raise ValueError("the document has no operation with a description or a summary")
    chosen = next((c for c in candidates if c.operation in PREFERRED), candidates[0])
    return chosen


def _operations(root: yaml.Node, starts: list[int]) -> list[Edit]:
    found = []
    paths = _get(root, "paths")
    for _, item in _pairs(paths):
        for method, operation in _pairs(item):
            if method not in _HTTP_METHODS:
                continue
            operation_id = _get(operation, "operationId")
            for key in ("description", "summary"):
                text = _get(operation, key)
                if isinstance(text, yaml.ScalarNode) and isinstance(operation_id, yaml.ScalarNode):
                    start = starts[text.start_mark.line] + text.start_mark.column
                    end = starts[text.end_mark.line] + text.end_mark.column
                    found.append(Edit(str(operation_id.value), key, start, end, str(text.value)))
                    break
    return found


def _pairs(node: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [
        (str(key.value), value) for key, value in node.value if isinstance(key, yaml.ScalarNode)
    ]


def _get(node: yaml.Node | None, name: str) -> yaml.Node | None:
    return next((value for key, value in _pairs(node) if key == name), None)


def check_edit(source: str, edited: str, edit: Edit) -> None:
    """The edited document differs from the source in that one operation's text only."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    before, after = yaml.load(source, Loader=loader), yaml.load(edited, Loader=loader)
    for item in after["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == edit.operation:
                if not str(operation[edit.key]).endswith("(benchmark edit 0)"):
                    raise ValueError(f"the edit of {edit.operation} did not land where expected")
                operation[edit.key] = edit.text
    if before != after:
        raise ValueError(f"the edit of {edit.operation} changed more than its {edit.key}")
