"""`nice -n 19 .venv/bin/python -m tests.mutation [--jobs 2] [--only TEXT] [--json FILE]`

Mutates the generated client's runtime and resources (generated/<package>/_runtime/*.py and
resources/*.py), runs the generated unit tests (generated/tests, the Prism contract tests left
out) against each mutant, and prints the score: killed / (all - equivalent). The equivalent
mutants, changes no test can see, are listed with the reason in equivalent.json beside this
file; a survivor that is not there is a gap in the generated tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.mutation.runner import Outcome, Suite, run

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = Path(__file__).with_name("equivalent.json")
KILLED = ("killed", "timeout")


def generated_suite(root: Path) -> Suite:
    """The mutated modules of the one package in ``root`` (generated/)."""
    (package,) = [p.parent.parent.name for p in root.glob("*/_runtime/__init__.py")]
    modules = sorted(root.glob(f"{package}/_runtime/*.py")) + sorted(
        root.glob(f"{package}/resources/*.py")
    )
    return Suite(
        root=root,
        package=package,
        modules=[path.relative_to(root) for path in modules],
        pytest_args=["-m", "not contract"],
        leaves=(f"{package}/resources/",),
    )


def load_equivalent() -> dict[str, str]:
    """Mutant key -> why no test can tell it from the code."""
    entries = json.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {entry["mutant"]: entry["reason"] for entry in entries}


def score(outcomes: list[Outcome], equivalent: dict[str, str]) -> dict[str, object]:
    total = len(outcomes)
    killed = sum(outcome.status in KILLED for outcome in outcomes)
    counted = [o for o in outcomes if o.mutant.key in equivalent]
    return {
        "total": total,
        "killed": killed,
        "equivalent": len(counted),
        "score": killed / max(total - len(counted), 1),
        "killed_equivalent": [o.mutant.key for o in counted if o.status in KILLED],
        "survivors": [
            {"mutant": o.mutant.key, "line": o.mutant.lines[0], "status": o.status}
            for o in outcomes
            if o.status not in KILLED and o.mutant.key not in equivalent
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--only", default="", help="only mutants whose key contains this")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per mutant")
    parser.add_argument("--json", type=Path, help="write the outcomes and the score here")
    parser.add_argument("--root", type=Path, default=ROOT / "generated")
    options = parser.parse_args(argv)
    started = time.monotonic()

    def progress(outcome: Outcome, done: int, total: int) -> None:
        if outcome.status not in KILLED:
            print(f"[{done}/{total}] {outcome.status}: {outcome.mutant.key}", flush=True)

    outcomes = run(
        generated_suite(options.root),
        selected=lambda mutant: options.only in mutant.key,
        jobs=options.jobs,
        timeout=options.timeout,
        progress=progress,
    )
    result = score(outcomes, load_equivalent())
    result["seconds"] = round(time.monotonic() - started)
    result["date"] = datetime.date.today().isoformat()
    result["commit"] = _commit()
    if options.json:
        options.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{result['killed']} killed of {result['total']} mutants, {result['equivalent']} "
        f"equivalent: score {result['score']:.1%} ({len(result['survivors'])} survivors to "  # type: ignore[arg-type]
        f"look at) in {result['seconds']} s"
    )
    for key in result["killed_equivalent"]:  # type: ignore[attr-defined]
        print(f"listed as equivalent but killed (remove it from equivalent.json): {key}")
    return 0


def _commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
