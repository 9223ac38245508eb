"""The API of each generation, kept in the cache folder by the hash of the openapi.json it wrote.

A regeneration after the document changed diffs the previous API against the new one for the
changelog. Reading the previous openapi.json and normalizing it again takes 0.6 s on
Kubernetes. The API a generation normalized equals the one its openapi.json normalizes to
(tests/test_history_previous.py checks it on the corpus), so keeping it gives the same
changelog. The key holds the file's hash, the reserved class names and the generator's
fingerprint: a new generator never reads an old snapshot, and a snapshot that is missing or
damaged is only derived again.

A snapshot is kept in parts, by content: the API without its operations, and each resource,
under the digests render.Parts computes for them (`Digests`). A regeneration that changed one
resource loads only that resource's previous version (history.release), and keeping a new
snapshot writes only the parts not kept already.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .cache import cache_path, prune, read_entry, write_entry
from .ir import Api, Resource
from .uptodate import builtin_fingerprint

_T = TypeVar("_T")

KEPT = 16  # snapshots kept, newest first
KEPT_PARTS = 4000  # their parts (Kubernetes: 66 for the first snapshot, then a few per regeneration)


@dataclass(frozen=True)
class Digests:
    """render.Parts' digests of an API: of everything but its operations, and of each resource."""

    shared: bytes
    resources: dict[str, bytes]


@dataclass(frozen=True)
class Snapshot:
    """A kept API: the digest of its shared part, and each resource's name and digest, in order."""

    shared: str
    resources: tuple[tuple[str, str], ...]

    def api(self) -> Api | None:
        """The whole API, or None when a part is missing or damaged."""
        rest = _load(self.shared, Api)
        resources = [_load(digest, Resource) for _, digest in self.resources]
        if rest is None or any(r is None for r in resources):
            return None
        return dataclasses.replace(rest, resources=tuple(r for r in resources if r is not None))

    def resource(self, digest: str) -> Resource | None:
        return _load(digest, Resource)


def keep(openapi_json: bytes, reserved_classes: frozenset[str], api: Api, digests: Digests) -> None:
    """Remember api as what openapi_json (the bytes written to the output) normalizes to."""
    path = _entry(openapi_json, reserved_classes)
    if path is None:
        return
    _store(digests.shared.hex(), dataclasses.replace(api, resources=()))
    for resource in api.resources:
        _store(digests.resources[resource.name].hex(), resource)
    snapshot = Snapshot(digests.shared.hex(), tuple((r.name, digests.resources[r.name].hex()) for r in api.resources))
    write_entry(path, pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
    prune(path.parent, KEPT)
    prune(path.parent / "parts", KEPT_PARTS)


def kept(openapi_json: bytes, reserved_classes: frozenset[str]) -> Snapshot | None:
    snapshot = _unpickled(read_entry(_entry(openapi_json, reserved_classes)))
    return snapshot if isinstance(snapshot, Snapshot) else None


def _entry(openapi_json: bytes, reserved_classes: frozenset[str]) -> Path | None:
    digest = hashlib.sha256(builtin_fingerprint().encode())
    digest.update("\0".join(sorted(reserved_classes)).encode("utf-8", "surrogatepass") + b"\1")
    digest.update(openapi_json)
    return cache_path("api", f"{digest.hexdigest()}.pickle")


def _part(digest: str) -> Path | None:
    return cache_path("api", "parts", f"{digest}.pickle")


def _store(digest: str, value: object) -> None:
    path = _part(digest)
    if path is not None and not path.is_file():  # a part is its content: one kept already is the same
        write_entry(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _load(digest: str, kind: type[_T]) -> _T | None:
    value = _unpickled(read_entry(_part(digest)))
    return value if isinstance(value, kind) else None


def _unpickled(data: bytes | None) -> object:
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a damaged entry: derive the API again  # noqa: BLE001
        return None
