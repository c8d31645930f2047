"""`plan.json`: the canonical plan (schema `schemas/plan.schema.json`), secrets withheld.

The other plan formats are renderings of this document. Changed values are withheld by the
same rules as drift's findings (`iac_gen.secrets.withhold` on the property's ARM path), the
rest goes through `redact`, so a secret environment variable never reaches any plan file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iac_gen.output_files import dumps_json
from iac_gen.report.redact import json_copy, redact
from iac_gen.secrets import withhold


def _change(change: Mapping[str, Any]) -> dict[str, Any]:
    keys = tuple(p for p in str(change.get("arm_path") or "").split(".") if p)
    out = {k: redact(v) for k, v in change.items() if k not in ("from", "to")}
    for side in ("from", "to"):
        if side in change:
            out[side] = withhold(change[side], keys) if keys else redact(change[side])
    return out


def redact_plan(plan: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the plan with secret values withheld (the input is not modified)."""
    out: dict[str, Any] = {}
    for key, value in plan.items():
        if key == "steps":
            out[key] = [
                {
                    **{k: json_copy(v) for k, v in s.items() if k != "changes"},
                    "changes": [_change(c) for c in s["changes"]],
                }
                for s in value
            ]
        elif key == "parameters":
            out[key] = json_copy(value)  # parameter names -> booleans and instance counts
        else:
            out[key] = redact(value)
    return out


def render(plan: dict[str, Any]) -> str:
    return dumps_json(redact_plan(plan))
