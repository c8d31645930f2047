"""Whole-process start-up: `iac-gen --help` and `iac-gen validate` beside a floor.

The floor, measured the same way in the same run: `python -c "import yaml, jinja2, typer"`,
the libraries every command needs. Target (issue 13): both no slower than the floor (ratio
<= 1.0x would be ideal; the figure shows what the commands add on top of those imports).
Per run, the median of several interleaved samples; it is not a test and never fails on speed.
iac-gen's bytecode is compiled first, as pip does when it installs a wheel: the floor's
libraries load from theirs, and a checkout run with PYTHONDONTWRITEBYTECODE would otherwise
compile iac-gen's source on every start.

    .venv/bin/python benchmarks/bench_startup.py [--runs 3] [--samples 9]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import sys
from pathlib import Path

import _measure  # benchmarks/_measure.py

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"


def median_measure(samples: list[_measure.Measure]) -> _measure.Measure:
    """The sample with the median wall time (its CPU and memory figures come with it)."""
    ordered = sorted(samples, key=lambda m: m.wall)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=9)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "iac_gen"), quiet=1)
    exe = [sys.executable, "-m", "iac_gen"]
    cases = {
        "floor": [sys.executable, "-c", "import yaml, jinja2, typer"],
        "--help": [*exe, "--help"],
        "validate example": [*exe, "validate", str(EXAMPLE)],
    }
    for run_no in range(1, args.runs + 1):
        samples: dict[str, list[_measure.Measure]] = {name: [] for name in cases}
        for _ in range(args.samples):
            for name, command in cases.items():
                samples[name].append(_measure.check(_measure.run(command)))
        floor = median_measure(samples["floor"])
        for name in ("--help", "validate example"):
            took = median_measure(samples[name])
            print(
                _measure.compare(
                    run_no, f"iac-gen {name}", took, "floor (import yaml, jinja2, typer)", floor
                )
            )
        spread = statistics.pstdev(m.wall for m in samples["floor"])
        print(f"  (floor spread over {args.samples} samples: {spread * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
