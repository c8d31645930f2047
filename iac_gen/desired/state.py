"""The desired state's value types (kept apart so every builder module can import them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unresolved:
    """A value the desired state cannot know (e.g. where a local folder was uploaded).

    ARM templates turn it into a parameter (named `parameter` when given); drift reports the
    property as not comparable.
    """

    resource_id: str
    arm_path: str
    reason: str
    parameter: str | None = None


@dataclass(frozen=True)
class AssetUse:
    """A deployment property that names an asset version this template registers from a
    local folder: the template can switch it to an id the caller passes (`id_parameter`)."""

    resource_id: str  # the deployment
    arm_path: str  # properties.codeConfiguration.codeId | properties.model
    asset_id: str
    id_parameter: str
    path: str  # the folder as the spec writes it


@dataclass
class DesiredState:
    """Fully resolved ARM resource bodies for one endpoint, in deployment order."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    assets: list[AssetUse] = field(default_factory=list)

    def sorted_resources(self) -> list[dict[str, Any]]:
        """The deterministic order written to resources.json: by type, then id."""
        return sorted(self.resources, key=lambda r: (r["type"].lower(), r["id"].lower()))
