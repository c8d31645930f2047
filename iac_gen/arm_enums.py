"""CLI v2 spellings -> the exact enum casing the resource provider expects."""

from __future__ import annotations

AUTH_MODE = {"key": "Key", "aml_token": "AMLToken", "aad_token": "AADToken"}
ACCESS = {"enabled": "Enabled", "disabled": "Disabled"}
IDENTITY = {
    "system_assigned": "SystemAssigned",
    "user_assigned": "UserAssigned",
    "system_assigned,user_assigned": "SystemAssigned,UserAssigned",
    "none": "None",
}
COMPUTE_TYPE = {"managed": "Managed", "kubernetes": "Kubernetes"}
SCALE_TYPE = {"default": "Default", "target_utilization": "TargetUtilization"}
COLLECTION_MODE = {
    "true": "Enabled",
    "false": "Disabled",
    "enabled": "Enabled",
    "disabled": "Disabled",
}
ROLLING_RATE = {r.lower(): r for r in ("Year", "Month", "Day", "Hour", "Minute")}


def arm_enum(table: dict[str, str], value: str) -> str:
    """Map a spec value case-insensitively; an already-ARM value maps to itself."""
    key = value.strip().lower().replace(" ", "")
    if key in table:
        return table[key]
    for arm in table.values():
        if arm.lower() == key:
            return arm
    raise ValueError(f"unknown value {value!r}; expected one of {sorted(table)}")


def identity_type(value: str) -> str:
    """Both identity kinds, in any order and spacing -> `SystemAssigned,UserAssigned`."""
    parts = sorted(p.strip().lower() for p in value.split(",") if p.strip())
    return arm_enum(IDENTITY, ",".join(parts))
