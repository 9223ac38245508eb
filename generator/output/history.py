"""What the previous generation in the output folder says: its version, its changelog, and the
document it was made from (generator.render.release decides the next ones from them).

Its files are read only where they are, never through a link (the text of a linked CHANGELOG.md
would be carried into the new one, a linked openapi.json could name any file).
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.ingest.loader import DEFAULT_LIMITS
from generator.render.release import Previous
from generator.output.write import read_output_file
from generator import CHANGELOG, MANIFEST


def previous_generation(output: Path) -> Previous | None:
    """What output holds from the last generation, None when it holds none."""
    manifest = _read(output, MANIFEST)
    try:
        found = json.loads(manifest.decode("utf-8")) if manifest is not None else None
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    changelog = _read(output, CHANGELOG)
    return Previous(
        version=str(found.get("package_version") or ""),
        effective_sha256=str(found.get("effective_spec_sha256") or ""),
        changelog=changelog.decode("utf-8", errors="replace") if changelog is not None else "",
        document=_read(output, "openapi.json"),
        display=str(output / "openapi.json"),
    )


def _read(output: Path, name: str) -> bytes | None:
    try:
        return read_output_file(output, name, DEFAULT_LIMITS.max_bytes)
    except OSError:
        return None
