"""Azure's vocabulary, declared once: resource types as ARM spells them, the api-versions
iac-gen sends, and CLI v2 spellings -> the exact enum casing the resource provider expects.

ARM compares resource types ignoring case; code that compares lower-cases both sides
(`ENDPOINT_TYPE.lower()`), never writes a second spelling. Sources: the resource provider's
type definitions (shared/reference/bicep-types) and recorded traffic (shared/reference/recorded).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# -- Resource types. -------------------------------------------------------------------------
ML_PROVIDER = "Microsoft.MachineLearningServices"
WORKSPACE_TYPE = f"{ML_PROVIDER}/workspaces"
ENDPOINT_TYPE = f"{WORKSPACE_TYPE}/onlineEndpoints"
DEPLOYMENT_TYPE = f"{ENDPOINT_TYPE}/deployments"
ENVIRONMENT_VERSION_TYPE = f"{WORKSPACE_TYPE}/environments/versions"
CODE_VERSION_TYPE = f"{WORKSPACE_TYPE}/codes/versions"
MODEL_VERSION_TYPE = f"{WORKSPACE_TYPE}/models/versions"
AUTOSCALE_TYPE = "Microsoft.Insights/autoscalesettings"
DIAGNOSTICS_TYPE = "Microsoft.Insights/diagnosticSettings"
ALERT_TYPE = "Microsoft.Insights/metricAlerts"
ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments"
NESTED_DEPLOYMENT_TYPE = "Microsoft.Resources/deployments"
# Azure Resource Graph's query endpoint (POST), under the ARM endpoint.
RESOURCE_GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources"

# -- api-versions. ---------------------------------------------------------------------------
# Online endpoints and deployments: the schema is identical back to 2024-10-01; a spec's
# `target.api_version` and `export --api-version` choose another.
DEFAULT_API_VERSION = "2026-05-01"
AUTOSCALE_API = "2022-10-01"
DIAGNOSTICS_API = "2021-05-01-preview"
ALERT_API = "2018-03-01"
ROLE_ASSIGNMENT_API = "2022-04-01"
NESTED_DEPLOYMENT_API = "2022-09-01"
RESOURCE_GRAPH_API = "2021-03-01"  # the version azure-mgmt-resourcegraph 8.x sends

# -- Enums: CLI v2 spelling -> ARM casing. ---------------------------------------------------
AUTH_MODE = {"key": "Key", "aml_token": "AMLToken", "aad_token": "AADToken"}
ACCESS = {"enabled": "Enabled", "disabled": "Disabled"}
IDENTITY = {
    "none": "None",
    "system_assigned": "SystemAssigned",
    "user_assigned": "UserAssigned",
    "system_assigned,user_assigned": "SystemAssigned,UserAssigned",
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


def camel_to_snake(text: str) -> str:
    """azure-ai-ml's `camel_to_snake` (`_utils/utils.py`), comma lists included: the casing
    transform its StringTransformedEnum fields apply before comparing (`Key` -> `key`,
    `AMLToken` -> `aml_token`, `SystemAssigned, UserAssigned` ->
    `system_assigned,user_assigned`)."""

    def convert(part: str) -> str:
        part = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", part)
        return re.sub("([a-z0-9])([A-Z])", r"\1_\2", part).lower()

    if "," in text:
        return ",".join(convert(t.strip()) for t in text.split(","))
    return convert(text)


# CLI v2 fields azure-ai-ml reads case-insensitively, with its casing transform and the
# allowed values (azure/ai/ml/_schema: _endpoint/endpoint.py, _endpoint/online/online_endpoint.py,
# identity.py, _deployment/online/online_deployment.py, scale_settings_schema.py). A value
# the transform maps onto an allowed one is read as that value; others are left for the
# schema to report.
ENDPOINT_ENUMS: dict[tuple[str, ...], tuple[Callable[[str], str], frozenset[str]]] = {
    ("auth_mode",): (camel_to_snake, frozenset(AUTH_MODE)),
    ("identity", "type"): (camel_to_snake, frozenset(IDENTITY)),
    ("public_network_access",): (str.lower, frozenset(ACCESS)),
}
DEPLOYMENT_ENUMS: dict[tuple[str, ...], tuple[Callable[[str], str], frozenset[str]]] = {
    ("type",): (camel_to_snake, frozenset(COMPUTE_TYPE)),
    ("egress_public_network_access",): (str.lower, frozenset(ACCESS)),
    ("scale_settings", "type"): (camel_to_snake, frozenset(SCALE_TYPE)),
}


def sdk_enum(value: str, transform: Callable[[str], str], allowed: frozenset[str]) -> str:
    """`value` as azure-ai-ml reads it, or unchanged when it is not an allowed value."""
    converted = transform(value)
    return converted if converted in allowed else value
