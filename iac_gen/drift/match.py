"""Pair each designed resource with what Azure returned for it.

Resources are matched by (workspace, endpoint, deployment) name, case-insensitively, as Azure
treats those names, within the subscription and resource group their ids name
(`ResourceKey.scope`); ARM ids are parsed case-insensitively. Online endpoints and their
deployments are paired by that key (`match`), their companions after them (below); other
resource types in a live bundle are out of scope. Live
resources in workspaces that no spec targets are out of scope too, so a fleet export can be
checked against a subset of specs without every other workspace looking unmanaged. A live
body that names only its workspace (no id) is placed in the one scope designed under that
name.

The subscription and resource group count as well wherever the spec's target names them
(`in_scope`): a workspace of the same name in another subscription (dev beside prod) or
resource group holds other resources, not the designed ones, so they can neither stand in
for a missing designed resource nor look unmanaged beside it. When specs target both, each
is matched with its own: one fleet run keeps them apart as shards by subscription do.

The companions of an endpoint (`kinds.HOSTS`) are paired here too, keyed by what they attach
to, each kind by its own entry in `kinds.KINDS` (`place`, `place_designed`, `choose`):

- Autoscale settings are matched by `targetResourceUri` (the deployment id, any casing),
  never by name: a portal-made setting named differently still scales that deployment.
- Diagnostic settings are matched on the endpoint they attach to, by name, else by the Log
  Analytics workspace they send to (the same destination under another name).
- Whether a live input can say a companion is *missing* is decided for the whole input
  (`live_reads`): an export bundle reads both types; any other shape only when it holds
  bodies of that type (an `az ml ... show` output or plain endpoint bodies say nothing about
  Azure Monitor). Otherwise every designed property is listed as not comparable, and the
  run's status is not affected. Alerts and role assignments are never exported, so the same
  applies.

A designed endpoint or deployment whose live body is not settled (`provisioningState` other
than `Succeeded`) is `not_checked` with that reason (`unsettled_reason`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iac_gen.diagnostics import error
from iac_gen.drift import tables
from iac_gen.drift.asset_ids import ResourceKey, WorkspaceRef, parse_ml_id
from iac_gen.drift.kinds import (
    EXPORTED_COMPANIONS,
    KINDS,
    ML_KIND_OF_TYPE,
    Candidate,
    companion_kind,
    kind_of_any,
)
from iac_gen.spec.model import Spec

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun


@dataclass
class Designed:
    """One resource of the desired state, with the spec that declared it."""

    key: ResourceKey
    kind: str  # a key of `kinds.KINDS`
    ws: WorkspaceRef | None
    body: Mapping[str, Any]
    spec: Spec
    unresolved: Sequence[tuple[str, str]] = field(default_factory=list)  # (arm_path, reason)


@dataclass
class Pair:
    """A designed resource and its live body; either side may be absent."""

    key: ResourceKey
    kind: str  # a key of `kinds.KINDS`: endpoint, deployment or a companion
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
    """`endpoint` or `deployment` by ARM type (any casing); None for anything else."""
    return ML_KIND_OF_TYPE.get(str(body.get("type", "")).lower())


def designed_resources(
    spec: Spec, resources: Iterable[Mapping[str, Any]], unresolved: Iterable[Any]
) -> list[Designed]:
    """The endpoint and deployments of one spec's desired state, keyed for matching."""
    notes: dict[str, list[tuple[str, str]]] = {}
    for item in unresolved:
        notes.setdefault(str(item.resource_id).lower(), []).append((item.arm_path, item.reason))
    out: list[Designed] = []
    for body in resources:
        kind = kind_of(body)
        found = KINDS[kind].place(body) if kind is not None else None
        if kind is None or found is None:
            continue
        ws, key = found
        unresolved_here = notes.get(str(body.get("id", "")).lower(), [])
        out.append(Designed(key, kind, ws, body, spec, unresolved_here))
    return out


def in_scope(
    designed: Sequence[Designed],
    live: Iterable[Mapping[str, Any]],
    placed: dict[int, Any] | None = None,
) -> list[Mapping[str, Any]]:
    """`live` without the resources that sit in a targeted workspace's name but in another
    subscription or resource group than every spec targeting that workspace name.

    Endpoints and deployments are placed by their id, autoscale settings by the deployment
    they scale, diagnostic settings by the endpoint they sit on; resources that cannot be
    placed, or whose workspace no spec targets, are left for `match` to judge. Given
    `placed`, each kept body's (kind, place) is noted there by `id(body)`, for `match` to reuse
    (a fleet's 40,000 ids parsed once, not twice).
    """
    scopes: dict[str, list[tuple[str | None, str | None]]] = {}
    for item in designed:
        target = item.spec.target
        wanted = (_lower(target.subscription), _lower(target.resource_group))
        scopes.setdefault(item.key.workspace, []).append(wanted)
    if not scopes:
        return list(live)
    kept: list[Mapping[str, Any]] = []
    for body in live:
        kind = kind_of_any(body)
        found = KINDS[kind].place(body) if kind is not None else None
        ws = found[0] if found is not None else None
        wanted_here = scopes.get(ws.workspace) if ws is not None else None
        if ws is not None and wanted_here is not None and not _compatible(ws, wanted_here):
            continue  # same workspace name, another subscription or resource group
        kept.append(body)
        if placed is not None:
            placed[id(body)] = (kind, found)
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
    placed: Mapping[int, Any] | None = None,
) -> list[Pair]:
    """Pairs for every designed resource and every in-scope live resource, sorted by key;
    `placed` holds the places `in_scope` found, by `id(body)`."""
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
        pairs[item.key] = Pair(item.key, item.kind, item, None)
    scopes: dict[str, set[str]] = {}  # workspace name -> the scopes designed in it
    for key in pairs:
        scopes.setdefault(key.workspace, set()).add(key.scope)
    for body in live:
        live_kind = kind_of(body)
        if live_kind is None:
            continue
        noted = placed.get(id(body)) if placed else None
        found = noted[1] if noted and noted[0] == live_kind else KINDS[live_kind].place(body)
        if found is None:
            continue
        ws, key = found
        designed_scopes = scopes.get(key.workspace)
        if designed_scopes is None:
            continue
        if not key.scope and len(designed_scopes) == 1:
            # a body that names only its workspace (no id): in the one scope designed there
            key = key._replace(scope=next(iter(designed_scopes)))
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
    return [
        pairs[k]
        for k in sorted(pairs, key=lambda k: (k.workspace, k.endpoint, k.deployment, k.scope))
    ]


def _unread(not_checked: Iterable[Mapping[str, Any]]) -> list[tuple[tuple[str, ...], str]]:
    """Prefixes (scope, workspace[, endpoint[, deployment]]) of what could not be read."""
    out: list[tuple[tuple[str, ...], str]] = []
    for entry in not_checked:
        reason = str(entry.get("reason", "could not be read"))
        parsed = parse_ml_id(str(entry.get("id", "")))
        if parsed is None:
            out.append(((), reason))  # unknown scope: nothing can be trusted to be missing
            continue
        ws, key = parsed
        if key is None:
            out.append(((f"{ws.subscription}/{ws.resource_group}", ws.workspace), reason))
        elif key.deployment:
            out.append(((key.scope, key.workspace, key.endpoint, key.deployment), reason))
        else:
            out.append(((key.scope, key.workspace, key.endpoint), reason))
    return out


def _unread_reason(unread: list[tuple[tuple[str, ...], str]], key: ResourceKey) -> str | None:
    full = (key.scope, key.workspace, key.endpoint, key.deployment)
    for prefix, reason in unread:
        if full[: len(prefix)] == prefix:
            return reason
    return None


# -- the companions ------------------------------------------------------------------------------
def live_reads(live: Any) -> frozenset[str]:
    """The compared companion kinds this live input can vouch for (present or missing)."""
    if getattr(live, "format", "") == "bundle":
        return frozenset(EXPORTED_COMPANIONS)
    found = set()
    for body in getattr(live, "resources", ()):
        kind = companion_kind(body)
        if kind in EXPORTED_COMPANIONS:
            found.add(kind)
            if len(found) == len(EXPORTED_COMPANIONS):
                break
    return frozenset(found)


def designed_companions(spec: Spec, resources: Iterable[Mapping[str, Any]]) -> list[Designed]:
    """The companion resources of one spec's desired state, keyed by what they attach to."""
    bodies = list(resources)
    endpoint: tuple[WorkspaceRef | None, ResourceKey] | None = None
    for body in bodies:
        kind = kind_of(body)
        if kind is not None and KINDS[kind].root:
            parsed = parse_ml_id(str(body.get("id", "")))
            if parsed is not None and parsed[1] is not None:
                endpoint = parsed[0], parsed[1]
    out: list[Designed] = []
    for body in bodies:
        kind = companion_kind(body)
        place = KINDS[kind].place_designed if kind is not None else None
        found = place(body, endpoint) if place is not None else None
        if kind is None or found is None:
            continue
        out.append(Designed(found[1], kind, found[0], body, spec))
    return out


def match_companions(
    designed: Sequence[Designed],
    live: Iterable[Mapping[str, Any]],
    ml_pairs: Sequence[Pair],
    not_checked: Iterable[Mapping[str, Any]],
    reads: frozenset[str],
) -> list[Pair]:
    """Pairs for designed companions and for unmanaged ones on designed endpoints."""
    endpoints = {p.key.endpoint_key for p in ml_pairs if p.designed and KINDS[p.kind].root}
    if not endpoints:
        return []
    by_target: dict[tuple[str, ResourceKey], list[Candidate]] = {}
    if reads:
        for body in live:
            kind = companion_kind(body)
            if kind is None or kind not in reads:
                continue
            found = KINDS[kind].place(body)
            if found is None or found[1].endpoint_key not in endpoints:
                continue
            by_target.setdefault((kind, found[1]), []).append((found[0], body))
    ml_reasons = {p.key: p.not_checked for p in ml_pairs if p.not_checked}
    unread = [
        (str(e.get("id", "")).lower(), str(e.get("reason", ""))) for e in not_checked if e.get("id")
    ]
    pairs: list[Pair] = []
    for item in designed:
        pair = Pair(item.key, item.kind, item, None)
        pairs.append(pair)
        not_exported = KINDS[item.kind].not_exported
        if not_exported is not None:
            pair.not_compared = not_exported
            continue
        if item.kind not in reads:
            pair.not_compared = tables.NOT_IN_LIVE_INPUT
            continue
        candidates = by_target.get((item.kind, item.key), [])
        chosen = _choose(item.kind, item.body, candidates)
        if chosen is not None:
            candidates.remove(chosen)
            pair.live_ws, pair.live = chosen
            continue
        pair.not_checked = _why_unread(item, ml_reasons, unread)
    for (kind, key), rest in sorted(by_target.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        for ws, body in sorted(rest, key=lambda wb: str(wb[1]["id"]).lower()):
            pairs.append(Pair(key, kind, None, body, live_ws=ws))
    return pairs


def _choose(kind: str, body: Mapping[str, Any], candidates: list[Candidate]) -> Candidate | None:
    """Which live candidate on the designed companion's key is it (`Kind.choose`), if any."""
    choose = KINDS[kind].choose
    if not candidates or choose is None:
        return None
    return choose(body, sorted(candidates, key=lambda wb: str(wb[1]["id"]).lower()))


def _why_unread(
    item: Designed,
    ml_reasons: Mapping[ResourceKey, str | None],
    unread: list[tuple[str, str]],
) -> str | None:
    """Why a designed companion absent from the live state may exist after all, if so."""
    key = item.key
    for candidate in (key, key._replace(deployment="")):
        reason = ml_reasons.get(candidate)
        if reason:
            return reason
    rid = str(item.body.get("id", "")).lower()
    for prefix, reason in unread:
        if rid.startswith(prefix):  # e.g. the autoscale or diagnostic settings listing failed
            return reason
    return None


# -- the step ------------------------------------------------------------------------------------
def unsettled_reason(body: Mapping[str, Any]) -> str | None:
    """Why a live body is not the settled state, or None when it is (`Succeeded`, or no
    provisioning state at all: a shape that does not carry it)."""
    props = body.get("properties")
    state = props.get("provisioningState") if isinstance(props, Mapping) else None
    if not isinstance(state, str) or not state:
        return None
    settled = {s.lower() for s in tables.SETTLED_STATES}
    if state.lower() in settled:
        return None
    known = {k.lower(): (k, why) for k, why in tables.UNSETTLED_STATES.items()}
    name, why = known.get(state.lower(), (state, "not a settled state"))
    return f"provisioningState {name}: {why}"


def step_match(run: DriftRun) -> None:
    """Pair designed and live resources; an unsettled live body is not the state to compare."""
    placed: dict[int, Any] = {}  # by id(body): the bodies are held by `live` meanwhile
    live = in_scope(run.designed, run.live_resources, placed)  # same names elsewhere: not ours
    run.pairs = match(run.designed, live, run.live_not_checked, placed)
    for pair in run.pairs:
        if pair.designed is None or pair.live is None or not KINDS[pair.kind].settles:
            continue
        reason = unsettled_reason(pair.live)
        if reason is not None:
            pair.not_checked = reason
            run.errors.append({"resource": str(pair.live.get("id", "")), "reason": reason})
    if run.companions or run.live_reads:
        run.pairs.extend(
            match_companions(
                run.companions,
                live,
                run.pairs,
                run.live_not_checked,
                run.live_reads,
            )
        )
