"""How a document is read: the settings of one run, and the speed layer it may use.

A module of its own (not the pipeline's) so that `check` can name the options of a run without
importing the stages that read a document: a run the check record answers needs none of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from generator.memo import INLINE, NO_MEMO, Aside, Memo
from generator.ingest.loader import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class Options:
    strict: bool = False
    allow_remote_refs: bool = False
    limits: Limits = DEFAULT_LIMITS
    ref_roots: tuple[Path, ...] = ()  # folders any `$ref` may read from, besides its document's own
    # The speed layer: save work only, never a setting (generator.memo).
    memo: Memo = field(default=NO_MEMO, compare=False, repr=False)
    aside: Aside = field(default=INLINE, compare=False, repr=False)

    def with_ref_roots(self, roots: tuple[Path, ...]) -> Options:
        """These options, with more folders any `$ref` may read from (a target's ref-root)."""
        return dataclasses.replace(self, ref_roots=(*self.ref_roots, *roots))
