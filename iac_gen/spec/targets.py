"""Azure's rules for the four target values (subscription, resource group, workspace, location).

The values go into resource ids, ARM template parameters and REST paths, so a value Azure
would refuse (`a/b`, `..`, `[subscription().id]`, a trailing newline) is refused here, with one
line, by `validate` as by every other command. Sources:

- subscription: `SubscriptionIdParameter` is `format: uuid` (Azure/azure-rest-api-specs
  `specification/common-types/resource-management/v5/types.json`).
- resource group: `ResourceGroupNameParameter` has `minLength: 1`, `maxLength: 90`,
  `pattern: ^[-\\w\\._\\(\\)]+$` (same file); the Resource Manager naming rules add "can't end
  with a period" (its description: "alphanumeric, underscore, parentheses, hyphen, period
  (except at end)").
- workspace: `Microsoft.MachineLearningServices/workspaces` name pattern
  `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`, 3-33 characters (Azure/bicep-types-az
  machinelearningservices 2026-05-01 `types.md`; copy in shared/reference/bicep-types/).
- location: the REST specs only say `minLength: 1` ("The name of the Azure region",
  `LocationParameter`); region names (`westeurope`, `eastus2`) are letters and digits, which
  is what is accepted here - a display name such as `West Europe` is refused.

Every check uses `fullmatch`: `$` in Python also matches before a final newline.
"""

from __future__ import annotations

import re

_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
# `\w` is Unicode-aware in Python, like .NET's letters, digits and underscore the REST spec means.
_RESOURCE_GROUP = re.compile(r"[-\w.()]{1,90}")
_WORKSPACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,32}")
_LOCATION = re.compile(r"[A-Za-z0-9]{1,64}")

# field -> what a valid value looks like (said in the error message)
RULES: dict[str, str] = {
    "subscription": "a subscription id is a GUID such as 00000000-0000-0000-0000-000000000000",
    "resource_group": (
        "a resource group name is 1-90 letters, digits, '_', '-', '.', '(' or ')', "
        "not ending in '.'"
    ),
    "workspace": (
        "a workspace name is 3-33 letters, digits, '-' or '_', starting with a letter or digit"
    ),
    "location": "a location is an Azure region name of letters and digits, such as westeurope",
}


def valid(field: str, value: str) -> bool:
    """Whether `value` is a valid target `field` (subscription, resource_group, ...)."""
    if field == "subscription":
        return _GUID.fullmatch(value) is not None
    if field == "resource_group":
        return _RESOURCE_GROUP.fullmatch(value) is not None and not value.endswith(".")
    if field == "workspace":
        return _WORKSPACE.fullmatch(value) is not None
    if field == "location":
        return _LOCATION.fullmatch(value) is not None
    raise KeyError(field)


def problem(field: str, value: str) -> str | None:
    """None when `value` is valid, otherwise the rule it breaks (for a message)."""
    return None if valid(field, value) else RULES[field]
