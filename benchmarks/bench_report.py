"""Render a fleet-sized drift result (30,000 findings) in every report format; print timings.

In process, three runs; the floor is `json.dumps` of the same result (the C encoder), and
every format together is compared with the json format alone.

.venv/bin/python benchmarks/bench_report.py [FINDINGS] [RUNS]
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from iac_gen.coverage import table
from iac_gen.report.registry import REPORTERS

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "report" / "data" / "drifted.json"
SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORIES = ("security", "routing", "capacity", "configuration", "metadata")
FIELDS = (
    "instance_count",
    "environment_variables.LOG_LEVEL",
    "request_settings.request_timeout_ms",
)


def fleet(findings: int) -> dict:
    base = json.loads(SAMPLE.read_text(encoding="utf-8"))
    template = base["findings"][0]
    out, coverage, traffic = [], [], []
    for i in range(findings):
        endpoint = f"ep-{i // 30:04d}"
        dep = f"d{i % 3}"
        field = f"deployments.{dep}.{FIELDS[i % len(FIELDS)]}.{i}"
        out.append(
            dict(
                template,
                id=hashlib.sha256(str(i).encode()).hexdigest()[:16],
                resource=f"{endpoint}/{dep}",
                field=field,
                severity=SEVERITIES[i % 5],
                category=CATEGORIES[i % 5],
                expected=i,
                actual=i + 1,
                waived=False,
                waiver=None,
            )
        )
        coverage.append([f"{endpoint}/{dep}", field, "x", "drifted", None])
        if i % 30 == 0:
            traffic.append(
                {
                    "endpoint": endpoint,
                    "intended": {"d0": 100},
                    "live": {"d0": 90, "d1": 10},
                    "intended_mirror": {},
                    "live_mirror": {},
                }
            )
    base.update(findings=out, coverage=table(coverage), traffic=traffic)
    return base


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    result = fleet(n)
    print(f"{n} findings, {len(result['traffic'])} endpoints")
    for run_no in range(1, runs + 1):
        print(f"run {run_no}")
        timings: dict[str, float] = {}
        for name, reporter in REPORTERS.items():
            start = time.perf_counter()
            text = reporter.render(result)
            timings[name] = elapsed = time.perf_counter() - start
            print(f"  {name:5s} {elapsed:6.2f} s  {len(text.encode()) / 1e6:7.1f} MB")
        start = time.perf_counter()
        json.dumps(result, sort_keys=True, ensure_ascii=False)
        floor = time.perf_counter() - start
        total = sum(timings.values())
        print(
            f"  floor (json.dumps, C encoder) {floor:.2f} s; json {timings['json'] / floor:.1f}x "
            f"the floor; every format {total:.2f} s = {total / timings['json']:.1f}x json alone"
        )


if __name__ == "__main__":
    main()
