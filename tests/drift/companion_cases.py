"""Which normalisation table entries belong to the Azure Monitor companions.

`test_tables.py` tests the endpoint and deployment entries, `test_companion_tables.py` the
autoscale and diagnostic-settings ones; this split is shared so no entry is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

COMPANION_KINDS = ("autoscale", "diagnostics")
# Kind-less entries (enums, case-insensitive strings, durations, maps) by path.
_DIAGNOSTIC_PATHS = (
    "properties.workspaceId",
    "properties.storageAccountId",
    "properties.eventHubAuthorizationRuleId",
    "properties.eventHubName",
    "properties.marketplacePartnerId",
    "properties.logAnalyticsDestinationType",
)

T = TypeVar("T")


def is_companion_path(path: str) -> bool:
    prefixes = ("properties.profiles", "properties.logs", "properties.predictiveAutoscalePolicy")
    return path.startswith(prefixes) or path in _DIAGNOSTIC_PATHS


def is_companion(entry: Any) -> bool:
    if isinstance(entry, str):
        return is_companion_path(entry)
    if isinstance(entry, tuple):  # SERVER_OWNED: (kind, path, why)
        return entry[0] in COMPANION_KINDS
    kind = getattr(entry, "kind", None)
    if kind is not None:
        return kind in COMPANION_KINDS
    return is_companion_path(entry.path)


def ML(entries: Iterable[T] | Mapping[str, Any]) -> list[Any]:
    """The endpoint and deployment entries of a table."""
    return [e for e in entries if not is_companion(e)]


def COMPANION(entries: Iterable[T] | Mapping[str, Any]) -> list[Any]:
    """The autoscale and diagnostic-settings entries of a table."""
    return [e for e in entries if is_companion(e)]
