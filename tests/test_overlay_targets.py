"""Overlay targets end to end: match() and search() as RFC 9485 reads them, and the bounds on an overlay step.

These tests go through `apply_overlay`, so they hold whatever evaluates the targets. The ones that could
hang or eat the memory run in a child process with a timeout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostics
from generator.ingest.document import SpecDict
from generator.ingest.loader import load_text
from generator.ingest.overlay import apply_overlay

ROOT = Path(__file__).resolve().parent.parent

NAMES = ["limit", "Limit", "^limit", "limit$", "^limit$", "Étage", "étage", "ΩMEGA", "x"]


def selected(expression: str, names: list[str] = NAMES) -> list[str]:
    """The names of the parameters an update on expression marks."""
    diagnostics = Diagnostics()
    document = SpecDict("doc.yaml")
    document["parameters"] = [SpecDict("doc.yaml", {"name": name}) for name in names]
    overlay = load_text(
        "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n"
        f"- target: {json.dumps(expression)}\n  update: {{x-hit: true}}\n",
        "o.yaml",
        diagnostics,
    )
    assert isinstance(overlay, SpecDict)
    apply_overlay(document, overlay, diagnostics)
    assert set(diagnostics.codes()) <= {"overlay-no-match"}, [d.message for d in diagnostics]
    return [p["name"] for p in document["parameters"] if p.get("x-hit")]


# --- RFC 9485: `^` and `$` are ordinary characters ----------------------------
#
# I-Regexp's grammar lists both among the NormalChars (%x00-27 holds `$`, %x5E-7A holds `^`), and its
# semantics are XSD's, where neither anchors. match() is anchored at both ends anyway; search() finds
# the pattern anywhere. (The JSONPath Compliance Test Suite's "explicit caret"/"explicit dollar" cases
# read them as anchors, following the non-normative mapping to ECMAScript of RFC 9485 section 5.3.)


@pytest.mark.parametrize(
    ("pattern", "names"),
    [
        ("limit", ["limit"]),
        ("^limit", ["^limit"]),
        ("limit$", ["limit$"]),
        ("^limit$", ["^limit$"]),
        ("^lim.*", ["^limit", "^limit$"]),
        ("[$^]limit.*", ["^limit", "^limit$"]),
    ],
)
def test_match_reads_caret_and_dollar_as_characters(pattern: str, names: list[str]) -> None:
    assert selected(f"$.parameters[?match(@.name, '{pattern}')]") == names


@pytest.mark.parametrize(
    ("pattern", "names"),
    [
        ("^limit", ["^limit", "^limit$"]),
        ("limit$", ["limit$", "^limit$"]),
        ("\\\\^lim", ["^limit", "^limit$"]),  # an escaped '^' is the same character
        ("t\\\\$", []),  # '\$' is no I-Regexp escape: an invalid pattern matches nothing
        ("^", ["^limit", "^limit$"]),
        ("$", ["limit$", "^limit$"]),
    ],
)
def test_search_reads_caret_and_dollar_as_characters(pattern: str, names: list[str]) -> None:
    assert selected(f"$.parameters[?search(@.name, '{pattern}')]") == names


# --- RFC 9485: Unicode character categories ----------------------------------


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ("$.parameters[?match(@.name, '\\\\p{Lu}.*')]", ["Limit", "Étage", "ΩMEGA"]),
        (
            "$.parameters[?match(@.name, '\\\\P{Lu}.*')]",
            ["limit", "^limit", "limit$", "^limit$", "étage", "x"],
        ),
        ("$.parameters[?match(@.name, '\\\\p{Lu}+')]", ["ΩMEGA"]),
        ("$.parameters[?search(@.name, '\\\\p{Lu}{2}')]", ["ΩMEGA"]),
        (
            "$.parameters[?match(@.name, '[\\\\p{Lu}\\\\p{Ll}]+')]",
            ["limit", "Limit", "Étage", "étage", "ΩMEGA", "x"],
        ),
        (
            "$.parameters[?match(@.name, '\\\\p{L}\\\\p{Ll}+')]",
            ["limit", "Limit", "Étage", "étage"],
        ),
        (
            "$.parameters[?search(@.name, '\\\\p{P}')]",
            [],
        ),  # ^ and $ are symbols (Sk, Sc), not punctuation
        ("$.parameters[?search(@.name, '\\\\p{S}')]", ["^limit", "limit$", "^limit$"]),
    ],
)
def test_unicode_categories(expression: str, names: list[str]) -> None:
    assert selected(expression) == names


def test_multi_digit_quantifiers() -> None:
    names = ["a" * 9, "a" * 10, "a" * 11, "a" * 12]
    assert selected("$.parameters[?match(@.name, 'a{10}')]", names) == ["a" * 10]
    assert selected("$.parameters[?match(@.name, 'a{10,11}')]", names) == ["a" * 10, "a" * 11]
    assert selected("$.parameters[?match(@.name, 'a{11,}')]", names) == ["a" * 11, "a" * 12]


# --- time and growth ----------------------------------------------------------


def run_overlay(
    document: str, actions: str, timeout: float, limits: str = ""
) -> tuple[list[dict[str, Any]], float]:
    """Apply an overlay in a child process; its diagnostics (code, message, and the process's peak
    memory in MiB as `peak_mib` on the last) and how long it took."""
    script = textwrap.dedent(f"""
        import json
        import resource
        from generator.diagnostics import Diagnostics, InputError
        from generator.ingest.loader import Limits, load_text
        from generator.ingest.overlay import apply_overlay

        diagnostics = Diagnostics()
        document = load_text({document!r}, "doc.yaml", diagnostics)
        overlay = load_text("overlay: 1.0.0\\ninfo: {{title: o, version: '1'}}\\nactions:\\n" + {actions!r},
                            "o.yaml", diagnostics)
        try:
            apply_overlay(document, overlay, diagnostics{limits})
        except InputError as exc:
            diagnostics.add(exc.diagnostic)
        found = [{{"code": d.code, "message": d.message}} for d in diagnostics]
        if found:
            found[-1]["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(found))
        """)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), elapsed


DESCRIBED = (
    'swagger: "2.0"\ninfo: {title: T, version: "1", description: ' + "a" * 40 + "c}\npaths: {}\n"
)


def test_a_backtracking_pattern_does_not_hang() -> None:
    # Python's `re` takes about 2**40 steps for this one
    diagnostics, elapsed = run_overlay(
        DESCRIBED,
        "- target: \"$[?match(@.description, '(a|aa)*b')]\"\n  update: {x-slow: true}\n",
        timeout=60,
    )
    assert elapsed < 10
    assert [d["code"] for d in diagnostics] in (["overlay-no-match"], ["overlay-target"])


def test_a_pattern_slow_for_every_backtracking_engine_is_stopped_with_a_diagnostic() -> None:
    document = (
        'swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths: {}\nx-items: ['
        + ", ".join(["x" * 3000] * 20)
        + "]\n"
    )
    diagnostics, elapsed = run_overlay(
        document, "- target: \"$['x-items'][?search(@, '(x+x+)+y')]\"\n  remove: true\n", timeout=60
    )
    assert elapsed < 15
    [diagnostic] = diagnostics
    assert diagnostic["code"] == "overlay-target"
    assert "search()" in diagnostic["message"] and "second" in diagnostic["message"]


SMALL = (
    "a: {b: {}, c: {}}\nd: {}\n"  # objects only, so that every action updates every node it selects
)
EVERYWHERE = "- target: $..*\n  update: {x-a: {}, x-b: {}}\n" * 30


def test_updates_that_multiply_the_document_stop_at_the_node_limit() -> None:
    # each action gives two new objects to each object that has none yet: after k actions the
    # document has 8 * 2**k - 3 nodes, 4,093 after 9; the 10th would make 8,189. (With the default
    # 3,000,000 the 19th action stops, after 40 s and 1.6 GB: the same rule, too slow for every run.)
    diagnostics, _ = run_overlay(SMALL, EVERYWHERE, timeout=60, limits=", Limits(max_nodes=5_000)")
    assert [d["code"] for d in diagnostics] == ["too-large"]
    assert diagnostics[0]["message"].startswith("overlay action 10: ")
    assert "5,000 nodes" in diagnostics[0]["message"]
