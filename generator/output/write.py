"""Write the generated project into its folder, safely; or compare it with what is there.

The new tree is built in a temporary sibling folder, then swapped in with two renames,
so a failure at any point leaves the previous folder as it was. Files whose bytes did
not change are hard links to the old ones (same inode, same modification time), and
files the generator no longer makes disappear with the old tree.
"""

from __future__ import annotations

import difflib
import errno
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath

from generator import GENERATOR_NAME, MANIFEST
from generator.diagnostics import visible

# Made by tools run inside the output folder, not by the generator: never "extra", never compared.
IGNORED = ("__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", "build", ".ruff_cache")


class UnsafePath(ValueError):
    """A generated path that would leave the output folder (a bug upstream, refused here too)."""


class Refused(Exception):
    """The output folder holds what the generator did not make, so replacing it would lose it."""


class NotPlainFile(OSError):
    """A name below the output folder that is a symbolic link, or passes through one, or is not a
    regular file (a FIFO, a device): it is never followed, read, compared or copied."""


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


def compare(output: Path, files: dict[str, str]) -> Comparison:
    """What differs between output and files."""
    result = Comparison()
    existing = set(existing_files(output))
    for name, text in sorted(files.items()):
        if name not in existing:
            result.missing.append(name)
        elif not _holds(output, name, text):
            result.changed.append(name)
    result.extra = sorted(existing - set(files))
    return result


def _holds(output: Path, name: str, text: str) -> bool:
    try:
        return read_output_file(output, name) == text.encode("utf-8")
    except NotPlainFile:  # a link is stale whatever it points to: what it points to is not read
        return False


def read_output_file(output: Path, name: str, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file name (a relative POSIX path) below output, never through a
    symbolic link below output: a pull request can commit a link to any file of the machine that
    runs the generator (/proc/self/environ holds CI secrets). output itself may be a link, which
    only the user chooses. Raises NotPlainFile for a link or anything but a regular file, and
    OSError as reading does (also when the file is larger than max_bytes)."""
    parts = PurePosixPath(name).parts
    if not parts or ".." in parts or PurePosixPath(name).is_absolute():
        raise NotPlainFile(errno.EINVAL, "not a relative path inside the output folder", name)
    descriptor = _open_below(output, parts)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotPlainFile(errno.EINVAL, _NOT_PLAIN, name)
        if max_bytes is not None and status.st_size > max_bytes:
            raise OSError(errno.EFBIG, f"larger than {max_bytes} bytes", name)
    except OSError:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as file:
        return file.read()


# What opening a path with O_NOFOLLOW gives when it meets a link (ELOOP; EMLINK on FreeBSD), a
# file where a folder should be (ENOTDIR) or a socket (ENXIO).
_NOT_PLAIN_ERRORS = {errno.ELOOP, errno.EMLINK, errno.ENOTDIR, errno.ENXIO}
_NOT_PLAIN = "a symbolic link, or not a regular file"


def _open_below(output: Path, parts: tuple[str, ...]) -> int:
    """A descriptor of output/parts opened one component at a time, each relative to the folder
    before it and with O_NOFOLLOW, so no link below output is followed even if one appears
    meanwhile; O_NONBLOCK so that a FIFO cannot make the open wait."""
    if os.open not in os.supports_dir_fd or not hasattr(os, "O_NOFOLLOW"):
        return _open_checked(output, parts)
    no_follow = os.O_RDONLY | os.O_NOFOLLOW
    folder = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            below = os.open(part, no_follow | os.O_DIRECTORY, dir_fd=folder)
            os.close(folder)
            folder = below
        return os.open(parts[-1], no_follow | os.O_NONBLOCK, dir_fd=folder)
    except OSError as exc:
        if exc.errno in _NOT_PLAIN_ERRORS:
            raise NotPlainFile(exc.errno, _NOT_PLAIN, "/".join(parts)) from None
        raise
    finally:
        os.close(folder)


def _open_checked(output: Path, parts: tuple[str, ...]) -> int:
    """_open_below where descriptors cannot name folders (Windows): each component is checked
    with lstat first."""
    path = output
    for index, part in enumerate(parts, start=1):
        path = path / part
        mode = os.lstat(path).st_mode
        expected = stat.S_ISREG(mode) if index == len(parts) else stat.S_ISDIR(mode)
        if stat.S_ISLNK(mode) or not expected:
            raise NotPlainFile(errno.EINVAL, _NOT_PLAIN, "/".join(parts))
    return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))


def existing_files(output: Path) -> list[str]:
    """Every file below output by relative POSIX name, tool caches aside. A symbolic link (to a
    file or to a folder) or a special file is listed as a file, never followed: compare finds it
    stale, and write_tree refuses it."""
    if not output.is_dir():
        return []
    found = []
    folders = [PurePosixPath()]
    while folders:
        folder = folders.pop()
        with os.scandir(output / folder) as entries:
            for entry in entries:
                relative = folder / entry.name
                if _ignored(relative):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(relative)
                else:
                    found.append(relative.as_posix())
    return sorted(found)


def _ignored(relative: PurePath) -> bool:
    return any(
        part in IGNORED or part.endswith(".egg-info") or part.endswith(".pyc")
        for part in relative.parts
    )


def write_tree(output: Path, files: dict[str, str]) -> Comparison:
    """Make output hold exactly files (plus ignored tool caches); returns what changed."""
    check_paths(files)
    _refuse_foreign_files(output)
    comparison = compare(output, files)
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
    links = [n for n in existing if not stat.S_ISREG(os.lstat(os.path.join(output, n)).st_mode)]
    if links:
        raise Refused(
            f"{output} holds symbolic links or special files, which the generator "
            f"never makes: {_listed(links)}; remove them first (what they point to is "
            "never read or replaced)"
        )
    owned = _owned(output)
    if owned is None:
        raise Refused(
            f"{output} holds files the generator did not make (it has no {MANIFEST} of ours): "
            "choose a new or empty folder"
        )
    foreign = [name for name in existing if name not in owned]
    if foreign:
        raise Refused(
            f"{output} holds files the generator did not make: {_listed(foreign)}; "
            "move them out first"
        )


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _owned(output: Path) -> set[str] | None:
    """The files the last generation made, from its manifest; None when the manifest is not ours."""
    try:
        manifest = json.loads(read_output_file(output, MANIFEST).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR_NAME:
        return None
    listed = manifest.get("files")
    if not isinstance(listed, list):  # manifests from before the list: the whole folder was ours
        return set(existing_files(output))
    return {str(name) for name in listed}


def _fill(staging: Path, output: Path, files: dict[str, str], unchanged: set[str]) -> None:
    """Write files into staging; those compare found unchanged are links to the old ones.
    (os.path on strings: pathlib's objects were two thirds of a Kubernetes-sized write.)"""
    made: set[str] = set()
    for name, text in files.items():
        target, old = os.path.join(staging, name), os.path.join(output, name)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if name in unchanged and not os.path.islink(old):
            try:
                os.link(old, target)
                continue
            except OSError:
                pass
        with open(target, "wb") as file:
            file.write(text.encode("utf-8"))


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
        new = files.get(name, "")
        shown = visible(
            name
        )  # a name from the folder (a pull request) cannot fake diff lines or drive a terminal
        tofile = "/dev/null" if name in comparison.extra else f"b/{shown}"
        try:
            old = "" if name in comparison.missing else _old_text(output, name)
        except NotPlainFile:
            chunks += _not_read(shown, new, tofile)
            continue
        chunks += difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile="/dev/null" if name in comparison.missing else f"a/{shown}",
            tofile=tofile,
        )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in chunks
    )


def _old_text(output: Path, name: str) -> str:
    return read_output_file(output, name).decode("utf-8", errors="replace")


def _not_read(name: str, new: str, tofile: str) -> list[str]:
    """The diff of a file that is a link (or not a regular file): its headers say so, and its new
    text, if any, is all added; what the link points to is never read, so never shown."""
    header = [f"--- a/{name}\t({_NOT_PLAIN}: not read)\n", f"+++ {tofile}\n"]
    return header + list(difflib.unified_diff([], new.splitlines(keepends=True)))[2:]
