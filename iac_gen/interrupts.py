"""SIGINT and SIGTERM never leave half-written outputs.

Outputs are written all or none (`iac_gen.output_files`): staged in a temporary folder, then
committed with renames. A signal that lands in the middle of that would leave a mix of old
and new files, or the staging folder. So the CLI installs handlers (`install`) that:

- outside any write, end the run at once with 130 (SIGINT) or 143 (SIGTERM): nothing is on
  disk yet, and waiting for in-flight work (an export's pending requests) would only delay
  what CI runners expect to be prompt;
- inside a write (`write_region`), only note the signal. The writer looks at it between
  staged files (`check`) and gives up there, removing what it staged; during the commit it
  does not look, so the commit finishes (or rolls back on an error). When the region ends,
  `Interrupted` (a `SystemExit` with code 128 + signal number) ends the run.

Without `install` (library use, in-process tests) nothing changes: Python's default
KeyboardInterrupt still unwinds through the writers' cleanup.

Tests drive the phases with `IAC_GEN_TEST_PAUSE=<phase>:<marker file>`: at `checkpoint(phase)`
the process creates the marker and waits (up to `PAUSE_SECONDS`) for a signal, so a test can
signal it at an exact moment.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
PAUSE_ENV = "IAC_GEN_TEST_PAUSE"
PAUSE_SECONDS = 30.0

_depth = 0  # write regions open (the handlers run in the main thread only)
_pending: int | None = None  # the first signal received inside a region


class Interrupted(SystemExit):
    """The run was stopped by a signal; exit code 128 + its number (130, 143)."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum

    def __reduce__(self) -> tuple[type[Interrupted], tuple[int]]:
        return (type(self), (self.signum,))


def install() -> None:
    """Handle SIGINT and SIGTERM as described above (main thread only; a signal the parent
    process chose to ignore stays ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _handle)


def _handle(signum: int, frame: FrameType | None) -> None:
    global _pending
    if _depth:
        if _pending is None:
            _pending = signum
        return
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):  # a stream that cannot flush must not stop the exit
            stream.flush()
    os._exit(128 + signum)


@contextmanager
def write_region() -> Iterator[None]:
    """Defer SIGINT/SIGTERM while writing; raise `Interrupted` when the outermost region
    ends (after the writer has cleaned up or committed)."""
    global _depth, _pending
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending is not None:
            signum, _pending = _pending, None
            raise Interrupted(signum)


def check() -> None:
    """Inside a region: give up now (raise `Interrupted`) if a signal came in."""
    global _pending
    if _pending is not None:
        signum, _pending = _pending, None
        raise Interrupted(signum)


def pending() -> bool:
    """Whether a signal came in during the current region."""
    return _pending is not None


def checkpoint(phase: str) -> None:
    """A named moment of a write, for tests only: see `PAUSE_ENV`. A no-op otherwise."""
    hook = os.environ.get(PAUSE_ENV)
    if not hook:
        return
    name, _, marker = hook.partition(":")
    if name != phase or not marker:
        return
    Path(marker).touch()
    stop = time.monotonic() + PAUSE_SECONDS
    while _pending is None and time.monotonic() < stop:
        time.sleep(0.01)
