"""In-process spec loading: how long `load_specs` takes on typical and hostile inputs.

Prints figures (median of several samples, three runs) beside a floor for each valid input
(read + libyaml parse of the same files); it is not a test and never fails on speed.

    .venv/bin/python benchmarks/bench_spec_load.py [RUNS]
Hostile inputs must be refused quickly: an alias bomb, deep nesting, a large spec.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
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


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
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


if __name__ == "__main__":
    main()
