"""Every resource kind drift knows, as one table: how it is matched, shaped, judged and named.

A kind is the online endpoint, its deployments, or a companion the design emits beside them
(autoscale settings, diagnostic settings, metric alerts, role assignments). The steps of the
pipeline look a kind up here instead of asking which kind it is; where kinds genuinely differ
in code, the entry holds the function. Per kind (`Kind`):

- `arm_type`: its ARM type (live bodies may spell it in any casing);
- `key_fields`: the body fields its match key (`ResourceKey`) is read from - matched on, so
  server-owned and never compared (`tables.SERVER_OWNED`; a test holds the two together);
- `companions`: the companion kinds that attach to it, so a companion is keyed by the
  endpoint or the deployment it attaches to;
- `place`, `place_designed`, `choose`: how a live body finds its key, how a designed
  companion does, and which of several live candidates on one key is the designed one;
- `shape`: what of the body is compared (`shape.py`);
- `not_exported`: why it is never compared (`iac-gen export` does not read it), if so;
- `spec_field`, `fallback_is_resource`, `fill_field`: the spec field of the whole resource,
  whether ARM paths `tables.FIELD_RULES` does not name are reported under it (else under the
  path itself), and how a rule's field is completed (deployment name, schedule profile);
- `missing`, `unmanaged`, `noun`: the severity and category of a missing resource (the values
  live in `tables`, versioned by `NORMALISATION_VERSION`), the finding of an unmanaged one,
  and how a message names the kind;
- `label`: how reports name the resource (`endpoint/deployment/autoscale`, ...);
- `settles`, `reconcile`, `policies`, `traffic`, `runs_code`, `root`: what else applies - a
  provisioning state to wait for, the tables that need both sides, the intent policies
  (`policies.POLICIES`), the endpoint's traffic split, a code version judged by content
  hash (`code_assets`), and being the resource a spec is about.

Adding a kind is one entry here; `tests/drift/test_kinds.py` fails when the desired state or
a live reader produces a kind with no entry, or an entry nothing produces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from iac_gen import vocabulary
from iac_gen.drift import tables
from iac_gen.drift.asset_ids import ResourceKey, WorkspaceRef, canonical_arm_id, parse_ml_id
from iac_gen.drift.normalise import Path_, reconcile
from iac_gen.drift.shape import as_is, shape_autoscale, shape_diagnostics

if TYPE_CHECKING:
    from iac_gen.drift.match import Pair

Body = Mapping[str, Any]
Placed = tuple[WorkspaceRef | None, ResourceKey]
Candidate = tuple[WorkspaceRef | None, Body]
SeverityCategory = tuple[str, str]


# -- how a body finds its key ------------------------------------------------------------------
_INSIGHTS = "/providers/microsoft.insights/"


def ml_key(body: Body) -> Placed | None:
    """The endpoint or deployment a body is, by its id, else by its `ws/endpoint[/dep]` name."""
    parsed = parse_ml_id(str(body.get("id", "")))
    if parsed is not None and parsed[1] is not None:
        return parsed[0], parsed[1]
    name = str(body.get("name", "")).lower().split("/")
    if len(name) in (2, 3):
        return None, ResourceKey(name[0], name[1], name[2] if len(name) == 3 else "")
    return None


def endpoint_of(resource_id: str) -> tuple[WorkspaceRef, ResourceKey] | None:
    """The online endpoint an extension resource (`<endpoint id>/providers/...`) sits on."""
    head = resource_id.lower().split(_INSIGHTS, 1)[0].split("/providers/microsoft.authorization/")
    parsed = parse_ml_id(head[0])
    if parsed is None or parsed[1] is None or parsed[1].deployment:
        return None
    return parsed[0], parsed[1]


def target_of(body: Body) -> tuple[WorkspaceRef, ResourceKey] | None:
    """The deployment (or endpoint) an autoscale setting scales: never by name - a
    portal-made setting named differently still scales that deployment."""
    target = str((body.get("properties") or {}).get("targetResourceUri") or "")
    parsed = parse_ml_id(target)
    if parsed is None or parsed[1] is None:
        return None
    return parsed[0], parsed[1]


def _on_endpoint(body: Body) -> tuple[WorkspaceRef, ResourceKey] | None:
    return endpoint_of(str(body.get("id", "")))


def _designed_by_target(body: Body, endpoint: Placed | None) -> Placed | None:
    """A designed companion of a deployment names it (autoscale: `targetResourceUri`)."""
    return target_of(body)


def _designed_on_endpoint(body: Body, endpoint: Placed | None) -> Placed | None:
    """A designed companion of the endpoint belongs to its spec's endpoint (a metric alert's
    id does not name the endpoint at all)."""
    return endpoint


# -- which live candidate is the designed one ------------------------------------------------
def _one_per_target(body: Body, ordered: list[Candidate]) -> Candidate | None:
    return ordered[0]  # Azure Monitor allows one autoscale setting per target


def _by_name_or_destination(body: Body, ordered: list[Candidate]) -> Candidate | None:
    """By name, else by the Log Analytics workspace it sends to (the same destination under
    another name)."""
    name = str(body.get("name", "")).lower()
    for candidate in ordered:
        if str(candidate[1].get("name", "")).lower() == name:
            return candidate
    destination = canonical_arm_id(str((body.get("properties") or {}).get("workspaceId") or ""))
    for candidate in ordered:
        props = candidate[1].get("properties") or {}
        if destination and canonical_arm_id(str(props.get("workspaceId") or "")) == destination:
            return candidate
    return None


# -- spec fields -------------------------------------------------------------------------------
def _field_as_is(template: str, path: Path_, deployment: str) -> str:
    return template


def _field_of_deployment(template: str, path: Path_, deployment: str) -> str:
    return f"deployments.{deployment}.{template}"


def _field_of_autoscale(template: str, path: Path_, deployment: str) -> str:
    """Fill `{dep}`, `{profile}` and `{edge}`: a schedule's profiles map to its spec entry."""
    profile, edge = "", "start"
    if len(path) > 2 and path[:2] == ("properties", "profiles") and path[2] != "default":
        name = path[2]
        if name.endswith("-end"):
            name, edge = name[: -len("-end")], "end"
        profile = f"schedules.{name}."
    return (
        template.replace("{dep}", deployment).replace("{profile}", profile).replace("{edge}", edge)
    )


# -- labels --------------------------------------------------------------------------------------
def _ml_label(pair: Pair, deployment: str) -> str:
    """`endpoint` or `endpoint/deployment`, spelled as the spec (or Azure) spells them."""
    if pair.designed is not None:
        endpoint = pair.designed.spec.endpoint.name
        return f"{endpoint}/{deployment}" if pair.key.deployment else endpoint
    name = str((pair.live or {}).get("name", "")).split("/")[-1] or pair.key.deployment
    return f"{pair.key.endpoint}/{name}" if pair.key.deployment else (name or pair.key.endpoint)


def _companion_label(template: str, pair: Pair, deployment: str) -> str:
    """The endpoint (as the spec spells it), then the companion's own part of the label."""
    endpoint = pair.designed.spec.endpoint.name if pair.designed is not None else pair.key.endpoint
    body = pair.designed.body if pair.designed is not None else pair.live or {}
    name = str(body.get("name", "")).split("/")[-1]
    return template.format(endpoint=endpoint, deployment=deployment, name=name)


# -- unmanaged resources: (severity, category) and the message ------------------------------
def _live_name(pair: Pair) -> str:
    return str((pair.live or {}).get("name", ""))


def _destination(body: Body | None) -> str:
    props = (body or {}).get("properties") or {}
    for key in ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId"):
        if props.get(key):
            return str(props[key])
    return "an unknown destination"


def _unmanaged_endpoint(pair: Pair, label: str, share: int) -> tuple[SeverityCategory, str]:
    return tables.UNMANAGED_ENDPOINT, f"endpoint {label} exists in Azure but no spec declares it"


def _unmanaged_deployment(pair: Pair, label: str, share: int) -> tuple[SeverityCategory, str]:
    """A deployment taking traffic is high severity: requests reach code nobody designed."""
    text = f"deployment {label} exists in Azure but not in the design"
    if share:
        text += f"; it takes {share}% of the endpoint's traffic"
    return (tables.UNMANAGED_WITH_TRAFFIC if share else tables.UNMANAGED_WITHOUT_TRAFFIC), text


def _unmanaged_autoscale(pair: Pair, label: str, share: int) -> tuple[SeverityCategory, str]:
    return tables.UNMANAGED_AUTOSCALE, (
        f"autoscale setting {_live_name(pair)} scales {pair.key.label} "
        "in Azure but is not part of the design"
    )


def _unmanaged_diagnostics(pair: Pair, label: str, share: int) -> tuple[SeverityCategory, str]:
    return tables.UNMANAGED_DIAGNOSTICS, (
        f"diagnostic setting {_live_name(pair)} on {pair.key.endpoint} "
        f"sends logs to {_destination(pair.live)} but is not part of the design"
    )


# -- the table -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """One resource kind; see the module docstring for what each field decides."""

    arm_type: str
    key_fields: tuple[str, ...]
    place: Callable[[Body], Placed | None]
    spec_field: str  # `{dep}`: the deployment's name
    fill_field: Callable[[str, Path_, str], str]
    label: Callable[[Pair, str], str]
    companions: tuple[str, ...] = ()
    place_designed: Callable[[Body, Placed | None], Placed | None] | None = None  # companions
    choose: Callable[[Body, list[Candidate]], Candidate | None] | None = None  # compared ones
    shape: Callable[[Body], Body] = as_is
    not_exported: str | None = None
    fallback_is_resource: bool = False
    missing: SeverityCategory | None = None  # None: never compared, so never missing
    unmanaged: Callable[[Pair, str, int], tuple[SeverityCategory, str]] | None = None
    noun: str = ""  # in "<noun> <label> is in the design but does not exist in Azure"
    settles: bool = False
    reconcile: Callable[..., dict[Path_, str]] | None = None
    policies: tuple[str, ...] = ()
    traffic: bool = False
    runs_code: bool = False
    root: bool = False


_ML_KEY = ("id", "name")
_NOT_EXPORTED = "not exported by iac-gen export"

KINDS: dict[str, Kind] = {
    "endpoint": Kind(
        arm_type=vocabulary.ENDPOINT_TYPE,
        key_fields=_ML_KEY,
        place=ml_key,
        companions=("diagnostics", "alert", "role_assignment"),
        spec_field="name",
        fill_field=_field_as_is,
        label=_ml_label,
        missing=tables.MISSING_ENDPOINT,
        unmanaged=_unmanaged_endpoint,
        noun="endpoint",
        settles=True,
        reconcile=reconcile,
        policies=("traffic",),
        traffic=True,
        root=True,
    ),
    "deployment": Kind(
        arm_type=vocabulary.DEPLOYMENT_TYPE,
        key_fields=_ML_KEY,
        place=ml_key,
        companions=("autoscale",),
        spec_field="deployments.{dep}",
        fill_field=_field_of_deployment,
        label=_ml_label,
        missing=tables.MISSING_DEPLOYMENT,
        unmanaged=_unmanaged_deployment,
        noun="deployment",
        settles=True,
        reconcile=reconcile,
        policies=("instance_count",),
        runs_code=True,
    ),
    "autoscale": Kind(
        arm_type=vocabulary.AUTOSCALE_TYPE,
        key_fields=("properties.targetResourceUri",),
        place=target_of,
        place_designed=_designed_by_target,
        choose=_one_per_target,
        shape=shape_autoscale,
        spec_field="autoscale.{dep}",
        fallback_is_resource=True,
        fill_field=_field_of_autoscale,
        label=partial(_companion_label, "{endpoint}/{deployment}/autoscale"),
        missing=tables.MISSING_AUTOSCALE,
        unmanaged=_unmanaged_autoscale,
        noun="autoscale setting",
    ),
    "diagnostics": Kind(
        arm_type=vocabulary.DIAGNOSTICS_TYPE,
        key_fields=("id",),  # the endpoint it sits on; then by name or destination
        place=_on_endpoint,
        place_designed=_designed_on_endpoint,
        choose=_by_name_or_destination,
        shape=shape_diagnostics,
        spec_field="monitoring.log_analytics_workspace",
        fallback_is_resource=True,
        fill_field=_field_as_is,
        label=partial(_companion_label, "{endpoint}/diagnostics/{name}"),
        missing=tables.MISSING_DIAGNOSTICS,
        unmanaged=_unmanaged_diagnostics,
        noun="diagnostic setting (endpoint logs to Log Analytics)",
    ),
    "alert": Kind(
        arm_type=vocabulary.ALERT_TYPE,
        key_fields=("id",),
        place=_on_endpoint,
        place_designed=_designed_on_endpoint,
        not_exported=_NOT_EXPORTED,
        spec_field="monitoring.alerts",
        fallback_is_resource=True,
        fill_field=_field_as_is,
        label=partial(_companion_label, "{endpoint}/alerts/{name}"),
    ),
    "role_assignment": Kind(
        arm_type=vocabulary.ROLE_ASSIGNMENT_TYPE,
        key_fields=("id",),
        place=_on_endpoint,
        place_designed=_designed_on_endpoint,
        not_exported=_NOT_EXPORTED,
        spec_field="access.scorers",
        fallback_is_resource=True,
        fill_field=_field_as_is,
        label=partial(_companion_label, "{endpoint}/roleAssignments/{name}"),
    ),
}

# Companion kind -> the kind it attaches to; the others are the endpoint and its deployments.
HOSTS: dict[str, str] = {c: name for name, kind in KINDS.items() for c in kind.companions}
ML_KINDS: tuple[str, ...] = tuple(name for name in KINDS if name not in HOSTS)
# Lower-case ARM type -> kind, for the endpoint and its deployments, and for the companions.
ML_KIND_OF_TYPE: dict[str, str] = {KINDS[k].arm_type.lower(): k for k in ML_KINDS}
COMPANION_KINDS: dict[str, str] = {KINDS[k].arm_type.lower(): k for k in HOSTS}
_KIND_OF_TYPE: dict[str, str] = {kind.arm_type.lower(): name for name, kind in KINDS.items()}
# The companion kinds a live input can hold at all (`iac-gen export` reads them).
EXPORTED_COMPANIONS: tuple[str, ...] = tuple(k for k in HOSTS if KINDS[k].not_exported is None)


def companion_kind(body: Body) -> str | None:
    return COMPANION_KINDS.get(str(body.get("type", "")).lower())


def kind_of_any(body: Body) -> str | None:
    """The kind of any body drift knows (endpoint, deployment or companion), else None."""
    return _KIND_OF_TYPE.get(str(body.get("type", "")).lower())
