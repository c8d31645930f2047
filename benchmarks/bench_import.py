"""Import speed: 1,000 live endpoints (with deployments, autoscale and diagnostic settings)
turned into native specs, beside a floor measured in the same run.

The floor is what any tool must spend on the same data: parsing the live JSON
(`json.loads`) and writing one YAML document per endpoint (`yaml.safe_dump` of its live
bodies). The import itself includes reading the live file, building every spec, checking
each one against the live state with the drift engine, and rendering the files. Prints
figures for three runs; it is not a test.

    .venv/bin/python benchmarks/bench_import.py [--endpoints 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def live_file(folder: Path, endpoints: int) -> Path:
    from iac_gen.emulator.data import fleet

    subs = [f"00000000-0000-4000-8000-{i:012d}" for i in range(1, 11)]
    per = max(1, endpoints // len(subs))
    bodies = []
    for index, sub in enumerate(subs):
        bodies += fleet(subscriptions=(sub,), workspace=f"mlw-{index:02d}", endpoints=per)
    path = folder / "live.json"
    path.write_text(json.dumps(bodies), encoding="utf-8")
    return path


def floor(path: Path) -> float:
    import yaml

    start = time.perf_counter()
    bodies = json.loads(path.read_text(encoding="utf-8"))
    by_endpoint: dict[str, list[dict]] = {}
    for body in bodies:
        rid = str(body["id"]).lower()
        key = rid.split("/deployments/")[0].split("/providers/microsoft.insights/")[0]
        by_endpoint.setdefault(key, []).append(body)
    for group in by_endpoint.values():
        yaml.safe_dump(group, sort_keys=True)
    return time.perf_counter() - start


def run_import(path: Path) -> tuple[float, int]:
    from iac_gen.importer import import_live
    from iac_gen.live import read_live

    start = time.perf_counter()
    result = import_live(read_live(path))
    return time.perf_counter() - start, len(result.endpoints)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = live_file(Path(tmp), args.endpoints)
        run_import(path)  # warm the imports once
        for run in range(1, args.runs + 1):
            base = floor(path)
            took, count = run_import(path)
            print(
                f"run {run}: import {count} endpoints {took:.2f} s; floor (json.loads + "
                f"yaml.safe_dump) {base:.2f} s; ratio {took / base:.1f}x"
            )


if __name__ == "__main__":
    main()
