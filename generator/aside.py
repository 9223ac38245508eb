"""Work done aside, in a forked copy of this process, while this one goes on with other work.

A generation's stages after normalize are independent pieces of pure computation (the test
suite, the package, openapi.json), so on a machine with two cores a command-line run renders
one piece in a child while the parent renders the other. The child inherits everything by
`fork`, so nothing is sent to it; it sends back its result, pickled, through a pipe.

The child is only an accelerator: if it fails in any way (an exception, a crash, a result that
does not arrive whole), the parent does the same work itself, so errors surface in the parent
with their usual traceback and diagnostics. Without `fork` (Windows), or when not enabled, the
work is done in the parent when its result is asked for.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import Callable, Generic, TypeVar, cast

T = TypeVar("T")

# Forking a process that runs other threads can copy a lock in its held state, so only a
# command-line run, whose only thread is ours, enables it (cli.command); tests enable it
# explicitly where they compare it with the work done in place.
ENABLED = False


class Aside(Generic[T]):
    """work() started now in a child process when allowed; result() waits for its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._child: tuple[int, int] | None = _start(work) if ENABLED and hasattr(os, "fork") else None

    def result(self) -> T:
        """The work's value: the child's, or the parent's own when the child failed."""
        if self._child is not None:
            pid, pipe = self._child
            self._child = None
            found = _collect(pid, pipe)
            if found is not None:
                return cast(T, found[0])
        return self._work()


    def discard(self) -> None:
        """Stop the child, when the result is no longer wanted (the parent failed first)."""
        if self._child is not None:
            pid, pipe = self._child
            self._child = None
            os.kill(pid, signal.SIGKILL)
            os.close(pipe)
            os.waitpid(pid, 0)


def _start(work: Callable[[], object]) -> tuple[int, int] | None:
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
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, pipe: int) -> tuple[object] | None:
    """The child's (result,), or None when it failed; reading first, so a full pipe cannot stall it."""
    with os.fdopen(pipe, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        found = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a result cut short: do the work here instead
        return None
    return found if isinstance(found, tuple) and len(found) == 1 else None
