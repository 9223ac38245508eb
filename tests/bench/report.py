"""The results table: each figure of ours beside the peer's of the same run, the ratio and its target."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Row:
    benchmark: str
    document: str
    ours: float
    peer: str  # what ours is compared with
    peer_value: float
    unit: str
    target: float | None = (
        None  # the ratio ours / peer must not exceed (None: shown for information)
    )

    @property
    def ratio(self) -> float:
        return self.ours / self.peer_value if self.peer_value else math.nan

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.ratio <= self.target else "MISS"

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "verdict": self.verdict}


HEADINGS = ("benchmark", "document", "ours", "peer", "peer value", "ratio", "target", "")


def table(rows: list[Row]) -> str:
    cells = [HEADINGS] + [
        (
            r.benchmark,
            r.document,
            _figure(r.ours, r.unit),
            r.peer,
            _figure(r.peer_value, r.unit),
            _ratio(r.ratio),
            f"≤ {r.target:g}×" if r.target is not None else "",
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADINGS))]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _ratio(ratio: float) -> str:
    return f"{ratio:.2f}×" if ratio >= 1 else f"{ratio:.3g}×"


def _figure(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:.1f} µs"


def summary(rows: list[Row]) -> str:
    judged = [r for r in rows if r.target is not None]
    missed = [r for r in judged if r.verdict == "MISS"]
    return f"{len(judged) - len(missed)} of {len(judged)} targets met" + (
        "; missed: " + ", ".join(f"{r.benchmark} vs {r.peer} ({r.document})" for r in missed)
        if missed
        else ""
    )
