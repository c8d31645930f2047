"""The canonical spec document: native-shaped plain data plus where each value was written.

Both input formats (native single file, CLI v2 endpoint + deployment files) become one of
these, so a single builder makes the `Spec` and a single schema checks it. Positions are kept
by *raw* path (list indices) while the data can still change shape; `spec_path` turns a raw
path into the stable, user-facing spec path that names deployments by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Location
from iac_gen.spec.yaml_source import RawPath


@dataclass
class SpecDocument:
    """One endpoint's canonical document before it becomes a `Spec`."""

    source: Path  # native spec file or CLI v2 endpoint file
    format: str  # native | cliv2
    data: dict[str, Any]
    positions: dict[RawPath, Location]
    files: list[Path] = field(default_factory=list)

    @property
    def display(self) -> str:
        return str(self.source)

    def locations(self) -> dict[str, Location]:
        """Location by spec path (`deployments.blue.instance_count`)."""
        out: dict[str, Location] = {}
        for raw, loc in self.positions.items():
            out.setdefault(spec_path(raw, self.data), loc)
        return out


def _deployment_key(data: Mapping[str, Any], index: int) -> str:
    deps = data.get("deployments")
    if isinstance(deps, list) and 0 <= index < len(deps):
        item = deps[index]
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            return str(item["name"])
    return str(index)


def spec_path(raw: RawPath, data: Any) -> str:
    """`("deployments", 0, "instance_count")` -> `deployments.blue.instance_count`."""
    parts = [str(p) for p in raw]
    if (
        len(raw) >= 2
        and raw[0] == "deployments"
        and isinstance(raw[1], int)
        and isinstance(data, Mapping)
    ):
        parts[1] = _deployment_key(data, raw[1])
    return ".".join(parts)


def locator(locations: Mapping[str, Location], default: Location):
    """A function giving the location of a spec path or of its nearest written parent."""

    def locate(path: str) -> Location:
        probe = path
        while probe:
            loc = locations.get(probe)
            if loc is not None:
                return loc
            probe = probe.rpartition(".")[0]
        return locations.get("", default)

    return locate
