"""Turn an ARM body (desired or live) into a flat map of comparable leaves.

Both sides go through the same function, so a value can only differ if Azure and the design
really disagree. The knowledge comes from `tables.py`; this module only applies it:

1. walk the body, dropping server-owned paths and `null`s, expanding the maps of `MAPS` into
   one leaf per key (keys compared exactly, case-insensitively or as ARM ids);
2. canonicalise each leaf: enum casing, case-insensitive strings, durations, asset ids;
   drop 0 % traffic entries and the system keys of `properties.properties`;
3. fill service defaults where the body is silent.

The result maps a path tuple (`("properties", "traffic", "blue")`) to a canonical value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from iac_gen.drift import tables
from iac_gen.drift.asset_ids import WorkspaceRef, canonical_arm_id, canonical_asset_id
from iac_gen.durations import canonical_duration

Path_ = tuple[str, ...]
Flat = dict[Path_, Any]

_SYSTEM_KEYS = frozenset(k.lower() for k in tables.SYSTEM_PROPERTY_KEYS)
_PROPERTIES_MAP = ("properties", "properties")
_UNSET = object()
_MEMO_LIMIT = 200_000


def split(path: str) -> Path_:
    return tuple(path.split("."))


def join(path: Path_) -> str:
    return ".".join(path)


@dataclass
class KindRules:
    """The tables compiled for one resource kind (endpoint or deployment)."""

    drop: frozenset[Path_]
    enums: dict[Path_, dict[str, str]]
    case_insensitive: frozenset[Path_]
    durations: frozenset[Path_]
    assets: dict[Path_, str]
    maps: dict[Path_, tables.MapPath]
    defaults: list[tuple[Path_, Any, tuple[Path_, Any] | None]] = field(default_factory=list)
    # Canonical forms of repeated strings (enums, durations): a fleet repeats them a lot.
    memo: dict[tuple[Path_, str], Any] = field(default_factory=dict)


def _applies(kind: str, entry_kind: str) -> bool:
    return entry_kind in ("*", kind)


@cache
def rules_for(kind: str) -> KindRules:
    rules = KindRules(
        drop=frozenset(split(p) for k, p, _ in tables.SERVER_OWNED if _applies(kind, k)),
        enums={split(p): {v.lower(): v for v in vals} for p, vals in tables.ENUMS.items()},
        case_insensitive=frozenset(split(p) for p in tables.CASE_INSENSITIVE),
        durations=frozenset(split(p) for p in tables.DURATIONS),
        assets={split(p): c for p, c in tables.ASSET_IDS.items()},
        maps={split(m.path): m for m in tables.MAPS},
    )
    for d in tables.SERVICE_DEFAULTS:
        if not _applies(kind, d.kind):
            continue
        pattern = split(d.path)
        value = canonical_value(rules, pattern, d.value, None)
        when = None
        if d.when is not None:
            when_path = split(d.when[0])
            when_value = d.when[1]
            if when_value is not None:
                when_value = canonical_value(rules, when_path, when_value, None)
            when = (when_path, when_value)
        rules.defaults.append((pattern, value, when))
    return rules


def canonical_value(rules: KindRules, pattern: Path_, value: Any, ws: WorkspaceRef | None) -> Any:
    """The comparable form of one leaf value found at `pattern`."""
    if isinstance(value, str):
        enum = rules.enums.get(pattern)
        if enum is not None:
            return enum.get(value.replace(" ", "").lower(), value)
        if pattern in rules.case_insensitive:
            return value.replace(" ", "").lower() if pattern == ("location",) else value.lower()
        if pattern in rules.durations:
            return canonical_duration(value)
        collection = rules.assets.get(pattern)
        if collection is not None:
            return canonical_asset_id(value, collection, ws)
        return value
    if isinstance(value, list):
        return tuple(
            json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for v in value
        )
    return value


def _canonical_key(key: str, key_case: str) -> str:
    if key_case == "insensitive":
        return key.lower()
    if key_case == "arm_id":
        return canonical_arm_id(key)
    return key


def normalise(body: Mapping[str, Any], kind: str, ws: WorkspaceRef | None = None) -> Flat:
    """Flat, canonical leaves of one ARM body of `kind` (`endpoint` or `deployment`)."""
    rules = rules_for(kind)
    out: Flat = {}
    _walk(rules, body, (), (), ws, out)
    for pattern, value, when in rules.defaults:
        if pattern in out:
            continue
        if when is not None and out.get(when[0]) != when[1]:
            continue
        out[pattern] = value
    return out


def _walk(
    rules: KindRules,
    obj: Mapping[str, Any],
    path: Path_,
    pattern: Path_,
    ws: WorkspaceRef | None,
    out: Flat,
) -> None:
    # Hot loop of fleet runs: locals instead of attribute look-ups, a memo for strings.
    as_map = rules.maps.get(pattern)
    drop = rules.drop
    assets = rules.assets
    memo = rules.memo
    star = (*pattern, "*")
    for raw_key, value in obj.items():
        if value is None:
            continue
        if as_map is not None:
            key = _canonical_key(str(raw_key), as_map.key_case)
            sub_pattern = star
            if pattern == _PROPERTIES_MAP and key.lower() in _SYSTEM_KEYS:
                continue
            if as_map.presence:  # the key is the value: an id that is present
                out[(*path, key)] = key
                continue
            if as_map.drop_zero and value == 0:
                continue
        else:
            key = raw_key if type(raw_key) is str else str(raw_key)
            sub_pattern = (*pattern, key)
        if sub_pattern in drop:
            continue
        kind = type(value)
        if kind is dict:
            if value:
                _walk(rules, value, (*path, key), sub_pattern, ws, out)
            continue
        if kind is str and sub_pattern not in assets:
            memo_key = (sub_pattern, value)
            canonical = memo.get(memo_key, _UNSET)
            if canonical is _UNSET:
                if len(memo) > _MEMO_LIMIT:
                    memo.clear()
                canonical = memo[memo_key] = canonical_value(rules, sub_pattern, value, ws)
            out[(*path, key)] = canonical
            continue
        if kind is int or kind is bool or kind is float:
            out[(*path, key)] = value
            continue
        if isinstance(value, Mapping):
            if value:
                _walk(rules, value, (*path, key), sub_pattern, ws, out)
            continue
        if isinstance(value, list) and not value:
            continue
        out[(*path, key)] = canonical_value(rules, sub_pattern, value, ws)


def as_written(
    body: Mapping[str, Any] | None, kind: str, path: Path_, value: Any, ws: WorkspaceRef | None
) -> Any:
    """The text at `path` in `body` as the spec or Azure wrote it (`Standard_DS3_v2`) when
    its comparable form is `value` (`standard_ds3_v2`); otherwise `value` itself (a default
    the tables filled in, a policy's range, a number). Used for the few values that differ,
    so evidence shows real spellings while the comparison stays canonical."""
    if body is None or not isinstance(value, str):
        return value
    rules = rules_for(kind)
    node: Any = body
    pattern: Path_ = ()
    for key in path:
        if not isinstance(node, Mapping):
            return value
        if key in node:
            node = node[key]
        else:  # map keys are respelled too (tags, traffic): find the one written key
            found = [k for k in node if str(k).lower() == key.lower()]
            if len(found) != 1:
                return value
            node = node[found[0]]
        pattern = (*pattern, "*") if pattern in rules.maps else (*pattern, key)
    if isinstance(node, str) and canonical_value(rules, pattern, node, ws) == value:
        return node
    return value


def pattern_of(path: Path_) -> Path_:
    """The table pattern of a concrete path: map keys (of nested maps too) become `*`."""
    maps = rules_for("endpoint").maps
    for i in range(1, len(path)):
        if path[:i] in maps:
            path = (*path[:i], "*", *path[i + 1 :])
    return path
