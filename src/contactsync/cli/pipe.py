"""A reader that stops reading early (``contactsync status | head``, ``less`` quit on the first page) closes the
pipe our output goes to: the next write fails with EPIPE. That is no error of ours. As Python's documentation
recommends (https://docs.python.org/3/library/signal.html#note-on-sigpipe), the closed output is pointed at
/dev/null, so that what is still buffered, and Python's own flush at exit, go there instead of failing a second
time; the command then exits with the code it would have returned, when it knew it before printing
(``status``), else with :data:`EXIT_CLOSED_PIPE`.
"""

from __future__ import annotations

import errno
import os
import sys

#: the exit code of a command whose reader left before the command knew its own code: what a shell reports for a
#: program a closed pipe ended (128 + SIGPIPE), as ``yes | head`` gives
EXIT_CLOSED_PIPE = 141


def reader_gone(exc: BaseException) -> bool:
    """Whether ``exc`` is a write to our standard output or error whose reader is gone. If so, each such stream is
    pointed at /dev/null from now on. Not so for a broken pipe of another kind (a server's connection)."""
    if not isinstance(exc, OSError) or exc.errno != errno.EPIPE:
        return False
    closed = [fd for fd in (_fileno(sys.stdout), _fileno(sys.stderr)) if fd is not None and _no_reader(fd)]
    if not closed:
        return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in closed:
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)
    return True


def _fileno(stream: object) -> int | None:
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # a stream of a test or of a program calling main()
        return None
    return fd if isinstance(fd, int) else None


def _no_reader(fd: int) -> bool:
    """A pipe or socket whose reading end is closed: poll reports an error (Linux) or a hang-up on it."""
    import select

    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    try:
        events = poller.poll(0)
    except OSError:
        return False
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)
