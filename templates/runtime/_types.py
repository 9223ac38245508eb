"""Types shared across the runtime: the ``NOT_GIVEN`` sentinel and aliases for inputs.

``NOT_GIVEN`` lets a method tell "the caller did not pass this" apart from "the caller passed
``None``": a ``None`` query parameter is simply omitted, but a ``None`` timeout means "no
timeout", so the two cannot share one value.
"""

from __future__ import annotations

import pathlib
from typing import IO, Literal, TypeAlias

import httpx

__all__ = ["NOT_GIVEN", "FileInput", "NotGiven", "Timeout"]


class NotGiven:
    """The type of ``NOT_GIVEN``: marks an argument the caller did not give.

    It is distinct from ``None``, which callers use to mean "explicitly nothing" (for example
    ``timeout=None`` disables the timeout). The sentinel is falsy so ``value or default`` works.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # One instance only, so identity checks (``is NOT_GIVEN``) stay valid after copying.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

# Upload content: raw bytes, a path to read, an open binary file, or a tuple naming the file
# (and optionally its content type) explicitly.
FileInput: TypeAlias = (
    bytes
    | pathlib.Path
    | IO[bytes]
    | tuple[str, bytes | IO[bytes]]
    | tuple[str, bytes | IO[bytes], str]
)

# Seconds as a float, a fine-grained ``httpx.Timeout``, or ``None`` for no timeout at all.
Timeout: TypeAlias = float | httpx.Timeout | None
