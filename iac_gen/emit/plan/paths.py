"""Paths into plain JSON-like resource bodies: read, write, compare, copy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Path = tuple[str | int, ...]


def leaf_diffs(a: Any, b: Any, path: Path = ()) -> list[Path]:
    """Paths where `b` differs from `a`: leaves, or the smallest object/array that changed shape."""
    if a == b:
        return []
    if isinstance(a, Mapping) and isinstance(b, Mapping) and a.keys() == b.keys():
        return [p for k in a for p in leaf_diffs(a[k], b[k], (*path, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i in range(len(a)) for p in leaf_diffs(a[i], b[i], (*path, i))]
    return [path]


def copy_json(value: Any) -> Any:
    """A copy of plain JSON-like data (much cheaper than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


def get_path(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def set_path(data: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def has_path(data: Any, path: Path) -> bool:
    try:
        get_path(data, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def parse_path(arm_path: str) -> Path:
    return tuple(arm_path.split("."))


def strings(value: Any) -> list[str]:
    """Every string anywhere in a value, in document order (ids a body refers to)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []
