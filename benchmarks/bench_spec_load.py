"""In-process spec loading: how long `load_specs` takes on typical, fleet and hostile inputs.

Prints figures (median of several samples, three runs) beside a floor for each valid input
(read + libyaml parse of the same files); it is not a test and never fails on speed.

    .venv/bin/python benchmarks/bench_spec_load.py [RUNS] [--native N] [--cliv2 N] [--no-fleet]

Hostile inputs must be refused quickly: an alias bomb, deep nesting, a large spec.
Fleets (`bench_fleet_drift.generate`): N native spec files (10,000) and N CLI v2 folders
(2,000: endpoint, three deployment files and a local `code: ./src` each). Per run and shape,
with the cyclic collector paused as `load_specs` pauses it: the floor (read every YAML file
and parse it with libyaml, one process), `load_specs` (which may share reading with a
second process), and `desired_state` of every spec, each with its ratio to the floor, by
wall clock and by CPU time (the worker's included).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
CLIV2 = ROOT / "fixtures" / "cliv2-basic"
RUNS = 20


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with contextlib.suppress(InputError):
            action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def libyaml_floor(target: Path) -> None:
    """Read each YAML file of `target` and parse it with libyaml: the least a loader does."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = sorted(target.rglob("*.yml")) if target.is_dir() else [target]
    for file in files:
        list(yaml.load_all(file.read_bytes(), Loader=loader))


def fleet_floor(root: Path) -> None:
    """Read every YAML file under `root` and parse it with libyaml, in one process."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith((".yml", ".yaml")):
                with open(os.path.join(dirpath, name), "rb") as fh:
                    list(yaml.load_all(fh.read(), Loader=loader))


def timed(action: Callable[[], object]) -> tuple[float, float, object]:
    """Seconds `action` takes with the cyclic collector paused (wall clock, and CPU time of
    this process and of the worker processes it waited for), and its result."""
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        before, start = os.times(), time.perf_counter()
        result = action()
        wall, after = time.perf_counter() - start, os.times()
        cpu = sum(after[:4]) - sum(before[:4])  # user, system, children's user and system
        return wall, cpu, result
    finally:
        if collecting:
            gc.enable()


def fleet_run(name: str, specs: Path, target: dict[str, str] | None) -> None:
    """One run of one fleet shape: floor, load and desired state, with their ratios to the
    floor by wall clock and by CPU time (a loaded machine moves the first, less the second)."""
    from iac_gen.desired import desired_state

    floor, floor_cpu, _ = timed(lambda: fleet_floor(specs))
    load, load_cpu, loaded = timed(lambda: load_specs([specs], target))
    assert isinstance(loaded, list)
    desired, desired_cpu, _ = timed(lambda: [desired_state(spec) for spec in loaded])
    print(
        f"  {name:28s} floor {floor:5.2f} s; load {load:5.2f} s {load / floor:4.2f}x; "
        f"desired {desired:5.2f} s {desired / floor:4.2f}x | CPU: floor {floor_cpu:5.2f} s; "
        f"load {load_cpu:5.2f} s {load_cpu / floor_cpu:4.2f}x; "
        f"desired {desired_cpu:5.2f} s {desired_cpu / floor_cpu:4.2f}x"
    )


def fleets(folder: Path, native: int, cliv2: int) -> list[tuple[str, Path, dict[str, str] | None]]:
    """The two fleet shapes, generated under `folder` (see the module docstring)."""
    import bench_fleet_drift as fleet  # benchmarks/ is on sys.path as the script's folder

    target = {
        "subscription": fleet.SUB,
        "resource_group": fleet.RG,
        "workspace": fleet.WS,
        "location": "westeurope",
    }
    shapes: list[tuple[str, Path, dict[str, str] | None]] = []
    for shape, count, given in (("native", native, None), ("cliv2", cliv2, target)):
        if count > 0:
            (folder / shape).mkdir()
            specs, _live = fleet.generate(folder / shape, count, shape)
            label = f"fleet {count:,} {'native files' if shape == 'native' else 'CLI v2 folders'}"
            shapes.append((label, specs, given))
    return shapes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=3)
    parser.add_argument("--native", type=int, default=10_000, help="native fleet size")
    parser.add_argument("--cliv2", type=int, default=2_000, help="CLI v2 fleet size")
    parser.add_argument("--no-fleet", action="store_true", help="skip the fleets")
    args = parser.parse_args()
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shapes = [] if args.no_fleet else fleets(folder, args.native, args.cliv2)
        bomb = folder / "bomb.yaml"
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
        bomb.write_text("\n".join(lines) + "\n")
        deep = folder / "deep.yaml"
        deep.write_text("a: " + "[" * 500_000)
        big = folder / "big.yaml"
        deps = "".join(
            f"  - name: dep-{i:02d}\n    instance_type: Standard_DS3_v2\n    instance_count: 1\n"
            f"    environment_variables:\n"
            + "".join(f"      V{j}: '{'x' * 40}'\n" for j in range(200))
            for i in range(20)
        )
        big.write_text("name: big-endpoint\ndeployments:\n" + deps)
        cases: dict[str, Callable[[], object]] = {
            "example (native)": lambda: load_specs([EXAMPLE]),
            "example + resolve(dev)": lambda: resolve(load_specs([EXAMPLE])[0], "dev"),
            "cliv2-basic folder": lambda: load_specs([CLIV2]),
            f"20 deployments, {big.stat().st_size // 1024} KiB": lambda: load_specs([big]),
            "alias bomb (refused)": lambda: load_specs([bomb]),
            "500k nesting (refused)": lambda: load_specs([deep]),
        }
        floors: dict[str, Path] = {
            "example (native)": EXAMPLE,
            "example + resolve(dev)": EXAMPLE,
            "cliv2-basic folder": CLIV2,
            f"20 deployments, {big.stat().st_size // 1024} KiB": big,
        }
        load_specs([EXAMPLE])  # warm caches (schema) as a long-running process would
        for run_no in range(1, runs + 1):
            print(f"run {run_no}")
            for name, action in cases.items():
                took = median_ms(action)
                if name in floors:
                    base = median_ms(lambda target=floors[name]: libyaml_floor(target))
                    print(
                        f"  {name:28s} median {took:8.2f} ms; floor (read + libyaml) "
                        f"{base:6.2f} ms; ratio {took / base:5.1f}x"
                    )
                else:  # refused input: libyaml alone would expand the bomb or recurse
                    print(f"  {name:28s} median {took:8.2f} ms (refused; no floor)")
            for label, specs, given in shapes:
                fleet_run(label, specs, given)


if __name__ == "__main__":
    main()
