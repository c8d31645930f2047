"""Render a fleet-sized drift result (30,000 findings) in every report format; print timings.

.venv/bin/python benchmarks/bench_report.py [FINDINGS]
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

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
        coverage.append(
            {"resource": f"{endpoint}/{dep}", "field": field, "arm_path": "x", "outcome": "drifted"}
        )
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
    base.update(findings=out, coverage=coverage, traffic=traffic)
    return base


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    result = fleet(n)
    print(f"{n} findings, {len(result['traffic'])} endpoints")
    for name, reporter in REPORTERS.items():
        start = time.perf_counter()
        text = reporter.render(result)
        elapsed = time.perf_counter() - start
        print(f"  {name:5s} {elapsed:6.2f} s  {len(text.encode()) / 1e6:7.1f} MB")


if __name__ == "__main__":
    main()
