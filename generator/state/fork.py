"""Work done aside in a forked child while this process goes on (the speed layer's Aside).

On two cores a large generation formats its test suite in a child while the parent formats the
package: the benchmark's cold and warm Kubernetes figures pay for it (README, "Speed").
The child inherits everything it needs (fork), so nothing is sent to it; it sends back texts
through a pipe, data only (memo.pack: JSON took the parent a tenth of a second to read). If the
child fails in any way (an exception, a signal, output that is not texts) the parent does the
work itself, so
errors surface there exactly as without a child. Only where `fork` is safe and there is a second
core: Linux (macOS may crash a forked child in a system framework; Windows has no fork).
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from generator.memo import INLINE, Aside, Data, pack, unpack


class Forked:
    def start(self, work: Callable[[], Data]) -> Callable[[], Data]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(work, write)
        os.close(write)
        return lambda: _result(pid, read, work)


def parallel() -> Aside:
    """Forked where it is safe and pays (Linux, two cores or more), else INLINE."""
    usable = sys.platform.startswith("linux") and hasattr(os, "fork")
    return Forked() if usable and (os.cpu_count() or 1) >= 2 else INLINE


def _child(work: Callable[[], Data], write: int) -> None:
    code = 1
    try:
        data = pack(work())
        with os.fdopen(write, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _result(pid: int, read: int, work: Callable[[], Data]) -> Data:
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        found = unpack(data)
        if found or data == pack({}):
            return found
    return work()  # the child failed: do it here, where its errors surface as usual
