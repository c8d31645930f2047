"""Import speed: 1,000 live endpoints (with deployments, autoscale and diagnostic settings)
turned into native specs, beside a floor measured in the same run.

The floor is what any tool must spend on the same data: parsing the live JSON
(`json.loads`) and writing one YAML document per endpoint (`yaml.safe_dump` of its live
bodies). The import itself includes reading the live file, building every spec, checking
each one against the live state with the drift engine, and rendering the files. Both run as
child processes measured the same way (wall, CPU, peak memory); three runs; not a test.

    .venv/bin/python benchmarks/bench_import.py [--endpoints 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import _measure  # noqa: E402  (benchmarks/_measure.py)


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


def floor(path: Path) -> None:
    import yaml

    bodies = json.loads(path.read_text(encoding="utf-8"))
    by_endpoint: dict[str, list[dict]] = {}
    for body in bodies:
        rid = str(body["id"]).lower()
        key = rid.split("/deployments/")[0].split("/providers/microsoft.insights/")[0]
        by_endpoint.setdefault(key, []).append(body)
    for group in by_endpoint.values():
        yaml.safe_dump(group, sort_keys=True)


def run_import(path: Path) -> None:
    from iac_gen.importer import import_live
    from iac_gen.live import read_live

    result = import_live(read_live(path))
    print(f"{len(result.endpoints)} endpoints")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="import_", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        return floor(args.floor)
    if args.import_:
        return run_import(args.import_)
    with tempfile.TemporaryDirectory() as tmp:
        path = live_file(Path(tmp), args.endpoints)
        for run in range(1, args.runs + 1):
            base = _measure.check(_measure.run(_measure.python(__file__, "--floor", str(path))))
            took = _measure.check(_measure.run(_measure.python(__file__, "--import", str(path))))
            print(
                _measure.compare(
                    run,
                    f"import ({took.stdout.strip()})",
                    took,
                    "floor (json.loads + yaml.safe_dump)",
                    base,
                )
            )


if __name__ == "__main__":
    main()
