"""The API of each generation, kept in the cache folder by the hash of the openapi.json it wrote.

A regeneration after the document changed diffs the previous API against the new one for the
changelog. Reading the previous openapi.json and normalizing it again takes 0.6 s on
Kubernetes. The API a generation normalized equals the one its openapi.json normalizes to
(tests/test_history_previous.py checks it on the corpus), so keeping it gives the same
changelog. The key holds the file's hash, the reserved class names and the generator's
fingerprint: a new generator never reads an old snapshot, and a snapshot that is missing or
damaged is only derived again.

Snapshots are JSON data (irdata), signed like every cache entry (cache.py). A snapshot is kept in parts, by content: the API without its operations, and each resource,
under the digests render.Parts computes for them (`Digests`). A regeneration that changed one
resource loads only that resource's previous version (history.release), and keeping a new
snapshot writes only the parts not kept already.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import TypeVar

from generator.state import cache
from generator.state import irdata
from generator.model.ir import Api, Resource
from generator.state.uptodate import builtin_fingerprint

_T = TypeVar("_T")

KEPT = 16  # snapshots kept, newest first
KEPT_PARTS = (
    4000  # their parts (Kubernetes: 66 for the first snapshot, then a few per regeneration)
)


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
    if not cache.enabled():
        return
    _store(digests.shared.hex(), dataclasses.replace(api, resources=()))
    for resource in api.resources:
        _store(digests.resources[resource.name].hex(), resource)
    listed = {
        "shared": digests.shared.hex(),
        "resources": [[r.name, digests.resources[r.name].hex()] for r in api.resources],
    }
    cache.write("api", _key(openapi_json, reserved_classes), json.dumps(listed).encode())
    cache.prune("api", KEPT)
    cache.prune("api-parts", KEPT_PARTS)


def kept(openapi_json: bytes, reserved_classes: frozenset[str]) -> Snapshot | None:
    data = cache.read("api", _key(openapi_json, reserved_classes))
    if data is None:
        return None
    try:
        listed = json.loads(data)
        return Snapshot(
            str(listed["shared"]), tuple((str(n), str(d)) for n, d in listed["resources"])
        )
    except (ValueError, TypeError, KeyError):  # none kept, or not a snapshot: derive the API again
        return None


def _key(openapi_json: bytes, reserved_classes: frozenset[str]) -> str:
    digest = hashlib.sha256(builtin_fingerprint().encode())
    digest.update("\0".join(sorted(reserved_classes)).encode("utf-8", "surrogatepass") + b"\1")
    digest.update(openapi_json)
    return digest.hexdigest()


def _part_key(digest: str) -> str:
    return f"{builtin_fingerprint()}|{digest}"


def _store(digest: str, value: object) -> None:
    cache.write(
        "api-parts", _part_key(digest), irdata.dumps(value).encode("utf-8", "surrogatepass")
    )


def _load(digest: str, kind: type[_T]) -> _T | None:
    data = cache.read("api-parts", _part_key(digest))
    try:
        value = irdata.loads(data) if data is not None else None
    except irdata.DataError:  # not an API part: derive the API again
        return None
    return value if isinstance(value, kind) else None
