"""Write the generated project into its folder, safely; or compare it with what is there.

The new tree is built in a temporary sibling folder, then swapped in with two renames,
so a failure at any point leaves the previous folder as it was. Files whose bytes did
not change are hard links to the old ones (same inode, same modification time), and
files the generator no longer makes disappear with the old tree.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import GENERATOR_NAME

# Made by tools run inside the output folder, not by the generator: never "extra", never compared.
IGNORED = ("__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", "build", ".ruff_cache")


class UnsafePath(ValueError):
    """A generated path that would leave the output folder (a bug upstream, refused here too)."""


class Refused(Exception):
    """The output folder holds what the generator did not make, so replacing it would lose it."""


MANIFEST = "manifest.json"


@dataclass
class Comparison:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def check_paths(files: dict[str, str]) -> None:
    for name in files:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
            raise UnsafePath(f"refusing to write {name!r} outside the output folder")


def compare(output: Path, files: dict[str, str], kept: Collection[str] = ()) -> Comparison:
    """What differs between output and files; kept names files whose text was read from output
    in this run (unchanged by construction, so not read again)."""
    result = Comparison()
    existing = set(existing_files(output))
    for name, text in sorted(files.items()):
        target = output / name
        if name not in existing:
            result.missing.append(name)
        elif name not in kept and target.read_bytes() != text.encode("utf-8"):
            result.changed.append(name)
    result.extra = sorted(existing - set(files))
    return result


def existing_files(output: Path) -> list[str]:
    if not output.is_dir():
        return []
    found = []
    for path in output.rglob("*"):
        relative = path.relative_to(output)
        if path.is_file() and not _ignored(relative):
            found.append(relative.as_posix())
    return sorted(found)


def _ignored(relative: Path) -> bool:
    return any(part in IGNORED or part.endswith(".egg-info") or part.endswith(".pyc") for part in relative.parts)


def write_tree(output: Path, files: dict[str, str], kept: Collection[str] = ()) -> Comparison:
    """Make output hold exactly files (plus ignored tool caches); returns what changed. kept:
    see compare."""
    check_paths(files)
    _refuse_foreign_files(output)
    comparison = compare(output, files, kept)
    if comparison.up_to_date:
        return comparison
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    unchanged = set(files) - set(comparison.changed) - set(comparison.missing)
    try:
        _fill(staging, output, files, unchanged)
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return comparison


def _refuse_foreign_files(output: Path) -> None:
    """Only a folder the generator made (its manifest lists every file in it) may be replaced."""
    if output.exists() and not output.is_dir():
        raise Refused(f"{output} is a file, not a folder")
    existing = existing_files(output)
    if not existing:
        return
    owned = _owned(output)
    if owned is None:
        raise Refused(f"{output} holds files the generator did not make (it has no {MANIFEST} of ours): "
                      "choose a new or empty folder")
    foreign = [name for name in existing if name not in owned]
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise Refused(f"{output} holds files the generator did not make: {shown}; move them out first")


def _owned(output: Path) -> set[str] | None:
    """The files the last generation made, from its manifest; None when the manifest is not ours."""
    try:
        manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR_NAME:
        return None
    listed = manifest.get("files")
    if not isinstance(listed, list):  # manifests from before the list: the whole folder was ours
        return set(existing_files(output))
    return {str(name) for name in listed}


def _fill(staging: Path, output: Path, files: dict[str, str], unchanged: set[str]) -> None:
    """Write files into staging; those compare found unchanged are links to the old ones."""
    made: set[Path] = set()
    for name, text in files.items():
        target, old = staging / name, output / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if name in unchanged and not old.is_symlink():
            try:
                os.link(old, target)
                continue
            except OSError:
                pass
        target.write_bytes(text.encode("utf-8"))


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    retired.rmdir()
    output.rename(retired)
    try:
        staging.rename(output)
    except OSError:
        retired.rename(output)  # put the previous tree back
        raise
    shutil.rmtree(retired, ignore_errors=True)


def unified_diff(output: Path, files: dict[str, str], comparison: Comparison) -> str:
    """What regenerating would change, as one unified diff (a/ is the folder now, b/ what it would be)."""
    chunks: list[str] = []
    for name in sorted([*comparison.changed, *comparison.missing, *comparison.extra]):
        old = (output / name).read_text(encoding="utf-8", errors="replace") if name not in comparison.missing else ""
        new = files.get(name, "")
        chunks += difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                       fromfile="/dev/null" if name in comparison.missing else f"a/{name}",
                                       tofile="/dev/null" if name in comparison.extra else f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in chunks)

