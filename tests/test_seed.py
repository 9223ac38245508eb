"""The default target: the CallFire seed as received, and the maintainers' overlay that corrects it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.ingest.loader import load_file
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest
from tests.conftest import SEED, SEED_OVERLAY

OPERATIONS = {
    ("/calls", "get"): "findCalls",
    ("/calls", "post"): "sendCalls",
    ("/calls/broadcasts", "get"): "findCallBroadcasts",
    ("/calls/broadcasts", "post"): "createCallBroadcast",
}


def test_the_seed_is_the_shared_file_byte_for_byte(shared_specs: Path) -> None:
    assert (
        SEED.read_bytes() == (shared_specs / "callfire" / "seed-call-broadcast.yaml").read_bytes()
    )


def test_validate_lists_each_problem_of_the_seed(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", SEED, "--format", "json")
    assert result.code == 0
    diagnostics = json.loads(result.out)
    assert Counter(d["code"] for d in diagnostics) == {
        "param-untyped": 30,
        "ref-dangling": 2,
        "extra-document": 1,
        "http-only": 1,
    }
    assert {d["severity"] for d in diagnostics} == {"warning"}
    assert all(
        d["line"] and d["file"].endswith("callfire-call-broadcast.yaml") for d in diagnostics
    )
    dangling = sorted(d["pointer"] for d in diagnostics if d["code"] == "ref-dangling")
    assert dangling == [
        "/paths/~1calls/post/parameters/0/schema",
        "/paths/~1calls~1broadcasts/post/parameters/0/schema",
    ]
    [extra] = [d for d in diagnostics if d["code"] == "extra-document"]
    assert extra["line"] == 210


def test_validate_strict_fails_on_the_same_problems(cli) -> None:  # type: ignore[no-untyped-def]
    lenient = json.loads(cli("validate", SEED, "--format", "json").out)
    result = cli("validate", SEED, "--strict", "--format", "json")
    assert result.code == 1
    strict = json.loads(result.out)
    assert [(d["code"], d["pointer"]) for d in strict] == [
        (d["code"], d["pointer"]) for d in lenient
    ]
    assert {d["severity"] for d in strict} == {"error"}


def test_with_the_overlay_strict_validation_is_clean(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", SEED, "--overlay", SEED_OVERLAY, "--strict", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out) == []


def test_the_text_report_says_what_was_waived(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", SEED, "--overlay", SEED_OVERLAY, "--strict")
    assert result.code == 0
    assert "0 errors, 0 warnings, 0 infos (1 waived by the overlay)" in result.err


def test_overlay_brings_the_operations_to_v2_fidelity(shared_specs: Path) -> None:
    corrected = ingest(SEED, [SEED_OVERLAY], Options(strict=True)).document
    assert corrected is not None
    full = load_file(shared_specs / "callfire" / "callfire-v2-full.yaml", Diagnostics())
    assert isinstance(full, dict)
    for (path, method), operation_id in OPERATIONS.items():
        ours, theirs = corrected["paths"][path][method], full["paths"][path][method]
        assert ours["operationId"] == operation_id
        assert _by_name(ours["parameters"]) == _by_name(theirs["parameters"])
        assert ours["responses"] == theirs["responses"]
        assert ours["security"] == [{"basicAuth": []}]
    assert corrected["schemes"] == ["https"]
    assert (corrected["host"], corrected["basePath"]) == ("api.callfire.com", "/v2")
    assert corrected["securityDefinitions"] == {"basicAuth": {"type": "basic"}}
    for name, definition in corrected["definitions"].items():
        assert definition == full["definitions"][name]
    assert "holder" not in json.dumps(corrected)


def _by_name(parameters: list[dict]) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(p["name"], p["in"]): p for p in parameters}
