"""Whole-process start-up: `iac-gen --help` and `iac-gen validate` on the bundled example.

Targets on the 2-core reference machine: --help <= 0.25 s, validate <= 0.35 s (median).
Prints figures; it is not a test and never fails on speed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
RUNS = 15


def median_seconds(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    exe = [sys.executable, "-m", "iac_gen"]
    cases = {
        "--help": ([*exe, "--help"], 0.25),
        "validate example": ([*exe, "validate", str(EXAMPLE)], 0.35),
    }
    for name, (args, target) in cases.items():
        took = median_seconds(args)
        verdict = "ok" if took <= target else "OVER TARGET"
        print(f"{name:20s} median {took * 1000:7.1f} ms  (target {target * 1000:.0f} ms) {verdict}")


if __name__ == "__main__":
    main()
