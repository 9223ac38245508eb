"""The planned tests of each resource, kept in the cache folder by what they were planned from.

Planning the tests takes 0.17 s for Kubernetes, most of the work of rendering the test suite
after a one-operation change, and the contract tests need the plans of every operation. A
resource's plans are a function of the resource and of the API without its operations (see
testgen.Planner): the key is the resource's test key (render.Parts) with the generator's
fingerprint. The operations are not stored (loading them again would cost as much as planning):
the plans are put back on the resource's own operations, in order.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from .cache import cache_path, prune, read_entry, write_entry
from .ir import Resource
from .testgen import OperationTests
from .uptodate import builtin_fingerprint

KEPT = 5000  # resources' plans kept, newest first (Kubernetes has 65 resources)


def kept(key: str, resource: Resource) -> list[OperationTests] | None:
    """The plans kept for resource under key, or None."""
    data = read_entry(_entry(key))
    if data is None:
        return None
    try:
        stored = pickle.loads(data)
    except Exception:  # a damaged entry: plan again  # noqa: BLE001
        return None
    if not isinstance(stored, list) or len(stored) != len(resource.operations):
        return None
    return [OperationTests(op=op, **fields) for op, fields in zip(resource.operations, stored)]


def keep(planned: dict[str, list[OperationTests]]) -> None:
    """Keep each resource's plans under its key."""
    path = None
    for key, tests in planned.items():
        path = _entry(key)
        stored = [{name: value for name, value in vars(test).items() if name != "op"} for test in tests]
        write_entry(path, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
    if path is not None:
        prune(path.parent, KEPT)


def _entry(key: str) -> Path | None:
    digest = hashlib.sha256(f"{builtin_fingerprint()}\0{key}".encode()).hexdigest()
    return cache_path("plans", f"{digest}.pickle")
