"""Compare the normalised sides of each matched resource.

Most resources of a fleet are in sync, so the flat maps are compared for equality first
(cheap, C-speed dict comparison). Where they differ, the leaves that differ are found with
`!=`; a leaf present on one side only, or whose two values are of one plain type (text, a
whole number, true/false), differs for `deepdiff` exactly as it does for `!=`, so those need
nothing more. When any differing leaf is of another kind (values of different types, tuples
from lists, floats: deepdiff takes one NaN object as equal to itself), all the differing
leaves go through `deepdiff` together, which decides whether they really differ (`1` and
`1.0` do not). It is
imported lazily, and only then: `iac-gen --help`, `validate` and an ordinary drift never
load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iac_gen.drift.normalise import Flat, Path_

_ABSENT = object()
# Values of these types are equal for deepdiff (ignore_numeric_type_changes) exactly when
# `==` says so, as long as both values have the same one of them.
_PLAIN = frozenset({str, int, bool})


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
    get_live = live.get
    # The leaves `!=` separates: designed ones that differ or are not live, then live-only ones.
    paths = [key for key, left in desired.items() if left != get_live(key, _ABSENT)]
    paths += [key for key in live if key not in desired]
    unsure = False
    for key in paths:
        left, right = desired.get(key, _ABSENT), get_live(key, _ABSENT)
        unsure = unsure or not (
            left is _ABSENT
            or right is _ABSENT
            or (type(left) is type(right) and type(left) in _PLAIN)
        )
    if unsure:
        # deepdiff judges all the differing leaves together, as it always did: taken one
        # kind at a time its answer on a mixed set can differ (a change it reports at the
        # root of the map names every leaf).
        paths = list(_deepdiff_paths(desired, live, paths))
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


def _deepdiff_paths(desired: Flat, live: Flat, keys: list[Path_]) -> set[Path_]:
    """Which of `keys` (the leaves `!=` separates, one of them not of one plain type)
    deepdiff finds different."""
    from deepdiff import DeepDiff

    left = {k: desired[k] for k in keys if k in desired}
    right = {k: live[k] for k in keys if k in live}
    diff = DeepDiff(left, right, view="tree", ignore_numeric_type_changes=True)
    paths: set[Path_] = set()
    for levels in diff.values():
        for level in levels:
            where = level.path(output_format="list")
            if where:
                paths.add(where[0])
            else:  # the whole map reported as changed
                paths.update(keys)
    return paths
