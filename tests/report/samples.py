"""The hand-written drift and lint results the report tests render."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from iac_gen.coverage import table

DATA = Path(__file__).resolve().parent / "data"
EXPECTED = Path(__file__).resolve().parent / "expected"
DRIFT_SAMPLES = ("in_sync", "drifted", "not_checked")

# Secret values planted in the samples; no rendered report may contain them.
PLANTED_SECRETS = ("hunter2-SuperSecret-4f9a", "tok-live-9c1e7f2a")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


def with_extra_finding(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `base` with one more finding (a copy of its first, with `changes`)."""
    result = copy.deepcopy(base)
    finding = copy.deepcopy(result["findings"][0])
    finding.update(changes)
    result["findings"].append(finding)
    return result


def fleet(endpoints: int) -> dict[str, Any]:
    """A generated drift result: every endpoint drifted on three properties, one missing."""
    base = load("drifted")
    template = base["findings"][0]
    findings, coverage, resources, traffic, inputs = [], [], [], [], []
    for n in range(endpoints):
        ep = f"endpoint-{n:05d}"
        inputs.append({"role": "spec", "path": f"specs/{ep}.yaml", "sha256": f"{n:064x}"})
        resources.append(
            {
                "endpoint": ep,
                "id": f"/x/{ep}",
                "name": ep,
                "status": "modified",
                "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
            }
        )
        for k, (sev, field) in enumerate(
            [("high", "auth_mode"), ("medium", "tags.owner"), ("low", "description")]
        ):
            findings.append(
                dict(
                    copy.deepcopy(template),
                    id=f"{n:012x}{k:04x}",
                    resource=ep,
                    field=field,
                    severity=sev,
                    waived=(k == 2),
                )
            )
            coverage.append([ep, field, field, "waived" if k == 2 else "drifted", None])
        traffic.append(
            {
                "endpoint": ep,
                "intended": {"blue": 100},
                "intended_mirror": {},
                "live": {"blue": 90, "green": 10} if n % 100 == 0 else {"blue": 100},
                "live_mirror": {},
            }
        )
    return dict(
        base,
        schema_version="2.0",  # the coverage table
        findings=findings,
        coverage=table(coverage),
        resources=resources,
        traffic=traffic,
        inputs=inputs,
        errors=[],
        status="drifted",
        fail_on="high",
    )
