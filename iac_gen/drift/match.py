"""Pair each designed resource with what Azure returned for it.

Resources are matched by (workspace, endpoint, deployment) name, case-insensitively, as Azure
treats those names; ARM ids are parsed case-insensitively. Only online endpoints and their
deployments take part; other resource types in a live bundle are out of scope. Live
resources in workspaces that no spec targets are out of scope too, so a fleet export can be
checked against a subset of specs without every other workspace looking unmanaged.

The subscription and resource group count as well wherever the spec's target names them
(`in_scope`): a workspace of the same name in another subscription (dev beside prod) or
resource group holds other resources, not the designed ones, so they can neither stand in
for a missing designed resource nor look unmanaged beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iac_gen.diagnostics import error
from iac_gen.drift import tables
from iac_gen.drift.asset_ids import ResourceKey, WorkspaceRef, parse_ml_id
from iac_gen.spec.model import Spec


@dataclass
class Designed:
    """One resource of the desired state, with the spec that declared it."""

    key: ResourceKey
    ws: WorkspaceRef | None
    body: Mapping[str, Any]
    spec: Spec
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (arm_path, reason)


@dataclass
class Pair:
    """A designed resource and its live body; either side may be absent."""

    key: ResourceKey
    kind: str  # endpoint | deployment | a companion kind (`tables.COMPANION_KINDS`)
    designed: Designed | None
    live: Mapping[str, Any] | None
    live_ws: WorkspaceRef | None = None
    not_checked: str | None = None  # reason, when the live side could not be read
    not_compared: str | None = None  # reason, when the live input cannot speak for it

    @property
    def resource_id(self) -> str:
        if self.designed is not None:
            return str(self.designed.body.get("id", ""))
        assert self.live is not None
        return str(self.live.get("id", ""))

    @property
    def ws(self) -> WorkspaceRef | None:
        return self.designed.ws if self.designed is not None else self.live_ws


def kind_of(body: Mapping[str, Any]) -> str | None:
    return tables.ML_KIND_OF_TYPE.get(str(body.get("type", "")).lower())


def _key_from_body(body: Mapping[str, Any]) -> tuple[WorkspaceRef | None, ResourceKey] | None:
    parsed = parse_ml_id(str(body.get("id", "")))
    if parsed is not None and parsed[1] is not None:
        return parsed[0], parsed[1]
    name = str(body.get("name", "")).lower().split("/")
    if len(name) in (2, 3):
        return None, ResourceKey(name[0], name[1], name[2] if len(name) == 3 else "")
    return None


def designed_resources(
    spec: Spec, resources: Iterable[Mapping[str, Any]], unresolved: Iterable[Any]
) -> list[Designed]:
    """The endpoint and deployments of one spec's desired state, keyed for matching."""
    notes: dict[str, list[tuple[str, str]]] = {}
    for item in unresolved:
        notes.setdefault(str(item.resource_id).lower(), []).append((item.arm_path, item.reason))
    out: list[Designed] = []
    for body in resources:
        if kind_of(body) is None:
            continue
        found = _key_from_body(body)
        if found is None:
            continue
        ws, key = found
        out.append(Designed(key, ws, body, spec, notes.get(str(body.get("id", "")).lower(), [])))
    return out


def in_scope(
    designed: Sequence[Designed], live: Iterable[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """`live` without the resources that sit in a targeted workspace's name but in another
    subscription or resource group than every spec targeting that workspace name.

    Endpoints and deployments are placed by their id, autoscale settings by the deployment
    they scale, diagnostic settings by the endpoint they sit on; resources that cannot be
    placed, or whose workspace no spec targets, are left for `match` to judge.
    """
    from iac_gen.drift.companions import placed_on

    scopes: dict[str, list[tuple[str | None, str | None]]] = {}
    for item in designed:
        target = item.spec.target
        wanted = (_lower(target.subscription), _lower(target.resource_group))
        scopes.setdefault(item.key.workspace, []).append(wanted)
    if not scopes:
        return list(live)
    kept: list[Mapping[str, Any]] = []
    for body in live:
        ws: WorkspaceRef | None = None
        if kind_of(body) is not None:
            found = _key_from_body(body)
            ws = found[0] if found is not None else None
        else:
            ws = placed_on(body)
        wanted_here = scopes.get(ws.workspace) if ws is not None else None
        if ws is not None and wanted_here is not None and not _compatible(ws, wanted_here):
            continue  # same workspace name, another subscription or resource group
        kept.append(body)
    return kept


def _compatible(ws: WorkspaceRef, wanted: list[tuple[str | None, str | None]]) -> bool:
    return any(
        (sub is None or sub == ws.subscription) and (rg is None or rg == ws.resource_group)
        for sub, rg in wanted
    )


def _lower(value: str | None) -> str | None:
    return value.strip().lower() if value and value.strip() else None


def match(
    designed: Sequence[Designed],
    live: Iterable[Mapping[str, Any]],
    not_checked: Iterable[Mapping[str, Any]],
) -> list[Pair]:
    """Pairs for every designed resource and every in-scope live resource, sorted by key."""
    pairs: dict[ResourceKey, Pair] = {}
    for item in designed:
        if item.key in pairs:
            other = pairs[item.key].designed
            assert other is not None
            raise error(
                "IAC430",
                f"{item.key.label} in workspace {item.key.workspace} is also declared in "
                f"{other.spec.source}",
                str(item.spec.source),
                1,
                1,
            )
        kind = "deployment" if item.key.deployment else "endpoint"
        pairs[item.key] = Pair(item.key, kind, item, None)
    workspaces = {key.workspace for key in pairs}
    for body in live:
        live_kind = kind_of(body)
        found = _key_from_body(body) if live_kind else None
        if live_kind is None or found is None:
            continue
        ws, key = found
        if key.workspace not in workspaces:
            continue
        pair = pairs.get(key)
        if pair is None:
            pairs[key] = Pair(key, live_kind, None, body, live_ws=ws)
        else:
            pair.live = body
            pair.live_ws = ws
    unread = _unread(not_checked)
    for key, pair in pairs.items():
        if pair.live is None:
            pair.not_checked = _unread_reason(unread, key) if unread else None
    return [pairs[k] for k in sorted(pairs, key=lambda k: (k.workspace, k.endpoint, k.deployment))]


def _unread(not_checked: Iterable[Mapping[str, Any]]) -> list[tuple[tuple[str, ...], str]]:
    """Prefixes (workspace[, endpoint[, deployment]]) of what could not be read."""
    out: list[tuple[tuple[str, ...], str]] = []
    for entry in not_checked:
        reason = str(entry.get("reason", "could not be read"))
        parsed = parse_ml_id(str(entry.get("id", "")))
        if parsed is None:
            out.append(((), reason))  # unknown scope: nothing can be trusted to be missing
            continue
        ws, key = parsed
        if key is None:
            out.append(((ws.workspace,), reason))
        elif key.deployment:
            out.append(((key.workspace, key.endpoint, key.deployment), reason))
        else:
            out.append(((key.workspace, key.endpoint), reason))
    return out


def _unread_reason(unread: list[tuple[tuple[str, ...], str]], key: ResourceKey) -> str | None:
    full = (key.workspace, key.endpoint, key.deployment)
    for prefix, reason in unread:
        if full[: len(prefix)] == prefix:
            return reason
    return None
