"""Read the specs and the live state, side by side when the live state is large.

Parsing thousands of spec files and a fleet export are independent and both CPU-bound, so
for a large live file the export is read in a forked worker process while this process
loads the specs (the reference machine has two cores). Small inputs are read in turn:
starting a process costs more than it saves.

When the worker starts reading matters as much. A fleet's spec files are read by two
processes already (`spec.load`), and a third reading beside them only shares the same two
cores, while the folding and checking that follow run in this process alone, with the
second core idle. So the worker is forked at once (while this process is small: a fork of
the loaded specs would copy every page this process then writes) and waits at a gate that
opens late in their reading, so that the worker ends about when the checks do
(`_LiveStart`). Measured side by side on two cores, with the gate at the end of the reading:
loading 2,000 CLI v2 endpoints and their 12 MB export ended 0.3 s sooner (2.4 s against
2.7 s), 10,000 native endpoints and their 62 MB export about 1 s sooner (6.4 s against
7.4 s), but then waited for the worker about 1 s: so an export whose reading outlasts the
checks opens the gate earlier, and one far larger than the specs at once.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, InputError

CONCURRENT_ABOVE_BYTES = 8_000_000
FREEZE_FROM_SPECS = 1000
# What the gate weighs (`_LiveStart`), measured on two cores with the benchmark fleets
# (benchmarks/bench_fleet_drift.py): only their ratios matter.
LIVE_SECONDS_PER_BYTE = 50e-9
"""Reading a live file alone: 62 MB of ARM bodies in 3.1-3.4 s, 12 MB in 0.5-0.7 s."""
CHECK_SECONDS_PER_FILE = 0.2e-3
"""Folding and checking the specs, per spec file: 10,000 native files in 2.0-2.2 s (CLI v2
files cost half as much: the estimate then errs towards starting later)."""
READ_SECONDS_PER_FILE = 0.27e-3
"""Reading and parsing the spec files in two processes, per file: 10,000 in 2.6-2.9 s."""


class _LiveStart:
    """The gate the live worker waits at (`spec.load.Stages`).

    The worker should finish about when the checks do. If its reading is the shorter of the
    two, the gate opens when the spec files are read, so it never slows their reading. If it
    is longer by `ahead`, it starts while the last `ahead / 2` of the reading is left: beside
    the two spec readers it ran at nearly full speed while they slowed to about half (10,000
    native endpoints: it got through 2.8 s of its work from the middle of their reading to
    past its end), so it is `ahead` along when the checks start. A live file far larger than
    the specs (a tenant's export against a few specs) is read from the start. Measured on
    that fleet and its 62 MB export: inputs loaded in 6.4 s with the gate at the end of the
    reading, against 7.4 s read from the start, and 5.4-5.6 s opened with `ahead` left (the
    worker then ended 0.8 s before the checks); the whole drift, four interleaved runs each,
    median 14.6 s (end of the reading), 13.7 s (`ahead` left), 13.4 s (`ahead / 2`)."""

    def __init__(self, gate: Any, live_bytes: int):
        self.gate = gate
        self.live_bytes = live_bytes
        self.open_at_left = 0

    def listed(self, files: int) -> None:
        ahead = self.live_bytes * LIVE_SECONDS_PER_BYTE - files * CHECK_SECONDS_PER_FILE
        reading = files * READ_SECONDS_PER_FILE
        if ahead >= reading:
            self.gate.set()
        elif ahead > 0:
            self.open_at_left = int(files * ahead / (2 * reading))

    def reading(self, left: int) -> None:
        if left <= self.open_at_left:
            self.gate.set()

    def read(self) -> None:
        self.gate.set()


def _read_live_safely(
    path: Path, target: Mapping[str, str], share_strings: bool = False
) -> tuple[Any, list[Diagnostic]]:
    """Worker body: InputError does not survive pickling, so its diagnostics travel instead."""
    from iac_gen.live import read_live

    try:
        return read_live(path, target, share_strings=share_strings), []
    except InputError as exc:
        return None, list(exc.diagnostics)


Digests = list[tuple[tuple[int, int, int, int, int], str]]


def _read_live_in_worker(
    path: Path, target: Mapping[str, str]
) -> tuple[Any, list[Diagnostic], Digests]:
    """Worker body for a large live file: no cyclic collector (the process only reads and
    returns; it cost a third of the reading), and the state travels back as `marshal` data,
    several times cheaper than pickling its millions of plain values - the fewer for equal
    text values read as one string (`strict_json.loads(share_strings=True)`): the bytes sent
    are a quarter smaller, loading them here is a third faster, and the state of 40,000
    bodies takes 97 MB in place of 154 MB. The digest of the bytes read, for the run's
    inputs, is sent back too (`provenance.remembered_since`)."""
    from iac_gen.provenance import remembered_count, remembered_since

    gc.disable()
    mark = remembered_count()
    live, problems = _read_live_safely(path, target, share_strings=True)
    digests = remembered_since(mark)
    plain_object = type(live).__new__ is object.__new__ and hasattr(live, "__dict__")
    if live is None or not plain_object:
        return live, problems, digests
    state = vars(live)
    try:
        return _Marshalled(type(live), marshal.dumps(state)), problems, digests
    except ValueError:  # a value marshal cannot carry: pickle the state as it is
        return live, problems, digests


class _Marshalled:
    """An object's class and its attributes as `marshal` bytes (plain data only)."""

    def __init__(self, cls: type[Any], data: bytes):
        self.cls = cls
        self.data = data

    def unpack(self) -> Any:
        obj = object.__new__(self.cls)
        obj.__dict__.update(marshal.loads(self.data))
        return obj


def load_inputs(
    spec_paths: Sequence[Path], live_path: Path, target: Mapping[str, str]
) -> tuple[list[Any], Any]:
    """(specs, live state); raises InputError with the problems of both inputs."""
    # Both inputs are millions of small, acyclic, long-lived objects on a fleet (the live
    # state is unpickled here, from the worker): the cyclic collector is paused meanwhile,
    # then the loaded objects are frozen, else it rescans them several times while the
    # desired states are built (1.7 s for 10,000 endpoints). Frozen objects are still freed
    # as soon as they are no longer referenced.
    collecting = gc.isenabled()
    gc.disable()
    try:
        specs, live = _load_inputs(spec_paths, live_path, target)
        if len(specs) >= FREEZE_FROM_SPECS:
            gc.freeze()
    finally:
        if collecting:
            gc.enable()
    return specs, live


def _load_inputs(
    spec_paths: Sequence[Path], live_path: Path, target: Mapping[str, str]
) -> tuple[list[Any], Any]:
    from iac_gen.spec.load import load_specs

    size = live_path.stat().st_size if live_path.is_file() else 0
    methods = multiprocessing.get_all_start_methods()
    if size < CONCURRENT_ABOVE_BYTES or "fork" not in methods:
        loaded = load_specs(spec_paths, target)
        live, problems = _read_live_safely(live_path, target)
        if problems:
            raise InputError(problems)
        return loaded, live
    context = multiprocessing.get_context("fork")
    gate = context.Event()  # inherited by the fork below, opened by `_LiveStart`
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=gate.wait) as pool:
        future = pool.submit(_read_live_in_worker, live_path, dict(target))
        spec_problems: list[Diagnostic] = []
        specs: list[Any] = []
        try:
            specs = load_specs(spec_paths, target, _LiveStart(gate, size))
        except InputError as exc:
            spec_problems = list(exc.diagnostics)
        finally:
            gate.set()  # whatever happened, the worker reads: its problems are reported too
        live, live_problems, digests = future.result()
    from iac_gen.provenance import adopt_remembered

    adopt_remembered(digests)  # the live file was hashed there: not read again here
    if isinstance(live, _Marshalled):
        live = live.unpack()
    if spec_problems or live_problems:
        raise InputError([*spec_problems, *live_problems])
    return specs, live
