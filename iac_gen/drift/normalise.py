"""Turn an ARM body (desired or live) into a flat map of comparable leaves.

Both sides go through the same function, so a value can only differ if Azure and the design
really disagree. The knowledge comes from `tables.py`; this module only applies it:

1. walk the body, dropping server-owned paths and `null`s, expanding the maps of `MAPS` into
   one leaf per key (keys compared exactly, case-insensitively or as ARM ids);
2. canonicalise each leaf: enum casing, case-insensitive strings, durations, asset ids;
   drop 0 % traffic entries and the system keys of `properties.properties`;
3. fill service defaults where the body is silent.

Some knowledge needs both sides at once (`reconcile`): keys the service writes into a map
(`SERVICE_WRITTEN_KEYS`), fields the service keeps when the design leaves them unset
(`KEPT_WHEN_UNSET`), fields a live shape never carries (`SHAPE_OMITTED`) and fields only some
api-versions have (`API_VERSIONED`).

The result maps a path tuple (`("properties", "traffic", "blue")`) to a canonical value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
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
_MEMO_LIMIT = 20_000  # canonical forms remembered per pattern
_CHILDREN_LIMIT = 1_000  # body keys remembered per pattern


def split(path: str) -> Path_:
    return tuple(path.split("."))


def join(path: Path_) -> str:
    return ".".join(path)


class _Node:
    """One table pattern with what the tables say about it, looked up once per pattern: the
    walk follows a body key to its child node with one dict look-up instead of building and
    hashing the pattern tuple against each table for every leaf."""

    __slots__ = (
        "as_map",
        "asset",
        "children",
        "dropped",
        "exact",
        "memo",
        "pattern",
        "plain",
        "quantity",
        "star",
        "system_keys",
    )

    def __init__(self, rules: KindRules, pattern: Path_, exact: bool):
        self.pattern = pattern
        # No map above: a body's path to this node is the pattern itself, so the walk keys
        # its leaves by the pattern (one tuple shared by every body) instead of building one.
        self.exact = exact
        self.as_map = rules.maps.get(pattern)
        self.dropped = pattern in rules.drop
        self.asset = pattern in rules.assets
        self.quantity = pattern in rules.quantities
        # Text here comes out as written: no table rewrites it (no memo needed).
        self.plain = not (
            self.quantity
            or self.asset
            or pattern in rules.enums
            or pattern in rules.case_insensitive
            or pattern in rules.durations
        )
        self.system_keys = pattern == _PROPERTIES_MAP
        self.children: dict[str, _Node] = {}
        self.star: _Node | None = None
        # Canonical forms of repeated strings (enums, durations): a fleet repeats them a lot.
        self.memo: dict[Any, Any] = {}  # by text; asset ids by (text, workspace)


@dataclass
class KindRules:
    """The tables compiled for one resource kind (endpoint or deployment)."""

    drop: frozenset[Path_]
    enums: dict[Path_, dict[str, str]]
    case_insensitive: frozenset[Path_]
    durations: frozenset[Path_]
    assets: dict[Path_, str]
    maps: dict[Path_, tables.MapPath]
    quantities: dict[Path_, str] = field(default_factory=dict)
    defaults: list[tuple[Path_, Any, tuple[Path_, Any] | None]] = field(default_factory=list)
    root: _Node | None = None
    reconcile: _Reconcile | None = None  # built on first use (`_reconcile_plan`)

    def child(self, node: _Node, key: str) -> _Node:
        """The node of `key` under `node` (a map's keys all share its `*` node). Remembered
        for the keys of the tables and bodies seen so far, up to a bound: a hostile live
        file with a million distinct keys gets nodes that are not kept."""
        if node.as_map is not None:
            if node.star is None:
                node.star = _Node(self, (*node.pattern, "*"), exact=False)
            return node.star
        found = node.children.get(key)
        if found is None:
            found = _Node(self, (*node.pattern, key), exact=node.exact)
            if len(node.children) < _CHILDREN_LIMIT:
                node.children[key] = found
        return found


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
        quantities={split(q.path): q.unit for q in tables.QUANTITIES},
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
    unit = rules.quantities.get(pattern)
    if unit is not None and isinstance(value, str | int | float) and not isinstance(value, bool):
        return canonical_quantity(value, unit)
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
    if rules.root is None:
        rules.root = _Node(rules, (), exact=True)
    _walk(rules, body, (), rules.root, ws, out)
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
    node: _Node,
    ws: WorkspaceRef | None,
    out: Flat,
) -> None:
    # Hot loop of fleet runs: one node look-up per key (see `_Node`), a memo for strings, the
    # node's pattern as the path where no map is above it.
    as_map = node.as_map
    if as_map is not None:
        _walk_map(rules, obj, path, node, as_map, ws, out)
        return
    children = node.children
    exact = node.exact
    for raw_key, value in obj.items():
        if value is None:
            continue
        child = children.get(raw_key) if type(raw_key) is str else None
        if child is None:
            key = raw_key if type(raw_key) is str else str(raw_key)
            child = rules.child(node, key)
        if child.dropped:
            continue
        at = child.pattern if exact else (*path, child.pattern[-1])
        kind = type(value)
        if kind is str:
            if child.plain:
                out[at] = value
                continue
            if not child.asset:  # enums, durations, ...: a fleet repeats a few spellings
                canonical = child.memo.get(value, _UNSET)
                if canonical is not _UNSET:
                    out[at] = canonical
                    continue
            _leaf(rules, child, at, value, ws, out)
        elif kind is dict:
            if value:
                _walk(rules, value, at, child, ws, out)
        elif (kind is int or kind is bool) and not child.quantity:
            out[at] = value
        else:  # the rest as `_leaf` takes it: memo, quantities, other types
            _leaf(rules, child, at, value, ws, out)


def _walk_map(
    rules: KindRules,
    obj: Mapping[str, Any],
    path: Path_,
    node: _Node,
    as_map: tables.MapPath,
    ws: WorkspaceRef | None,
    out: Flat,
) -> None:
    """A map of `MAPS`: one leaf per key, the key compared as the table says."""
    child = node.star or rules.child(node, "")
    key_case = as_map.key_case
    for raw_key, value in obj.items():
        if value is None:
            continue
        key = _canonical_key(str(raw_key), key_case)
        if node.system_keys and key.lower() in _SYSTEM_KEYS:
            continue
        if as_map.presence:  # the key is the value: an id that is present
            out[(*path, key)] = key
            continue
        if as_map.drop_zero and value == 0:
            continue
        if child.dropped:
            continue
        _leaf(rules, child, (*path, key), value, ws, out)


def _leaf(
    rules: KindRules, child: _Node, path: Path_, value: Any, ws: WorkspaceRef | None, out: Flat
) -> None:
    """One value of a body at `path` (pattern `child`): a nested object is walked, a leaf
    canonicalised into `out`."""
    kind = type(value)
    if kind is str:
        out[path] = _canonical_text(rules, child, value, ws)
        return
    if kind is dict:
        if value:
            _walk(rules, value, path, child, ws, out)
        return
    if kind is int or kind is bool or kind is float:
        out[path] = canonical_value(rules, child.pattern, value, ws) if child.quantity else value
        return
    if isinstance(value, Mapping):
        if value:
            _walk(rules, value, path, child, ws, out)
        return
    if isinstance(value, list) and not value:
        return
    out[path] = canonical_value(rules, child.pattern, value, ws)


def _canonical_text(rules: KindRules, node: _Node, value: str, ws: WorkspaceRef | None) -> Any:
    """`canonical_value` of text at `node`, remembered per node (asset ids per workspace)."""
    if node.plain:
        return value
    memo = node.memo
    memo_key = (value, ws) if node.asset else value  # asset ids expand per workspace
    canonical = memo.get(memo_key, _UNSET)
    if canonical is _UNSET:
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        canonical = memo[memo_key] = canonical_value(rules, node.pattern, value, ws)
    return canonical


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
    if rules.root is None:
        rules.root = _Node(rules, (), exact=True)
    node: Any = body
    pattern = rules.root  # the table node of the path so far (a map's keys share `*`)
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
        pattern = rules.child(pattern, key)
    if isinstance(node, str) and _canonical_text(rules, pattern, node, ws) == value:
        return node
    return value


def pattern_of(path: Path_) -> Path_:
    """The table pattern of a concrete path: map keys (of nested maps too) become `*`."""
    maps = rules_for("endpoint").maps
    for i in range(1, len(path)):
        if path[:i] in maps:
            path = (*path[:i], "*", *path[i + 1 :])
    return path


# -- Kubernetes quantities ------------------------------------------------------------------
_QUANTITY = re.compile(r"^\s*([+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*([A-Za-z]*)\s*$")
_SUFFIXES: dict[str, Decimal] = {
    "": Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
}
_GI = Decimal(2) ** 30


def canonical_quantity(value: str | int | float, unit: str) -> Any:
    """A Kubernetes quantity as the service spells it: memory in Gi rounded to the service's
    decimals (`200Mi` and `0.195Gi` are both `0.195Gi`), CPU in cores (`300m` -> `0.3`), a GPU
    count as a plain number. Text that is no quantity stays as written (compared as text)."""
    match = _QUANTITY.match(str(value))
    factor = _SUFFIXES.get(match.group(2)) if match else None
    if match is None or factor is None:
        return value
    try:
        amount = Decimal(match.group(1)) * factor
    except InvalidOperation:  # pragma: no cover - the pattern only admits decimals
        return value
    if unit == "memory":
        places = Decimal(1).scaleb(-tables.QUANTITY_DECIMALS["memory"])
        return f"{(amount / _GI).quantize(places, rounding=ROUND_HALF_UP)}Gi"
    text = format(amount.normalize(), "f")
    return text


# -- knowledge that needs both sides --------------------------------------------------------
def _api_date(version: str | None) -> str | None:
    return version[:10] if isinstance(version, str) and len(version) >= 10 else None


def _has_key(body: Mapping[str, Any] | None, path: Path_) -> bool:
    node: Any = body
    for part in path[:-1]:
        if not isinstance(node, Mapping):
            return False
        node = node.get(part)
    return isinstance(node, Mapping) and path[-1] in node


def _intersects(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    low = max((x for x in (a[0], b[0]) if x), default=None)
    high = min((x for x in (a[1], b[1]) if x), default=None)
    return low is None or high is None or low < high


@dataclass
class _Reconcile:
    """The tables that need both sides, for one kind, with their paths split and their
    api-version dates cut once (not for every resource of a fleet)."""

    written: list[Path_]  # SERVICE_WRITTEN_KEYS: (*map, key)
    kept: list[tuple[Path_, Path_, Any, str]]  # KEPT_WHEN_UNSET: path, when path, value, why
    omitted: list[Path_]  # SHAPE_OMITTED
    versioned: list[tuple[Path_, str | None, str | None, tables.VersionedField]]


def _reconcile_plan(kind: str) -> _Reconcile:
    """Kept with the kind's compiled tables, so clearing `rules_for` clears it too."""
    rules = rules_for(kind)
    if rules.reconcile is None:
        rules.reconcile = _compile_reconcile(kind, rules)
    return rules.reconcile


def _compile_reconcile(kind: str, rules: KindRules) -> _Reconcile:
    return _Reconcile(
        written=[(*split(w.path), w.key) for w in tables.SERVICE_WRITTEN_KEYS if w.kind == kind],
        kept=[
            (
                split(k.path),
                split(k.when[0]),
                canonical_value(rules, split(k.when[0]), k.when[1], None),
                k.reason,
            )
            for k in tables.KEPT_WHEN_UNSET
            if k.kind == kind
        ],
        omitted=[split(o.path) for o in tables.SHAPE_OMITTED if o.kind == kind],
        versioned=[
            (split(e.path), _api_date(e.since), _api_date(e.until), e)
            for e in tables.API_VERSIONED
            if e.kind == kind
        ],
    )


def _live_api_range(
    plan: _Reconcile, live_body: Mapping[str, Any] | None
) -> tuple[str | None, str | None]:
    """The api-versions a live body can come from, narrowed by the versioned keys it carries
    (a GET serialises every property of its api-version; a body with `privateNetworkConnection`
    is a 2022-02-01-preview one). Shapes that drop empty keys narrow nothing."""
    low: str | None = None
    high: str | None = None
    for path, since, until, _ in plan.versioned:
        if _has_key(live_body, path):
            if since and (low is None or since > low):
                low = since
            if until and (high is None or until < high):
                high = until
    return low, high


def reconcile(
    kind: str,
    desired: Flat,
    live: Flat,
    designed_body: Mapping[str, Any],
    live_body: Mapping[str, Any] | None,
) -> dict[Path_, str]:
    """Apply the tables that need both sides, in place; returns the paths set aside as not
    comparable, with the reason."""
    plan = _reconcile_plan(kind)
    set_aside: dict[Path_, str] = {}
    for path in plan.written:
        if path in live and path not in desired:
            del live[path]
    for path, when_path, when_value, reason in plan.kept:
        if path in live and path not in desired and desired.get(when_path) == when_value:
            del live[path]
            set_aside[path] = reason
    for path in plan.omitted:
        if path not in live and not _has_key(live_body, path):
            desired.pop(path, None)
    if not plan.versioned:
        return set_aside
    designed_api = _api_date(str(designed_body.get("apiVersion") or "")) or None
    live_range = _live_api_range(plan, live_body)
    for prefix, since, until, entry in plan.versioned:
        designed_has = designed_api is None or (
            (since is None or designed_api >= since) and (until is None or designed_api < until)
        )
        live_has = _intersects((since, until), live_range)
        if designed_has and live_has:
            continue
        size = len(prefix)
        in_desired = [p for p in desired if p[:size] == prefix]
        for p in in_desired:
            del desired[p]
        for p in [p for p in live if p[:size] == prefix]:
            del live[p]
        if in_desired:  # the design says something that cannot be checked here
            where = "the live body's" if designed_has else f"the design's ({designed_api})"
            set_aside[prefix] = f"{where} api-version has no {entry.path}: {entry.reason}"
    return set_aside
