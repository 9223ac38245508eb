"""Format generated Python in black's style, in one pinned mode.

black was the slowest stage of generation (about 90% of the time for a large document). The
built-in templates print black's style line by line and layout.py splits their long lines as
black would, so black itself runs only on what layout is unsure of, and on the output of custom
templates. What a file becomes is remembered by the hash of its text as rendered: in memory for
this process, and in a memo (generator/memo.py; the cache folder) for the next run, which then
formats only the files rendered differently. The key includes black's version and mode, so a
black upgrade never reuses old output.

The memo holds one entry per scope (a package): the formatted text of every file of its last
run, by key. One entry, not one per file: writing 880 small signed files cost a Kubernetes-sized
generation more than a second; one 15 MB entry (memo.pack) costs a few hundredths. It is
rewritten whenever a file missed, so the next run finds every file.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from typing import Callable, Mapping

from typing import TYPE_CHECKING, Any

from generator.formatting.layout import LIMIT, lay_out, layout_source
from generator.memo import NO_MEMO, Deferred, Memo, pack, unpack

if TYPE_CHECKING:
    import black

# The pinned black (see pyproject.toml) with line length LIMIT and Python 3.10 as its target,
# and layout.py's own code, decide the formatted bytes; black itself is imported only when a file
# needs it (0.1 s).
_SALT = "|".join(
    (
        metadata.version("black"),
        str(LIMIT),
        "PY310",
        hashlib.sha256(layout_source()).hexdigest(),
        "",
    )
)

_formatted: dict[str, str] = {}  # this process's, by _key


class FormattingError(Exception):
    """Generated source that black cannot parse: a bug in a template, never in the input."""


def format_files(
    files: Mapping[str, str | Deferred],
    progress: Callable[[str, int, int], None] | None = None,
    laid_out: bool = False,
    memo: Memo = NO_MEMO,
    scope: str = "",
) -> dict[str, str]:
    """Every file, Python ones formatted; reports progress as files are done.

    With laid_out (the built-in templates, which print black's style line by line), black runs
    only on the files layout.lay_out is not sure about; otherwise on every Python file. scope
    names whose files these are in the memo (the package): its last run's are reused, and a
    Deferred file found there is not even rendered.
    """
    kept = _pack(memo, scope)
    made: dict[str, str] = {}
    done: dict[str, str] = {}
    for count, (path, file) in enumerate(files.items(), 1):
        if path.endswith(".py"):
            key = _key(file, laid_out)
            made[key] = done[path] = _formatted_file(path, file, laid_out, key, kept.get(key))
        else:
            done[path] = file if isinstance(file, str) else file.make()
        if progress is not None and (count % 50 == 0 or count == len(files)):
            progress("formatting", count, len(files))
    if made.keys() - kept.keys():  # a rewrite costs less than formatting one file again
        memo.write("formatted", scope, pack(made))
    return done


def _formatted_file(
    path: str, file: str | Deferred, laid_out: bool, key: str, kept: str | None
) -> str:
    found = _formatted.get(key) or kept
    if found is None:
        text = file if isinstance(file, str) else file.make()
        found = (lay_out(text) if laid_out else None) or _format(path, text)
    if len(_formatted) > 50_000:  # a long-lived process (a test run) must not grow without end
        _formatted.clear()
    _formatted[key] = found
    return found


def _pack(memo: Memo, scope: str) -> dict[str, str]:
    """The scope's formatted files of its last run, by key ({} when none or unreadable)."""
    return unpack(memo.read("formatted", scope))


_UTF8, _LONE = (
    "utf-8",
    "surrogatepass",
)  # lone surrogates a document may hold survive the round trip


@functools.lru_cache(maxsize=1)
def black_mode() -> black.Mode:
    import black
    from black.mode import TargetVersion

    return black.Mode(line_length=LIMIT, target_versions={TargetVersion.PY310})


def __getattr__(name: str) -> Any:
    if (
        name == "MODE"
    ):  # formatting.MODE, for tests and tools: black's mode, black imported on first use
        return black_mode()
    raise AttributeError(name)


def _format(path: str, source: str) -> str:
    import black
    from black.parsing import InvalidInput

    try:
        return black.format_str(source, mode=black_mode())
    except InvalidInput as exc:
        raise FormattingError(f"{path}: generated source does not parse ({exc})") from exc


def black_difference(source: str) -> str:
    """'' when black leaves source as it is; otherwise the first line it changes, as 'line N: ...'."""
    formatted = _format("<source>", source)
    if formatted == source:
        return ""
    ours, theirs = source.split("\n"), formatted.split("\n")
    line = next(
        (i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs))
    )
    return f"black would change line {line + 1}: {ours[line][:120] if line < len(ours) else ''!r}"


def _key(file: str | Deferred, laid_out: bool) -> str:
    """What a file becomes depends on its text, or on what a Deferred file is made from."""
    named = f"text|{file}" if isinstance(file, str) else f"deferred|{file.key}"
    return hashlib.sha256(f"{_SALT}{laid_out}|{named}".encode(_UTF8, _LONE)).hexdigest()
