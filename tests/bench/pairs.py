"""`.venv/bin/python -m tests.bench.pairs [--rounds N] [--document NAME] NAME=TREE NAME=TREE ...`

Our generator against itself: two or more checkouts (a commit before and after a change, or a
copy with one speed-up turned off) on the same document, round by round, each round in turn
(the order reversed every other round, so a machine getting busier hurts neither side). Each
round is a cold generation (empty output folder and cache), a warm one (one operation's
description changed) and a `check`. Prints the medians, and the median of the per-round
ratios against the first tree: the way to show that a part of the speed layer pays for itself.
The document is one the benchmark installed (run `python -m tests.bench --quick` once).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

from .common import SPECS, WORK, Sample, our_python, run_measured
from .edits import find_edit

FIGURES = ("cold", "warm", "check")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.pairs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--document", default="kubernetes")
    parser.add_argument("trees", nargs="+", help="NAME=PATH of a checkout of this project")
    args = parser.parse_args(argv)
    trees = dict(tree.split("=", 1) for tree in args.trees)
    original = (SPECS / f"{args.document}.yaml").read_text(encoding="utf-8")
    samples: dict[str, dict[str, list[Sample]]] = {t: {f: [] for f in FIGURES} for t in trees}
    for number in range(args.rounds):
        names = list(trees) if number % 2 == 0 else list(reversed(trees))
        for name in names:
            for figure, sample in _round(name, Path(trees[name]), original, number).items():
                samples[name][figure].append(sample)
            print(f"round {number + 1}: {name} done", file=sys.stderr, flush=True)
    print(_report(samples))
    return 0


def _round(name: str, tree: Path, original: str, number: int) -> dict[str, Sample]:
    """One cold generation, one warm and one check of tree, in a folder of its own."""
    folder = WORK / "pairs" / name
    spec, out, cache = folder / "document.yaml", folder / "out", folder / "cache"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    spec.write_text(original, encoding="utf-8")
    env = {**_environment(), "GENERATOR_CACHE": str(cache)}
    generate = [our_python(), "-m", "generator", "generate", str(spec), "-o", str(out)]
    cold = run_measured(generate, cwd=tree, env=env)
    spec.write_text(find_edit(original).apply(original, number + 1), encoding="utf-8")
    warm = run_measured(generate, cwd=tree, env=env)
    config = folder / "check.toml"
    config.write_text(f"[[targets]]\nspec = {str(spec)!r}\noutput = {str(out)!r}\n")
    check_command = [our_python(), "-m", "generator", "check", "--config", str(config)]
    return {"cold": cold, "warm": warm, "check": run_measured(check_command, cwd=tree, env=env)}


def _environment() -> dict[str, str]:
    """What a user's shell would pass: .pyc files written and used, nothing of ours set."""
    keep = ("PATH", "HOME", "LANG", "GENERATOR_CACHE_KEY")
    return {key: os.environ[key] for key in keep if key in os.environ}


def _report(samples: dict[str, dict[str, list[Sample]]]) -> str:
    base, *others = samples
    lines = []
    for figure in FIGURES:
        first = samples[base][figure]
        line = f"{figure:5}  {base} {_median(first)}"
        for name in others:
            theirs = samples[name][figure]
            ratios = [t.wall / b.wall for t, b in zip(theirs, first)]
            line += f" | {name} {_median(theirs)} ×{statistics.median(ratios):.2f}"
        lines.append(line)
    return "\n".join(lines)


def _median(found: list[Sample]) -> str:
    wall = statistics.median(s.wall for s in found)
    cpu = statistics.median(s.cpu for s in found)
    return f"{wall:.2f} s (CPU {cpu:.2f} s)"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
