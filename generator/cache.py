"""The generator's cache folder: files that only save time, never needed for a correct result.

GENERATOR_CACHE names the folder (`off` turns caching off); the default is under ~/.cache. It
holds black's output by hash (formatting.py), the compiled fast schema check and the hashes of
the document parts it found valid (schemacheck.py), compiled templates (render.py), check records
(uptodate.py), the API of each generation (apisnapshot.py) and the planned tests of each
resource (plans.py). Deleting it costs time only. Writes are atomic (a temporary file renamed), so a
reader never sees half a file, and a failed read or write is ignored.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def cache_root() -> Path | None:
    """The generator's cache folder (GENERATOR_CACHE, or one under ~/.cache), None when turned `off`."""
    setting = os.environ.get("GENERATOR_CACHE", "")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "swagger2-python-client-generator"


def cache_path(*parts: str) -> Path | None:
    """Where a cache entry lives (parts below the root), None when caching is off."""
    root = cache_root()
    return root.joinpath(*parts) if root is not None else None


def read_entry(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def prune(folder: Path, keep: int, pattern: str = "*.pickle") -> None:
    """Delete all but the keep newest entries of folder."""
    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink()
    except OSError:
        pass  # another run pruned it first


def write_entry(path: Path | None, data: bytes) -> None:
    if path is None:
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        try:
            temporary.write_bytes(data)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
