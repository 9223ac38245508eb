"""The API of each generation, kept in the cache folder by the hash of the openapi.json it wrote.

A regeneration after the document changed diffs the previous API against the new one for the
changelog. Reading the previous openapi.json and normalizing it again takes 0.6 s on
Kubernetes; loading the API kept when that file was written takes a third of that. The API a
generation normalized equals the one its openapi.json normalizes to (tests/test_apisnapshot.py
checks it on the corpus), so either way gives the same changelog. The key holds the file's
hash, the reserved class names and the generator's fingerprint: a new generator never reads an
old snapshot, and a snapshot that is missing or damaged is only derived again.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from .cache import cache_path, prune, read_entry, write_entry
from .ir import Api
from .uptodate import builtin_fingerprint


KEPT = 16  # snapshots kept, newest first (one is a few MB for a large API)


def keep(openapi_json: bytes, reserved_classes: frozenset[str], api: Api) -> None:
    """Remember api as what openapi_json (the bytes written to the output) normalizes to."""
    path = _entry(openapi_json, reserved_classes)
    if path is None:
        return
    write_entry(path, pickle.dumps(api, protocol=pickle.HIGHEST_PROTOCOL))
    prune(path.parent, KEPT)


def kept(openapi_json: bytes, reserved_classes: frozenset[str]) -> Api | None:
    data = read_entry(_entry(openapi_json, reserved_classes))
    if data is None:
        return None
    try:
        api = pickle.loads(data)
    except Exception:  # a damaged entry: derive the API again  # noqa: BLE001
        return None
    return api if isinstance(api, Api) else None


def _entry(openapi_json: bytes, reserved_classes: frozenset[str]) -> Path | None:
    digest = hashlib.sha256(builtin_fingerprint().encode())
    digest.update("\0".join(sorted(reserved_classes)).encode("utf-8", "surrogatepass") + b"\1")
    digest.update(openapi_json)
    return cache_path("api", f"{digest.hexdigest()}.pickle")
