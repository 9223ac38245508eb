"""Per-call overhead: runs percall.py in the peers' venv, once per repetition, in fresh processes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .common import BENCH, BenchError, clean_environment, median
from .peers import peer_python

CLIENTS = ("floor", "floor-keeping", "hand", "hand-keeping", "ours", "openapi-generator", "bravado")


def time_calls(
    ours_dir: Path,
    theirs_dir: Path,
    repeat: int,
    calls: int,
    items: int = 100,
    clients: tuple[str, ...] = CLIENTS,
    paused: bool = False,
) -> dict[str, list[dict[str, float]]]:
    """client -> one {median, mean, p90} (microseconds) per repetition; the order rotates. Every call
    returns a page of items items (0: the cost of a call without the work of parsing a page);
    paused: with the cycle collector off while timing (a diagnostic, not how clients run)."""
    results: dict[str, list[dict[str, float]]] = {client: [] for client in clients}
    for attempt in range(repeat):
        order = clients[attempt % len(clients) :] + clients[: attempt % len(clients)]
        command = [
            str(peer_python()),
            str(BENCH / "percall.py"),
            "--spec",
            str(BENCH / "callbench.yaml"),
            "--ours",
            str(ours_dir),
            "--theirs",
            str(theirs_dir),
            "--calls",
            str(calls),
            "--order",
            ",".join(order),
            "--items",
            str(items),
            *(["--paused"] if paused else []),
        ]
        run = subprocess.run(command, capture_output=True, text=True, env=clean_environment())
        if run.returncode != 0:
            raise BenchError(
                f"the per-call benchmark failed:\n{run.stdout[-2000:]}{run.stderr[-3000:]}"
            )
        for client, figures in json.loads(run.stdout.strip().splitlines()[-1]).items():
            results[client].append(figures)
    return results


def medians(results: dict[str, list[dict[str, float]]]) -> dict[str, float]:
    """The median over repetitions of each process's median microseconds per call."""
    return {client: median([r["median"] for r in runs]) for client, runs in results.items()}


def collector_note(results: dict[str, list[dict[str, float]]]) -> str:
    """One line: for each client, the cycle collector's share of a call (medians over repetitions)."""

    def figure(client: str, key: str) -> float:
        return median([r[key] for r in results[client]])

    parts = [
        f"{client} {figure(client, 'young_collections'):.2f} young and "
        f"{figure(client, 'full_collections') * 1000:.1f} full per 1,000 calls, "
        f"{figure(client, 'collector_us'):.1f} µs"
        for client in results
    ]
    return (
        "cycle collector per call (young collections per call, full ones per 1,000 calls, mean µs): "
        + "; ".join(parts)
    )
