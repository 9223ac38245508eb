"""Bundle `$ref`s to other files into the one document.

A Swagger 2.0 description may be split over files (`$ref: 'Pet.yaml'`,
`$ref: 'parameters.yaml#/limit'`). After bundling, every `$ref` is local
(`#/...`): a schema lands in `definitions` under a name taken from the file or
the pointer's last token, a parameter in `parameters`, a response in
`responses`; anything else is put in place. Each container remembers its file
(`SpecDict.source`), so a reference inside a referenced file is resolved
against that file, and positions in diagnostics name that file.

Only relative paths to `.yaml`, `.yml` or `.json` files are read, and only regular files
inside a root, judged after following links: the folder of the document (for a reference
in an overlay, the overlay's folder), or a folder the user names (`--ref-root`). A file
reached through a reference may read what the file that named it may. Network
references (`http://`, `https://`) are refused unless `allow_remote` is set,
and are then fetched with a timeout and the same size limits; they are left in
place otherwise, for validation to report and repair.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Diagnostics, InputError, Severity
from generator.ingest.document import (
    clone,
    copy_positions,
    count_nodes,
    nesting,
    SpecDict,
    locate,
    pointer,
    resolve_pointer,
    split_pointer,
)
from generator.ingest.loader import (
    DEFAULT_LIMITS,
    Limits,
    decode,
    display_path,
    load_text,
    read_text,
    record_missing,
)

_READABLE_SUFFIXES = (".yaml", ".yml", ".json")
_MAX_INLINED = 10_000  # a reference that includes itself would otherwise be put in place forever
_SECTIONS = {"schema": "definitions", "parameter": "parameters", "response": "responses"}
Location = tuple[str | int, ...]  # where a node sits in the document
Located = tuple[Location, object]  # a node and where it sits
Reference = tuple[Location, dict[str, Any]]  # a node holding a $ref
Target = tuple[str, str, object]  # what a reference names: its file, fragment and content
Size = tuple[int, int]  # a value's nodes and levels of nesting


@dataclass
class _Bundler:
    root: SpecDict
    base_dir: Path
    diagnostics: Diagnostics
    limits: Limits
    allow_remote: bool
    document_sources: frozenset[str]  # files whose '#/...' references mean the document (overlays)
    file_roots: dict[str, str]  # by file: the resolved folder its references may read from
    ref_roots: tuple[str, ...]  # resolved folders every reference may read from (--ref-root)
    files: dict[str, object] = field(default_factory=dict)  # loaded documents by display path / URL
    real_paths: dict[str, str] = field(default_factory=dict)  # display path -> real path, checked
    placed: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # (file, fragment) -> local ref
    inlined: int = 0
    nodes: int | None = None  # the document's, counted at the first copy
    counted: set[tuple[str, str]] = field(default_factory=set)  # sections' copies counted
    sizes: dict[tuple[str, str], Size] = field(default_factory=dict)  # (file, fragment) -> its size

    def run(self) -> None:
        """Bundle every external reference, a round at a time: the references in what was walked,
        all of a round's copies counted before any is made (see grow), then what they put in."""
        frontier: list[Located] = [((), self.root)]
        while frontier:
            found = [(p, node, self._resolve(node, p)) for p, node in _references(frontier, self)]
            for path, _, target in found:
                if target is not None:
                    self._count(path, *target)
            frontier = []
            for path, node, target in found:
                if target is None:  # the reference stays; what it holds besides is still read
                    frontier += _children(path, node)
                else:
                    frontier += self._place(node, path, *target)

    def is_external(self, node: dict[str, Any]) -> bool:
        ref: str = node["$ref"]
        in_other_file = isinstance(node, SpecDict) and node.source not in (
            "",
            self.root.source,
            *self.document_sources,
        )
        return not ref.startswith("#") or in_other_file

    def _resolve(self, node: dict[str, Any], path: Location) -> Target | None:
        """The file, fragment and content the reference at path names; None, with a diagnostic,
        for a reference that is not followed."""
        ref: str = node["$ref"]
        location, fragment = _split_ref(ref)
        if _is_url(location) and not self.allow_remote:
            self._warn(
                path,
                "ref-remote",
                f"the reference {ref!r} points to the network and was not fetched",
                "pass --allow-remote-refs to fetch it, or copy it into the document",
            )
            return None
        source = node.source if isinstance(node, SpecDict) else self.root.source
        target_file = self._target_file(location, source, path)
        if target_file is None:
            return None
        if self._missing(target_file):
            self._warn(
                path,
                "ref-file-missing",
                f"the reference {ref!r} names {target_file}, which does not exist; "
                "it is read as free-form JSON",
                "add the file, or fix the reference (an overlay can)",
            )
            return None
        document = self._document(target_file, path)
        if document is None:
            return None
        found, content = resolve_pointer(document, _fragment_tokens(fragment))
        if not found:
            self._warn(
                path, "ref-dangling", f"the reference {ref!r} names nothing in {target_file}", ""
            )
            return None
        return target_file, fragment, content

    def _target_file(self, location: str, source: str, path: tuple[str | int, ...]) -> str | None:
        if location == "":  # a '#/...' reference inside another file means that file, read already
            self.real_paths.setdefault(source, os.path.realpath(source))
            return source
        if _is_url(location) or _is_url(source):
            return urllib.parse.urljoin(source, location) if _is_url(source) else location
        if (
            Path(location).is_absolute()
            or ":" in location.split("/")[0]
            or not location.lower().endswith(_READABLE_SUFFIXES)
        ):
            self._warn(
                path,
                "ref-file-refused",
                f"the reference {location!r} is not a relative path to a YAML or JSON file",
                "only relative .yaml, .yml and .json files are read",
            )
            return None
        base = Path(source).parent if source else self.base_dir
        target = display_path(base / location)
        return target if self._inside_a_root(target, source, location, path) else None

    def _inside_a_root(self, target: str, source: str, location: str, path: Location) -> bool:
        """Whether the file, links followed, lies in a folder the referring file may read from."""
        real = os.path.realpath(target)
        root = self.file_roots.get(source, self.file_roots[self.root.source])
        if any(Path(real).is_relative_to(folder) for folder in (root, *self.ref_roots)):
            self.file_roots.setdefault(target, root)  # what it refers to in turn is judged alike
            self.real_paths[target] = real
            return True
        message = f"the reference {location!r} leads outside {root} (links followed); not read"
        hint = "if the folder it leads to is trusted, pass --ref-root DIR (or set ref-root)"
        self._report(Severity.ERROR, path, "ref-outside-root", message, hint)
        return False

    def _missing(self, target: str) -> bool:
        """Whether target, a file inside a root, does not exist (links followed); a file that
        appears later changes the result, so its absence counts as read (see recording_reads)."""
        if _is_url(target) or os.path.lexists(self.real_paths[target]):
            return False
        record_missing(Path(self.real_paths[target]))
        return True

    def _document(self, target: str, path: tuple[str | int, ...]) -> object:
        if target == self.root.source:
            return self.root
        if target not in self.files:
            try:
                self.files[target] = self._load(target)
            except InputError as exc:
                d = exc.diagnostic
                # a refused file was not read: the reference is where the problem shows
                where = locate(self.root, path) if d.code == "ref-file-refused" else d.position
                message = f"in a file named by $ref: {d.message}"
                self.diagnostics.add(
                    Diagnostic(d.severity, d.code, pointer(path), message, d.hint, where)
                )
                self.files[target] = None
        return self.files[target]

    def _load(self, target: str) -> object:
        if _is_url(target):
            return load_text(_fetch(target, self.limits), target, self.diagnostics, self.limits)
        # the path checked against the roots is the one opened (its last step is not followed again)
        text = read_text(Path(self.real_paths[target]), target, self.limits, regular_only=True)
        return load_text(text, target, self.diagnostics, self.limits)

    def _count(self, path: Location, file: str, fragment: str, content: object) -> None:
        """Count the copy _place will make for the reference at path (see grow)."""
        key = (file, fragment)
        if key not in self.sizes:
            self.sizes[key] = _size_of(content)
        if _put_in_place(path, content):
            self.grow(self.sizes[key], path, path)
        elif key not in self.placed and key not in self.counted:
            self.counted.add(key)
            self.grow(self.sizes[key], (_SECTIONS[_context(path)], ""), path)

    def _place(
        self, node: dict[str, Any], path: Location, file: str, fragment: str, content: object
    ) -> list[Located]:
        """Put content in place of the reference, or in its section, where the reference then
        points; what is still to walk for references."""
        if _put_in_place(path, content):
            self.inlined += 1
            if self.inlined > _MAX_INLINED:
                self._warn(
                    path,
                    "ref-cycle",
                    "references put in place nest without end; this one was left",
                    "",
                )
                return _children(path, node)
            _inline(node, content)
            return [(path, node)]  # what it holds may be a reference again
        key, kind = (file, fragment), _SECTIONS[_context(path)]
        added: list[Located] = []
        if key not in self.placed:
            section = self.root.setdefault(kind, SpecDict(self.root.source))
            name = _free_name(section, _name_for(file, fragment))
            section[name] = clone(content)
            where = locate(self.files.get(file), tuple(_fragment_tokens(fragment)))
            if where is not None and isinstance(section, SpecDict):  # its file, not this one's
                section.marks[name] = (where.line, where.col, where.file)
            added.append(((kind, name), section[name]))
            self.placed[key] = f"#/{kind}/{name.replace('~', '~0').replace('/', '~1')}"
        node["$ref"] = self.placed[key]
        if isinstance(node, SpecDict):
            node.source = self.root.source
        return added + _children(path, node)

    def grow(self, size: Size, place: Location, reference: Location) -> None:
        """Count a copy of that size about to be put at place (for the reference at reference);
        raises InputError, before it is made, when the document would pass the loader's node
        limit (each copy counts: 200 references to a 100,000-node file make 20 million) or
        nest deeper than it reads."""
        nodes, levels = size
        if len(place) + levels > self.limits.max_depth:
            what = f"{len(place) + levels} levels deep; the limit is {self.limits.max_depth}"
            self._refuse(
                "too-deep", reference, f"bundling this reference nests the document {what}"
            )
        if self.nodes is None:
            self.nodes = count_nodes(self.root)
        self.nodes += nodes
        if self.nodes > self.limits.max_nodes:
            what = f"past {self.limits.max_nodes:,} nodes (this reference adds {nodes:,})"
            self._refuse(
                "too-large", reference, f"bundling the references grows the document {what}"
            )

    def _refuse(self, code: str, path: Location, message: str) -> None:
        hint = "real documents stay far below it"
        diagnostic = Diagnostic(
            Severity.ERROR, code, pointer(path), message, hint, locate(self.root, path)
        )
        raise InputError(diagnostic)

    def _warn(self, path: tuple[str | int, ...], code: str, message: str, hint: str) -> None:
        self._report(Severity.WARNING, path, code, message, hint)

    def _report(
        self, severity: Severity, path: Location, code: str, message: str, hint: str
    ) -> None:
        where = locate(self.root, path)
        self.diagnostics.add(Diagnostic(severity, code, pointer(path), message, hint, where))


def bundle_refs(
    root: SpecDict,
    diagnostics: Diagnostics,
    limits: Limits = DEFAULT_LIMITS,
    allow_remote: bool = False,
    document_sources: frozenset[str] = frozenset(),
    ref_roots: tuple[Path, ...] = (),
) -> None:
    """Rewrite every external `$ref` in root into a local one, in place.

    document_sources names files (the overlays) whose nodes were merged into the
    document: their '#/...' references point into the document, not into themselves,
    and other files they name must lie in their own folder. ref_roots are folders
    the user trusts: any reference may read the files in them.
    """
    base_dir = Path(root.source).parent if root.source else Path.cwd()
    own_folders = {source: Path(source).parent for source in document_sources}
    own_folders[root.source] = base_dir
    file_roots = {source: os.path.realpath(folder) for source, folder in own_folders.items()}
    trusted = tuple(os.path.realpath(folder) for folder in ref_roots)
    bundler = _Bundler(
        root, base_dir, diagnostics, limits, allow_remote, document_sources, file_roots, trusted
    )
    bundler.run()
    _resolve_path_item_refs(root, bundler)


def _resolve_path_item_refs(root: SpecDict, bundler: _Bundler) -> None:
    """A path item `$ref` is replaced by what it names (Swagger allows no other use of it)."""
    paths = root.get("paths")
    if not isinstance(paths, dict):
        return
    for name, item in list(paths.items()):
        if (
            isinstance(item, dict)
            and isinstance(item.get("$ref"), str)
            and item["$ref"].startswith("#/")
        ):
            found, target = resolve_pointer(root, split_pointer(item["$ref"][1:]))
            if found and isinstance(target, dict):
                bundler.grow(_size_of(target), ("paths", name), ("paths", name))
                paths[name] = clone(target)


def _references(frontier: list[Located], bundler: _Bundler) -> list[Reference]:
    """The external references in the nodes of frontier and below, in the order a depth-first
    walk meets them (last child first); a reference's own children are not walked."""
    found: list[Reference] = []
    stack = list(frontier)
    while stack:
        path, node = stack.pop()
        if (
            isinstance(node, dict)
            and isinstance(node.get("$ref"), str)
            and bundler.is_external(node)
        ):
            found.append((path, node))
        else:
            stack.extend(_children(path, node))
    return found


def _children(path: Location, node: object) -> list[Located]:
    """node's containers, with their paths: only containers can hold a reference."""
    if isinstance(node, dict):
        return [(path + (k,), v) for k, v in node.items() if isinstance(v, (dict, list))]
    if isinstance(node, list):
        return [(path + (i,), v) for i, v in enumerate(node) if isinstance(v, (dict, list))]
    return []


def _size_of(content: object) -> Size:
    return count_nodes(content), nesting(content)


def _put_in_place(path: Location, content: object) -> bool:
    """Whether content is copied where the reference is, rather than once into its section."""
    return _context(path) not in _SECTIONS or not isinstance(content, dict)


def _inline(node: dict[str, Any], content: object) -> None:
    """Put a copy of content where the reference was, keeping its file for positions and nested refs."""
    replacement = clone(content)
    node.clear()
    if isinstance(replacement, dict):
        node.update(replacement)
        if isinstance(node, SpecDict) and isinstance(replacement, SpecDict):
            node.source = replacement.source
            copy_positions(replacement, node)


def _split_ref(ref: str) -> tuple[str, str]:
    location, _, fragment = ref.partition("#")
    return urllib.parse.unquote(location), urllib.parse.unquote(fragment)


def _fragment_tokens(fragment: str) -> list[str]:
    try:
        return split_pointer(fragment)
    except ValueError:
        return ["\0not-a-pointer"]


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _context(path: tuple[str | int, ...]) -> str:
    """What kind of object sits at path: 'parameter', 'response', 'path', 'schema', or
    'extension' (inside a vendor extension, whose value is any JSON: AutoRest's x-ms-examples
    name example files, which are no schemas and are put in place)."""
    if _in_extension(path):
        return "extension"
    if (
        len(path) >= 2
        and path[-2] == "parameters"
        and (isinstance(path[-1], int) or len(path) == 2)
    ):
        return "parameter"
    if len(path) >= 2 and path[-2] == "responses" and (len(path) == 2 or path[0] == "paths"):
        return "response"
    if len(path) == 2 and path[0] == "paths":
        return "path"
    return "schema"


# Objects whose keys are names a document chooses: an "x-" key there names a thing, no extension.
_NAMED = {"definitions", "properties", "securityDefinitions", "headers", "examples", "scopes"}


def _in_extension(path: Location) -> bool:
    """Whether path runs through a vendor extension (Swagger 2.0: a field "^x-" of an object
    with fixed fields)."""
    for index, token in enumerate(path):
        if isinstance(token, str) and token.startswith("x-"):
            parent = path[index - 1] if index else None
            names = parent in _NAMED or (index == 1 and parent in ("parameters", "responses"))
            if not names:
                return True
    return False


def _name_for(file: str, fragment: str) -> str:
    tokens = [t for t in _fragment_tokens(fragment) if t != "\0not-a-pointer"]
    if tokens:
        return str(tokens[-1])
    stem = Path(urllib.parse.urlparse(file).path).stem
    return stem or "Bundled"


def _free_name(section: dict[str, Any], wanted: str) -> str:
    name, n = wanted, 2
    while name in section:
        name, n = f"{wanted}{n}", n + 1
    return name


def _fetch(url: str, limits: Limits) -> str:
    """Fetch a remote document (only when the user asked for remote references)."""
    import urllib.request  # with ssl, 10 ms to import: only for the runs that fetch

    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - the user opted in
            data = response.read(limits.max_bytes + 1)
    except (OSError, ValueError) as exc:
        raise InputError(Diagnostic(Severity.ERROR, "ref-fetch", "", f"cannot fetch {url}: {exc}"))
    if len(data) > limits.max_bytes:
        raise InputError(
            Diagnostic(
                Severity.ERROR, "too-large", "", f"{url} is larger than {limits.max_bytes:,} bytes"
            )
        )
    return decode(data, url)
