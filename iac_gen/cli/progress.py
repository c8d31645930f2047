"""Progress and verbosity on standard error, so a long fleet run is never silent.

Each command announces its phases (reading specs and live state, comparing, writing
evidence). On a terminal a rich status line shows the current phase and its elapsed time;
elsewhere (CI logs) a plain line is printed every PERIOD seconds while a phase runs, and one
when it ends - so a quick run prints nothing and a fleet run is never silent for long; `-q`
prints nothing; `-v` prints every phase, names every file and live shape read and gives
per-phase timings. Standard output is never touched: it carries the verdict or a format.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import typer

PERIOD = 5.0  # seconds between plain progress lines when standard error is not a terminal
# Redraws per second of the rich status line. Each redraw costs rich about 2 ms of CPU (the
# GIL is taken from the run for it): at 2 per second that is 0.4 % of a core, which keeps a
# fleet run's progress within its 2 % budget (benchmarks/bench_progress.py measures it); the
# elapsed time it shows needs no more.
REFRESH = 2

QUIET = typer.Option(False, "--quiet", "-q", help="No progress on standard error.")
VERBOSE = typer.Option(
    False,
    "--verbose",
    "-v",
    help="Also name the files and live shapes read and time each phase (standard error).",
)


class Progress:
    """Phase reporter; `level` 0 quiet, 1 normal, 2 verbose."""

    def __init__(self, command: str, level: int = 1, stream: TextIO | None = None) -> None:
        self.command = command
        self.level = level
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.timings: list[tuple[str, float]] = []

    @classmethod
    def from_flags(cls, command: str, quiet: bool, verbose: bool) -> Progress:
        return cls(command, 0 if quiet else 2 if verbose else 1)

    def _line(self, text: str) -> None:
        from iac_gen.spec.one_line import escape

        self.stream.write(escape(f"{self.command}: {text}") + "\n")
        self.stream.flush()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        status: Any = None
        if self.level and self.tty:
            from rich.console import Console

            status = Console(file=self.stream, stderr=True).status(
                f"{self.command}: {name}", refresh_per_second=REFRESH
            )
            status.start()
        elif self.level >= 2:
            self._line(f"{name} ...")
        ticker = self._ticker(name, started) if self.level == 1 and not self.tty else None
        try:
            yield
        finally:
            took = time.perf_counter() - started
            self.timings.append((name, took))
            if status is not None:
                status.stop()
            ticked = False
            if ticker is not None:
                stop, thread, lines = ticker
                stop.set()
                thread.join()
                ticked = bool(lines)
            if self.level >= 2 or ticked:
                self._line(f"{name}: done in {took:.2f} s")

    def _ticker(
        self, name: str, started: float
    ) -> tuple[threading.Event, threading.Thread, list[int]]:
        """A daemon thread printing `name ... (N s)` every PERIOD seconds until stopped."""
        stop = threading.Event()
        lines: list[int] = []

        def tick() -> None:
            while not stop.wait(PERIOD):
                lines.append(1)
                self._line(f"{name} ... ({time.perf_counter() - started:.0f} s)")

        thread = threading.Thread(target=tick, name="iac-gen-progress", daemon=True)
        thread.start()
        return stop, thread, lines

    def detail(self, text: str) -> None:
        """A `-v` line: which file, which live shape."""
        if self.level >= 2:
            self._line(text)

    def summary(self) -> None:
        if self.level >= 2 and self.timings:
            total = sum(t for _, t in self.timings)
            parts = ", ".join(f"{name} {t:.2f} s" for name, t in self.timings)
            self._line(f"timings: {parts}; total {total:.2f} s")
