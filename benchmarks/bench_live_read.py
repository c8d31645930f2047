"""Read a fleet's live file with `read_live`, beside `json.loads` of the same file; print timings.

`read_live` parses strictly, checks the nesting depth, recognises the shape, scrubs secrets
from every body and checks the JSON types the drift engine relies on. The floor is
`json.loads` of the same text: the least any reader of the file must do. Three runs (in this
process, like benchmarks/bench_scrub.py); each times, over the same file:
- the floor and `read_live`, with the cyclic collector as a library caller has it (on);
- both again with the collector off, as `iac-gen drift` reads a large file (its worker
  process turns it off: `iac_gen/drift/inputs.py`);
and prints wall and CPU time of each and the ratio `read_live / floor`.

The live file is the one benchmarks/bench_fleet_drift.py generates (ARM GET bodies of N
endpoints x 3 deployments as `{"value": [...]}`), made in a temporary folder unless `--live`
names one:

    .venv/bin/python benchmarks/bench_live_read.py [--endpoints N] [--runs R] [--live FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_fleet_drift import generate  # benchmarks/ is on sys.path as the script's own folder

from iac_gen.live import read_live


def timed(action: Callable[[], object], collect: bool) -> tuple[float, float]:
    """Wall and CPU seconds of `action`, with the cyclic collector on or off; what it
    returns is dropped after the clock stops (freeing it is not the reader's work)."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()
    del result
    return wall, cpu


def floor(path: Path) -> object:
    return json.loads(path.read_bytes().decode("utf-8"))


def measure(live: Path, runs: int) -> None:
    size = live.stat().st_size
    state = read_live(live)
    print(f"{live}: {size / (1 << 20):.1f} MiB, {len(state.resources)} resources")
    del state
    for run_no in range(1, runs + 1):
        print(f"run {run_no}")
        for collect in (True, False):
            label = "gc on " if collect else "gc off"
            floor_wall, floor_cpu = timed(lambda: floor(live), collect)
            wall, cpu = timed(lambda: read_live(live), collect)
            print(f"  {label} json.loads (floor)  wall {floor_wall:6.2f} s  cpu {floor_cpu:6.2f} s")
            print(f"  {label} read_live           wall {wall:6.2f} s  cpu {cpu:6.2f} s")
            print(
                f"  {label} ratio read_live / floor: wall {wall / floor_wall:5.2f}x  "
                f"cpu {cpu / floor_cpu:5.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--live", type=Path, help="an existing live file (else one is made)")
    args = parser.parse_args()
    if args.live is not None:
        measure(args.live, args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="bench-live-read-") as tmp:
        _, live = generate(Path(tmp), args.endpoints, "native")
        measure(live, args.runs)


if __name__ == "__main__":
    main()
