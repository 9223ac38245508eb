"""`.venv/bin/python -m tests.bench [--only cold,warm,import,call,memory] [--repeat N] [--quick] [--json FILE]`

Installs its peers into .bench-work/ on first use, then prints each figure of ours beside the
peer's measured in the same run, the ratio and the issue's target (see tests/bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from . import calls, download, imports, peers, stages
from .common import DOCUMENTS, WORK, BenchError, Sample, median, our_python, run_measured, say
from .generation import CHECK_NOTE, Session, run_spec
from .report import Row, summary, table

BENCHMARKS = ("cold", "warm", "import", "call", "memory")
EXTRA = ("profile", "download")  # run only when asked for
OG = "OpenAPI Generator"
PAUSED = (
    "floor-keeping",
    "hand",
    "ours",
    "openapi-generator",
)  # timed again with the collector off


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated, from {', '.join(BENCHMARKS + EXTRA)} (check runs with warm)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure; the median is shown (default 3)"
    )
    parser.add_argument("--quick", action="store_true", help="one run per figure, fewer calls")
    parser.add_argument(
        "--documents", default=",".join(DOCUMENTS), help="generation benchmarks on these documents"
    )
    parser.add_argument(
        "--calls", type=int, default=3000, help="timed calls per client and run (default 3000)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure and sample to this file")
    args = parser.parse_args(argv)
    args.only = [name.replace("check", "warm") for name in args.only.split(",") if name]
    args.documents = [name for name in args.documents.split(",") if name]
    unknown = set(args.only) - set(BENCHMARKS + EXTRA) | set(args.documents) - set(DOCUMENTS)
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    if args.quick:
        args.repeat, args.calls = 1, min(args.calls, 1000)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    load = "%.2f" % os.getloadavg()[1]  # other work on the machine skews every figure: it is shown
    try:
        peers.prepare()
        session = Session(max(1, args.repeat))
        rows, notes, extra = run(args, session)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    environment = {
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "cpus": _cpus(),
        "load average at start": load,
        "at end": "%.2f" % os.getloadavg()[1],
        "repeat": session.repeat,
        **peers.peer_versions(),
    }
    print()
    print(", ".join(f"{key} {value}" for key, value in environment.items()))
    print(table(rows))
    for note in [*session.notes.values(), *notes]:
        print(f"  note: {note}")
    print(summary(rows))
    if args.json:
        samples = {
            f"{tool} {doc}": [vars(s) for s in runs] for (tool, doc), runs in session.cold.items()
        }
        args.json.write_text(
            json.dumps(
                {
                    "environment": environment,
                    "rows": [r.as_json() for r in rows],
                    "cold": samples,
                    "notes": [*session.notes.values(), *notes],
                    **extra,
                },
                indent=2,
            )
        )
    return 0


def run(
    args: argparse.Namespace, session: Session
) -> tuple[list[Row], list[str], dict[str, object]]:
    """The rows of the table, notes printed under it, and what else goes into the JSON file."""
    rows: list[Row] = []
    notes: list[str] = []
    extra: dict[str, object] = {}
    for document in args.documents if "cold" in args.only else []:
        ours, theirs = _cold_pair(session, document)
        rows.append(
            Row(
                "cold generation, wall",
                document,
                median([s.wall for s in ours]),
                OG,
                median([s.wall for s in theirs]),
                "s",
                1.0,
            )
        )
        rows.append(
            Row(
                "cold generation, CPU",
                document,
                median([s.cpu for s in ours]),
                OG,
                median([s.cpu for s in theirs]),
                "s",
            )
        )
        for tool in ("ours", "theirs"):
            notes.append(
                f"output of {tool} for {document}: {stages.output_size(session.output(tool, document))}"
            )
    for document in args.documents if "memory" in args.only else []:
        ours, theirs = _cold_pair(session, document)
        rows.append(
            Row(
                "peak memory (largest process)",
                document,
                median([s.max_rss for s in ours]),
                OG,
                median([s.max_rss for s in theirs]),
                "MiB",
                0.5,
            )
        )
        rows.append(
            Row(
                "peak memory (process tree, sampled)",
                document,
                median([s.tree_rss for s in ours]),
                OG,
                median([s.tree_rss for s in theirs]),
                "MiB",
            )
        )
    for document in args.documents if "warm" in args.only else []:
        theirs_cold = median([s.wall for s in session.cold_samples("theirs", document)])
        session.warm_and_check(document)
        rows.append(
            Row(
                "warm regeneration",
                document,
                median([s.wall for s in session.warm[document]]),
                f"{OG} cold",
                theirs_cold,
                "s",
                0.2,
            )
        )
        rows.append(
            Row(
                "check, nothing changed",
                document,
                median([s.wall for s in session.check[document]]),
                f"{OG} cold",
                theirs_cold,
                "s",
                0.15,
            )
        )
        notes.append(CHECK_NOTE)
    if "import" in args.only:
        rows.extend(_import_rows(session, extra))
    if "call" in args.only:
        rows.extend(_call_rows(session, args.calls, extra, notes))
    if "profile" in args.only:
        extra["profile"] = _profile()
    if "download" in args.only:
        rows.extend(download.rows(repeat=session.repeat))
    return rows, list(dict.fromkeys(notes)), extra


def _cold_pair(session: Session, document: str) -> tuple[list[Sample], list[Sample]]:
    """Both tools' cold samples; theirs first, so a failure of ours still leaves the peer's figure."""
    theirs = session.cold_samples("theirs", document)
    return session.cold_samples("ours", document), theirs


def _import_rows(session: Session, extra: dict[str, object]) -> list[Row]:
    ours_dir, theirs_dir = session.output("ours", "kubernetes"), session.output(
        "theirs", "kubernetes"
    )
    peers.install_generated_requirements(theirs_dir)
    say("import times (kubernetes) ...")
    ours = imports.time_imports("ours", ours_dir, session.repeat)
    theirs = imports.time_imports("theirs", theirs_dir, session.repeat)
    extra["import"] = {"ours": vars(ours), "theirs": vars(theirs)}
    labels = {
        "import": "import",
        "setup": "import + client + resource",
        "first call": "import + first call",
    }
    rows = [
        Row(label, "kubernetes", ours.medians[moment], OG, theirs.medians[moment], "s", 0.05)
        for moment, label in labels.items()
    ]
    rows.append(
        Row(
            "first import (compiles .pyc)",
            "kubernetes",
            ours.first["import"],
            OG,
            theirs.first["import"],
            "s",
        )
    )
    return rows


def _call_rows(
    session: Session, count: int, extra: dict[str, object], notes: list[str]
) -> list[Row]:
    ours_dir, theirs_dir = session.output("ours", "callbench"), session.output(
        "theirs", "callbench"
    )
    peers.install_generated_requirements(theirs_dir)
    say("per-call overhead ...")
    results = calls.time_calls(ours_dir, theirs_dir, session.repeat, count)
    extra["call"] = results
    us = calls.medians(results)
    notes.append(calls.collector_note(results))
    op = "callbench"
    say("per-call overhead, empty page ...")
    empty = calls.time_calls(ours_dir, theirs_dir, session.repeat, count, items=0)
    extra["call, empty page"] = empty
    fixed = calls.medians(empty)
    say("per-call overhead, cycle collector paused (a diagnostic) ...")
    paused = calls.medians(
        calls.time_calls(ours_dir, theirs_dir, session.repeat, count, clients=PAUSED, paused=True)
    )
    floor = "floor: transport + pydantic, no client"
    return [
        Row("per call", op, us["ours"], "httpx + pydantic by hand", us["hand"], "µs", 1.2),
        Row("per call", op, us["ours"], OG, us["openapi-generator"], "µs", 0.5),
        Row("per call", op, us["ours"], "bravado", us["bravado"], "µs"),
        Row("per call", op, us["ours"], floor, us["floor"], "µs"),
        # what no client on httpx and pydantic can go below, against the 0.5× target's peer;
        # then the same with models that keep undeclared fields, as ours do
        Row("per call, the floor", op, us["floor"], OG, us["openapi-generator"], "µs"),
        Row(
            "per call, the floor keeping unknown fields",
            op,
            us["floor-keeping"],
            OG,
            us["openapi-generator"],
            "µs",
        ),
        # the hand-written client (httpx.Client) with models that keep undeclared fields
        Row(
            "per call, by hand keeping unknown fields",
            op,
            us["hand-keeping"],
            OG,
            us["openapi-generator"],
            "µs",
        ),
        # the same call answered by an empty page: what a call costs besides parsing the items
        Row(
            "per call, empty page",
            op,
            fixed["ours"],
            "httpx + pydantic by hand",
            fixed["hand"],
            "µs",
        ),
        Row("per call, empty page", op, fixed["ours"], OG, fixed["openapi-generator"], "µs"),
        Row("per call, empty page", op, fixed["ours"], floor, fixed["floor"], "µs"),
        # the collector off while timing, which no client should do to its caller: what the
        # figures above owe to the collections a 100-item page sets off (see the note)
        Row(
            "per call, collector paused", op, paused["ours"], OG, paused["openapi-generator"], "µs"
        ),
        Row(
            "per call, collector paused",
            op,
            paused["ours"],
            "httpx + pydantic by hand",
            paused["hand"],
            "µs",
        ),
        Row(
            "per call, collector paused, floor keeping unknown fields",
            op,
            paused["floor-keeping"],
            OG,
            paused["openapi-generator"],
            "µs",
        ),
    ]


def _profile() -> str:
    folder = WORK / "profile"
    folder.mkdir(parents=True, exist_ok=True)
    profile, out = folder / "kubernetes.prof", folder / "out"
    say("profiling our generator on kubernetes (slow) ...")
    run_measured(
        [
            our_python(),
            "-m",
            "cProfile",
            "-o",
            str(profile),
            "-m",
            "generator",
            "generate",
            str(run_spec("kubernetes")),
            "-o",
            str(out),
        ],
        log=folder / "log.txt",
    )
    text = "\n\n".join(
        [
            stages.stage_table(profile),
            stages.top_functions(profile),
            f"output: {stages.output_size(out)}; pytest: {stages.collected_tests(out)}",
        ]
    )
    print(text)
    return text


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())
