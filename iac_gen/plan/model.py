"""The plan's vocabulary: actions and the shape of a step (one place for both)."""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = "1.0"

# What the deploy does to one resource.
CREATE, UPDATE, REPLACE, NO_CHANGE, LEFT_ALONE, NOT_CHECKED = (
    "create",
    "update",
    "replace",
    "no_change",
    "left_alone",
    "not_checked",
)
ACTIONS = (CREATE, UPDATE, REPLACE, NO_CHANGE, LEFT_ALONE, NOT_CHECKED)

# What the deploy does to one property, from the drift change seen the other way round:
# drift `removed` (designed, absent in Azure) is a property the deploy sets; drift `added`
# (in Azure, not designed) is one the full PUT drops back to the service default.
PROPERTY_ACTION = {"not_equal": "change", "removed": "set", "added": "unset"}

# Order of the template's phases (README "Deploying: first time and redeploys").
PHASES = ("endpoint", "deployment", "traffic", "companion", "unmanaged")


def step(
    phase: str, action: str, resource: str, rtype: str, rid: str, changes: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "phase": phase,
        "action": action,
        "resource": resource,
        "type": rtype,
        "id": rid,
        "changes": changes,
    }
