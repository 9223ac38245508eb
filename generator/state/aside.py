"""Work done aside, in a forked copy of this process, while this one goes on with other work.

A generation's stages after normalize are independent pieces of pure computation (the test
suite, the package, openapi.json), so on a machine with two cores a command-line run renders
one piece in a child while the parent renders the other. The child inherits everything by
`fork`, so nothing is sent to it; it sends back its result, pickled, through a pipe.

The child is only an accelerator: if it fails in any way (an exception, a crash, a result that
does not arrive whole), the parent does the same work itself, so errors surface in the parent
with their usual traceback and diagnostics. Only Linux forks: Windows has no `fork`, and on
macOS a forked child may crash in a system framework (why multiprocessing stopped forking
there). Elsewhere, or when not enabled, the work is done in the parent when its result is asked.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Callable, Generic, TypeVar, cast

T = TypeVar("T")

# Forking a process that runs other threads can copy a lock in its held state, so only a
# command-line run, whose only thread is ours, enables it (cli.command); tests enable it
# explicitly where they compare it with the work done in place.
ENABLED = False


_CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")

# Children that sent their result and are still doing their afterwards work; finish() waits.
_running: list[int] = []


class Aside(Generic[T]):
    """work() started now in a child process when allowed; result() waits for its value.

    afterwards(), if given, runs once the value is known: in the child after it has sent the
    value (so the parent does not wait for it), else in the parent. It is for work whose
    result no one waits for, such as keeping a cache entry, and must not raise.
    """

    def __init__(self, work: Callable[[], T], afterwards: Callable[[], None] | None = None) -> None:
        self._work = work
        self._afterwards = afterwards
        forking = ENABLED and _CAN_FORK
        self._child: tuple[int, int] | None = _start(work, afterwards) if forking else None

    def result(self) -> T:
        """The work's value: the child's, or the parent's own when the child failed."""
        if self._child is not None:
            pid, pipe = self._child
            self._child = None
            found = _collect(pid, pipe)
            if found is not None:
                return cast(T, found[0])
        value = self._work()
        if self._afterwards is not None:
            self._afterwards()
        return value

    def discard(self) -> None:
        """Stop the child, when the result is no longer wanted (the parent failed first)."""
        if self._child is not None:
            pid, pipe = self._child
            self._child = None
            os.kill(pid, signal.SIGKILL)
            os.close(pipe)
            os.waitpid(pid, 0)


def finish() -> None:
    """Wait for the children still doing their afterwards work."""
    while _running:
        os.waitpid(_running.pop(), 0)


def _start(
    work: Callable[[], object], afterwards: Callable[[], None] | None
) -> tuple[int, int] | None:
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:  # no process or pipe to spare: the parent does the work
        return None
    if pid == 0:  # the child: send the result, and leave without running the parent's exit code
        status = 1
        try:
            os.close(read_end)
            data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
            if afterwards is not None:
                afterwards()
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, pipe: int) -> tuple[object] | None:
    """The child's (result,), or None when it failed; read to the end first, so a full pipe
    cannot stall the child. A child that sent its result may still be doing its afterwards work."""
    with os.fdopen(pipe, "rb") as stream:
        data = stream.read()
    try:
        found = pickle.loads(data) if data else None
    except Exception:  # noqa: BLE001 - a result cut short: do the work here instead
        found = None
    if isinstance(found, tuple) and len(found) == 1:
        _running.append(pid)
        return found
    os.waitpid(pid, 0)
    return None
