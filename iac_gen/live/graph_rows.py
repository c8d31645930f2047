"""Turn Azure Resource Graph `resources` rows into ARM GET-shaped bodies.

Resource Graph lower-cases `type` and adds table columns (`tenantId`, `resourceGroup`,
`subscriptionId`, `managedBy`, `plan`, `zones`, `extendedLocation`) that an ARM GET does not
return; both are undone here so rows and GET bodies compare alike.
"""

from __future__ import annotations

from typing import Any

from iac_gen.vocabulary import (
    AUTOSCALE_TYPE,
    DEPLOYMENT_TYPE,
    DIAGNOSTICS_TYPE,
    ENDPOINT_TYPE,
    WORKSPACE_TYPE,
)

CANONICAL_TYPES = {
    t.lower(): t
    for t in (WORKSPACE_TYPE, ENDPOINT_TYPE, DEPLOYMENT_TYPE, AUTOSCALE_TYPE, DIAGNOSTICS_TYPE)
}
GRAPH_COLUMNS = (
    "tenantId",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "plan",
    "zones",
    "extendedLocation",
)
# Fields whose presence shows a row carries the full ARM properties, per type.
_FULLNESS_MARKERS = {
    ENDPOINT_TYPE.lower(): "authMode",
    DEPLOYMENT_TYPE.lower(): "endpointComputeType",
    AUTOSCALE_TYPE.lower(): "targetResourceUri",
    WORKSPACE_TYPE.lower(): "publicNetworkAccess",
}


def canonical_type(value: str) -> str:
    return CANONICAL_TYPES.get(value.lower(), value)


def is_graph_row(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and "subscriptionId" in item
        and "resourceGroup" in item
    )


def row_to_body(row: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in row.items() if k not in GRAPH_COLUMNS}
    if isinstance(body.get("type"), str):
        body["type"] = canonical_type(body["type"])
    for empty in ("sku", "identity", "kind"):
        if body.get(empty) in (None, ""):
            body.pop(empty, None)
    return body


def has_full_properties(row: dict[str, Any]) -> bool:
    """False when a row lacks the properties a targeted ARM GET must fill in."""
    marker = _FULLNESS_MARKERS.get(str(row.get("type", "")).lower())
    props = row.get("properties")
    if not isinstance(props, dict) or not props:
        return False
    return marker is None or marker in props
