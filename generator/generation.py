"""What a run of the pipeline gives: the files of the client project, or the diagnostics that say
why there are none. A module of its own so that `check` can answer from its record of an
earlier run without importing the pipeline (a third of its time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from generator.diagnostics import Diagnostics

if TYPE_CHECKING:
    from generator.model.ir import Api

# Told (stage, done, total) as files are formatted, the slow part for a large document.
Progress = Callable[[str, int, int], None]


@dataclass
class Generation:
    diagnostics: Diagnostics
    files: dict[str, str] | None  # None when generation failed
    waived: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    inputs: dict[str, str] = field(default_factory=dict)  # every file read → its sha256
    api: Api | None = None  # the normalized API
