"""The desired state's value types (kept apart so every builder module can import them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unresolved:
    """A value the desired state cannot know (e.g. a local code folder's asset id).

    ARM templates turn it into a parameter; drift reports the property as not comparable.
    """

    resource_id: str
    arm_path: str
    reason: str


@dataclass
class DesiredState:
    """Fully resolved ARM resource bodies for one endpoint, in deployment order."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)

    def sorted_resources(self) -> list[dict[str, Any]]:
        """The deterministic order written to resources.json: by type, then id."""
        return sorted(self.resources, key=lambda r: (r["type"].lower(), r["id"].lower()))
