"""The hand-written drift and lint results the report tests render."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

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
