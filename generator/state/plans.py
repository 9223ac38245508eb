"""The planned tests of each resource, kept in the cache folder by what they were planned from.

Planning the tests takes 0.17 s for Kubernetes, most of the work of rendering the test suite
after a one-operation change, and the contract tests need the plans of every operation. A
resource's plans are a function of the resource and of the API without its operations (see
testgen.Planner): the key is the resource's test key (render.Parts) with the generator's
fingerprint. The operations are not stored (loading them again would cost as much as planning):
the plans are put back on the resource's own operations, in order.
"""

from __future__ import annotations


from generator.state import cache
from generator.state import irdata
from generator.model.ir import Resource
from generator.render.testgen import OperationTests
from generator.state.uptodate import builtin_fingerprint

KEPT = 5000  # resources' plans kept, newest first (Kubernetes has 65 resources)


def kept(key: str, resource: Resource) -> list[OperationTests] | None:
    """The plans kept for resource under key, or None."""
    data = cache.read("plans", _key(key))
    try:
        stored = irdata.loads(data) if data is not None else None
        if not isinstance(stored, list) or len(stored) != len(resource.operations):
            return None
        return [OperationTests(op=op, **fields) for op, fields in zip(resource.operations, stored)]
    except (irdata.DataError, TypeError):  # not plans: plan again
        return None


def keep(planned: dict[str, list[OperationTests]]) -> None:
    """Keep each resource's plans under its key."""
    if not cache.enabled():
        return
    for key, tests in planned.items():
        stored = [
            {name: value for name, value in vars(test).items() if name != "op"} for test in tests
        ]
        cache.write("plans", _key(key), irdata.dumps(stored).encode("utf-8", "surrogatepass"))
    if planned:
        cache.prune("plans", KEPT)


def _key(key: str) -> str:
    return f"{builtin_fingerprint()}|{key}"
