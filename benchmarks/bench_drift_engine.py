"""Drift engine benchmark: the pipeline's steps in-process, beside a floor timed in the same run.

Generates a fleet with `bench_fleet_drift.generate` (native specs or CLI v2 folders), loads
the specs, builds their desired states and reads the live file once, then per run:

- the floor: `json.loads` of the live file and a plain walk of every body into a flat map of
  (path tuple -> leaf), the least any comparison of those bodies must do;
- `iac_gen.drift.analyse_desired` over the loaded states, each step of
  `iac_gen.drift.pipeline.STEPS` timed on its own.

Times are CPU seconds of this process (`time.process_time`), which the neighbours' load moves
less than wall time; the ratios to the floor are the figures to compare between versions.
The desired states are built inside the same `one_reading()` block as the pipeline, as
`iac-gen drift` does, so local code folders are found and hashed once. Usage:

    .venv/bin/python benchmarks/bench_drift_engine.py [--shape native|cliv2] [--endpoints N]
        [--runs 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_fleet_drift import RG, SUB, WS, generate  # benchmarks/ is on sys.path


def _walk(obj: dict[str, Any], path: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    for key, value in obj.items():
        if isinstance(value, dict):
            _walk(value, (*path, key), out)
        else:
            out[(*path, key)] = value


def floor(text: bytes) -> int:
    """Parse the live file and flatten every body; returns the number of leaves."""
    leaves = 0
    for body in json.loads(text)["value"]:
        out: dict[tuple[str, ...], Any] = {}
        _walk(body, (), out)
        leaves += len(out)
    return leaves


def timed_steps(times: dict[str, float]) -> Any:
    """The pipeline's steps, each wrapped to add its CPU time to `times`."""
    from iac_gen.drift import pipeline

    def wrap(name: str, step: Callable[[Any], None]) -> Callable[[Any], None]:
        def timed(run: Any) -> None:
            started = time.process_time()
            step(run)
            times[name] = times.get(name, 0.0) + time.process_time() - started  # per chunk

        return timed

    return tuple((name, wrap(name, step)) for name, step in pipeline.STEPS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=("native", "cliv2"), default="native")
    parser.add_argument("--endpoints", type=int, help="default: 10,000 native, 2,000 CLI v2")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    endpoints = args.endpoints or (10_000 if args.shape == "native" else 2_000)

    from iac_gen.desired import desired_state
    from iac_gen.desired.local_assets import one_reading
    from iac_gen.drift import analyse_desired, pipeline
    from iac_gen.live import read_live
    from iac_gen.spec.load import load_specs

    root = Path(tempfile.mkdtemp(prefix="iac-gen-engine-"))
    try:
        specs, live_path = generate(root, endpoints, args.shape)
        target = {"subscription": SUB, "resource_group": RG, "workspace": WS}
        target["location"] = "westeurope"
        with one_reading():
            loaded = load_specs([specs], target if args.shape == "cliv2" else None)
            states = [(spec, desired_state(spec)) for spec in loaded]
            live = read_live(live_path)
            text = live_path.read_bytes()
            print(
                f"{args.shape} fleet: {endpoints} endpoints, {len(live.resources)} live "
                f"resources; CPU seconds, ratio to the floor in brackets"
            )
            times: dict[str, float] = {}
            pipeline.STEPS = timed_steps(times)
            for run_no in range(1, args.runs + 1):
                gc.collect()
                gc.disable()
                started = time.process_time()
                leaves = floor(text)
                base = time.process_time() - started
                gc.enable()
                gc.collect()
                times.clear()  # this run's steps only: the wrapped steps add up per chunk
                started = time.process_time()
                result = analyse_desired(states, live)  # gc disabled inside, as in the CLI
                total = time.process_time() - started
                steps = ", ".join(
                    f"{name} {t:.2f} ({t / base:.2f}x)" for name, t in times.items() if t >= 0.01
                )
                print(
                    f"run {run_no}: floor {base:.2f} s ({leaves} leaves); pipeline "
                    f"{total:.2f} s = {total / base:.2f}x the floor; {steps}; "
                    f"{len(result['coverage']['rows'])} coverage rows, "
                    f"{len(result['findings'])} findings"
                )
                del result
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
