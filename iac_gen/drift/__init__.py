"""Drift: prove that what runs in Azure still matches the design.

`analyse(specs, live)` returns the drift result dict (schema `schemas/drift.schema.json`).
The work is a pipeline of named steps (`iac_gen.drift.pipeline.STEPS`):
read_live -> match -> normalise -> apply_policies -> bind_waivers -> compare -> classify
-> attribute -> analysis. Normalisation knowledge is versioned data in `iac_gen.drift.tables`.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import InputError
from iac_gen.provenance import now, sha256_file
from iac_gen.spec.model import Spec


def clock() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set: the `generated_at` of reproducible reports."""
    return now()


def waiver_today() -> date:
    """Today's UTC date from the real clock: the day waiver expiry is judged against.

    Never SOURCE_DATE_EPOCH: build systems set it to the last commit's time, and an old
    value would bring expired waivers back into force.
    """
    return datetime.now(tz=UTC).date()


def input_entries(role: str, paths: Iterable[Path]) -> list[dict[str, str]]:
    """(role, path, sha256) of each input file; an input read from a stream (a pipe) by
    what this run read from it, which cannot be read again."""
    from iac_gen.provenance import streamed

    out = []
    for path in paths:
        file = path if isinstance(path, Path) else Path(path)  # a fleet's are Paths already
        try:
            st: os.stat_result | None = os.stat(file)
        except (OSError, ValueError):  # as `Path.is_file` answers: not a file
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            out.append({"role": role, "path": str(path), "sha256": sha256_file(file, st)})
        elif (read := streamed(file)) is not None:
            out.append({"role": role, "path": str(path), "sha256": read[0]})
    return out


def analyse_desired(
    desired: Sequence[tuple[Spec, Any]],
    live: Any,
    waivers: Any = None,
    *,
    environment: str | None = None,
    fail_on: str = "info",
    inputs: list[dict[str, str]] | None = None,
    now: datetime | None = None,
    today: date | None = None,
    live_label: str | None = None,
    redact_actors: bool = False,
) -> dict[str, Any]:
    """Run the pipeline over (spec, desired state) pairs and a read live state.

    `now` is the run's time (`generated_at`; default `clock()`); `today` the day waivers are
    judged against: given, else the day of an explicitly given `now`, else the real date
    (`waiver_today()`), whatever SOURCE_DATE_EPOCH says.
    """
    from iac_gen.desired.local_assets import one_reading
    from iac_gen.drift.deferred import DeferredState
    from iac_gen.drift.match import designed_companions, designed_resources, live_reads
    from iac_gen.drift.pipeline import DriftRun, run_steps

    when = now or clock()
    designed = []
    companions = []
    for spec, state in desired:
        if isinstance(state, DeferredState):  # keys now, the state where it is judged
            designed.extend(state.designed())
            continue
        designed.extend(designed_resources(spec, state.resources, getattr(state, "unresolved", [])))
        companions.extend(designed_companions(spec, state.resources))
    run = DriftRun(
        designed=designed,
        companions=companions,
        live_reads=live_reads(live),
        live_resources=list(live.resources),
        live_not_checked=list(getattr(live, "not_checked", [])),
        waivers=waivers,
        today=today or (date(now.year, now.month, now.day) if now else waiver_today()),
        live_label=live_label or str(getattr(live, "path", None) or "live"),
        changes=getattr(live, "changes", None),
        redact_actors=redact_actors,
    )
    run.meta = {
        "generated_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": environment,
        "fail_on": fail_on,
        "inputs": inputs or [],
    }
    with paused_collector(), one_reading():  # local code folders: found and hashed once
        return run_steps(run).result


@contextmanager
def paused_collector() -> Iterator[None]:
    """No cyclic garbage collection inside: a fleet run allocates millions of small, acyclic
    objects (desired states, flat maps, coverage rows), and the collector would rescan them
    over and over for nothing (10,000 endpoints: building the desired states alone took three
    times as long). Reference counting still frees them; the collector resumes afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # What was made inside joins the oldest generation unscanned (freeze, then
            # unfreeze: two list moves): enabled as it was, the first allocation after the
            # block scanned every object made inside as young (0.35 s after a 10,000-endpoint
            # run). The oldest generation is scanned only when it has grown by a quarter.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def analyse(
    specs: Sequence[Spec],
    live: Any,
    waivers: Any = None,
    env: str | None = None,
    *,
    fail_on: str = "info",
    live_path: Path | None = None,
    redact_actors: bool = False,
) -> dict[str, Any]:
    """The drift result for loaded specs against live state.

    `live` is a `LiveState` or the path of a live file; `waivers` a loaded waiver set or the
    path of a waivers file. Deterministic: sorted output; `generated_at` honours
    SOURCE_DATE_EPOCH.
    """
    from iac_gen.desired import desired_state

    if isinstance(live, str | Path):
        from iac_gen.live import read_live

        live_path = Path(live)
        live = read_live(live_path)
    waivers, waivers_path = _read_waivers(waivers)
    if env is not None:
        from iac_gen.spec.overlay import resolve

        specs = [resolve(spec, env) for spec in specs]
    live_path = live_path or getattr(live, "path", None)
    inputs = _run_inputs(specs, live_path, waivers_path)
    from iac_gen.desired.local_assets import one_reading
    from iac_gen.shards import sharded_specs

    # A shard's export holds its subscriptions only: the other specs are other shards' to
    # judge (never "missing"); every spec still counts as an input, the design is one.
    specs = sharded_specs(specs, getattr(live, "scope", None), inputs)
    options: dict[str, Any] = {
        "environment": env,
        "fail_on": fail_on,
        "inputs": inputs,
        "live_label": str(live_path) if live_path is not None else None,
        "redact_actors": redact_actors,
    }
    with paused_collector(), one_reading():  # desired state and code judgement: one reading
        try:  # desired states built where they are judged (`drift.deferred`)
            deferred = [(spec, _deferred(spec)) for spec in specs]
            return analyse_desired(deferred, live, waivers, **options)
        except InputError:
            pass  # raised in judging order: every state built first, in spec order, raises it
        built = [(spec, desired_state(spec)) for spec in specs]
        return analyse_desired(built, live, waivers, **options)


def _deferred(spec: Spec) -> Any:
    from iac_gen.desired import desired_state
    from iac_gen.drift.deferred import DeferredState, deferrable

    return DeferredState(spec) if deferrable(spec) else desired_state(spec)


def _read_waivers(waivers: Any) -> tuple[Any, Path | None]:
    """(the waiver set, the file it came from): `waivers` is a path, a loaded set or None."""
    if isinstance(waivers, str | Path):
        from iac_gen.drift.waivers import load_waivers

        return load_waivers(Path(waivers)), Path(waivers)
    if waivers is not None:
        return waivers, getattr(waivers, "path", None)
    return None, None


def _run_inputs(
    specs: Sequence[Spec], live_path: Path | None, waivers_path: Path | None
) -> list[dict[str, str]]:
    """The run's inputs with their hashes: every spec file once, the live file, the waivers."""
    spec_files: dict[Path, None] = {}  # ordered set: a fleet has thousands of files
    for spec in specs:
        for path in spec.files or (spec.source,):
            spec_files.setdefault(path, None)
    inputs = input_entries("spec", spec_files)
    if live_path is not None:
        inputs += input_entries("live", [Path(live_path)])
    if waivers_path is not None:
        inputs += input_entries("waivers", [waivers_path])
    return inputs
