"""Asset references, parsed by one set of rules: the spec's compiler, the live readers, the
drift engine, the importer and lint all read `azureml:` forms through here.

The forms (azure-ai-ml's, `_utils/_arm_id_utils.py` and `constants/_common.py`):
- `azureml:name:version` - a workspace asset (`short_ref`); name and version hold no `:`,
  `/` or `@`, so `azureml:name@label` (a label) and `azureml:name` (no version) are not one;
- `azureml:/subscriptions/...` - an ARM id behind the prefix, sent without it (`arm_id`);
- `azureml://registries/...` - a registry id, sent as written (`is_registry`);
- `azureml:AzureML-...` - a curated environment, expanded by the service.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PREFIX = "azureml:"
REGISTRY_PREFIX = "azureml://"
CURATED_ENV_PREFIX = "AzureML-"
_SHORT = re.compile(r"^azureml:(?P<name>[^:/@]+):(?P<version>[^:/@]+)$")
_SHORT_ANY_CASE = re.compile(_SHORT.pattern, re.IGNORECASE)


class ShortRef(NamedTuple):
    """The parts of `azureml:name:version`."""

    name: str
    version: str


def short_ref(text: str, *, ignore_case: bool = False) -> ShortRef | None:
    """`azureml:name:version` -> (name, version); None for every other form.

    The prefix is matched as azure-ai-ml matches a spec's value, exactly; `ignore_case` is for
    values Azure echoes back, whose casing it does not keep."""
    found = (_SHORT_ANY_CASE if ignore_case else _SHORT).match(text)
    return ShortRef(found["name"], found["version"]) if found is not None else None


def arm_id(text: str, *, ignore_case: bool = False) -> str | None:
    """The ARM id of `azureml:/subscriptions/...` (without the prefix), else None."""
    head, rest = text[: len(PREFIX)], text[len(PREFIX) :]
    if ignore_case:
        head, start = head.lower(), rest[: len("/subscriptions/")].lower()
    else:
        start = rest[: len("/subscriptions/")]
    return rest if head == PREFIX and start == "/subscriptions/" else None


def is_registry(text: str) -> bool:
    """`azureml://registries/...` (or any `azureml://` id): sent as written."""
    return text.startswith(REGISTRY_PREFIX)


def is_curated_environment(name: str, *, ignore_case: bool = False) -> bool:
    """A curated environment's name (`AzureML-sklearn-1.5`)."""
    if ignore_case:
        return name.lower().startswith(CURATED_ENV_PREFIX.lower())
    return name.startswith(CURATED_ENV_PREFIX)
