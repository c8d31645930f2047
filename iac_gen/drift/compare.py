"""Compare the normalised sides of each matched resource.

Most resources of a fleet are in sync, so the flat maps are compared for equality first
(cheap, C-speed dict comparison); `deepdiff` runs only where they differ and says which
leaves differ. It is imported lazily: `iac-gen --help` and `validate` never load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iac_gen.drift.normalise import Flat, Path_

_ABSENT = object()


@dataclass(frozen=True)
class Difference:
    path: Path_
    change: str  # not_equal | removed (designed, not live) | added (live only)
    expected: Any
    actual: Any


def compare(desired: Flat, live: Flat) -> list[Difference]:
    """Leaf differences between two flat maps, sorted by path; empty when they agree."""
    if desired == live:
        return []
    from deepdiff import DeepDiff

    # deepdiff only sees the leaves whose canonical values differ (cheap on a fleet).
    keys = [
        k for k in desired.keys() | live.keys() if desired.get(k, _ABSENT) != live.get(k, _ABSENT)
    ]
    if not keys:
        return []
    left = {k: desired[k] for k in keys if k in desired}
    right = {k: live[k] for k in keys if k in live}
    diff = DeepDiff(left, right, view="tree", ignore_numeric_type_changes=True)
    paths: set[Path_] = set()
    for levels in diff.values():
        for level in levels:
            where = level.path(output_format="list")
            if where:
                paths.add(where[0])
            else:  # one side empty: deepdiff reports the whole map as changed
                paths.update(keys)
    out = []
    for path in sorted(paths):
        if path in desired and path in live:
            change = "not_equal"
        elif path in desired:
            change = "removed"
        else:
            change = "added"
        out.append(Difference(path, change, desired.get(path), live.get(path)))
    return out
