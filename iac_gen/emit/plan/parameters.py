"""The template's parameters: which values become one, their names, defaults and help.

A value is a parameter where a deployment needs it to vary: the workspace and location,
values an environment overlay changes (the default is the base value, each environment's
value goes to its parameters file), `sku.capacity` of an autoscaled deployment (autoscale
moves it at run time), the endpoint's traffic maps (a rollout step is a parameters file),
values the desired state cannot know (a required parameter), and the switch for teams that
register code or models themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iac_gen.desired import DesiredState, Unresolved
from iac_gen.desired.ids import Scope
from iac_gen.desired.state import AssetUse
from iac_gen.emit.plan.environments import States
from iac_gen.emit.plan.paths import Path, dotted, get_path, has_path, leaf_diffs
from iac_gen.vocabulary import AUTOSCALE_TYPE, DEPLOYMENT_TYPE, ENDPOINT_TYPE

WORKSPACE_PARAM = "workspaceName"
LOCATION_PARAM = "location"
ENDPOINT_EXISTS_PARAM = "endpointExists"

# A parameter that carries one value of one resource: (resource id, path into its body).
Key = tuple[str, Path]


@dataclass
class Parameter:
    name: str
    type: str  # string | int | bool | object | array
    description: str
    default: Any = None
    required: bool = False  # no default: the caller must supply it
    values: dict[str, Any] = field(default_factory=dict)  # environment -> value
    env_var: str | None = None  # where a .bicepparam reads a required value from
    in_files: bool = True  # False: set at deploy time, never written to parameter files
    binds: Key | None = None  # (resource id, path) whose value it carries


class Names:
    """Unique parameter names."""

    def __init__(self) -> None:
        self.taken = {WORKSPACE_PARAM, LOCATION_PARAM, ENDPOINT_EXISTS_PARAM}

    def make(self, base: str) -> str:
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name


def _camel(parts: Sequence[str]) -> str:
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    if not words:
        return "value"
    name = words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])
    return name if name[0].isalpha() else "p" + name


def _param_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _label(res: Mapping[str, Any], endpoint: str) -> str:
    rtype = res["type"]
    short = res["name"].rsplit("/", 1)[-1]
    if rtype == ENDPOINT_TYPE:
        return "endpoint"
    if rtype == DEPLOYMENT_TYPE:
        return short
    if rtype.endswith("autoscalesettings"):
        return short.removeprefix(f"{endpoint}-")
    if rtype.endswith("metricAlerts"):
        return "alert-" + short.removeprefix(f"{endpoint}-")
    if rtype.endswith("roleAssignments"):
        return "scorer-" + str(res["properties"]["principalId"])
    return short


def _path_words(res: Mapping[str, Any], path: Path) -> list[str]:
    words: list[str] = []
    node: Any = res
    for i, key in enumerate(path):
        nxt = node[key]
        if isinstance(key, int):
            if isinstance(nxt, Mapping) and "name" in nxt:
                words[-1:] = [str(nxt["name"])]  # `profiles.0` -> the profile's own name
            else:
                words.append(str(key))
        elif not (i == 0 and key == "properties"):
            words.append(key)
        node = nxt
    return words


def fixed_parameters(scope: Scope, states: States, has_traffic: bool) -> list[Parameter]:
    """The parameters every template has: workspace, location and `endpointExists`."""
    return [
        Parameter(
            WORKSPACE_PARAM,
            "string",
            "Azure ML workspace that holds the endpoint.",
            scope.workspace,
            values={e: s.workspace for e, (s, _) in states.items()},
        ),
        Parameter(
            LOCATION_PARAM,
            "string",
            "Azure region of the endpoint (the workspace's region).",
            scope.location,
            values={e: s.location for e, (s, _) in states.items()},
        ),
        _endpoint_exists_parameter(has_traffic),
    ]


def _endpoint_exists_parameter(has_traffic: bool) -> Parameter:
    """Set by the pipeline at deploy time (`az ml online-endpoint show` succeeds -> true)."""
    if has_traffic:
        text = (
            "Set true when the endpoint already exists (az ml online-endpoint show finds it): "
            "the first endpoint PUT, which has no traffic and would take live traffic away "
            "from every deployment, is skipped; the deployments update in place and the final "
            "step PUTs the whole endpoint with its traffic. Leave false for the first "
            "deployment. Parameter files leave it at this default; pass "
            "endpointExists=true at deploy time."
        )
    else:
        text = (
            "Set true when the endpoint already exists (az ml online-endpoint show finds it). "
            "No effect in this template: the endpoint sets no traffic, so its single PUT "
            "carries the whole endpoint. Parameter files leave it at this default; pass "
            "endpointExists=true at deploy time."
        )
    return Parameter(ENDPOINT_EXISTS_PARAM, "bool", text, False, in_files=False)


_CAPACITY: Path = ("sku", "capacity")
_RUN_TIME_NOTE = (
    "set by autoscale at run time: pass the live value when redeploying "
    "(iac-gen plan --write-params)"
)


def _autoscaled_capacities(base: DesiredState) -> list[Key]:
    """`sku.capacity` of every deployment an autoscale setting of this spec targets.

    Autoscale moves it at run time, and a redeploy that writes the designed count would scale
    the deployment down under load; as a parameter, the pipeline can pass what runs.
    """
    by_id = {str(r["id"]).lower(): str(r["id"]) for r in base.resources}
    out: list[Key] = []
    for res in base.resources:
        if str(res.get("type", "")).lower() != AUTOSCALE_TYPE.lower():
            continue
        target = str((res.get("properties") or {}).get("targetResourceUri", "")).lower()
        if target in by_id and has_path(
            next(r for r in base.resources if r["id"] == by_id[target]), _CAPACITY
        ):
            out.append((by_id[target], _CAPACITY))
    return out


TRAFFIC: Path = ("properties", "traffic")
MIRROR_TRAFFIC: Path = ("properties", "mirrorTraffic")
_TRAFFIC_NOTE = (
    "percent of requests per deployment: iac-gen rollout writes one parameters file per "
    "step of a blue/green shift"
)


def traffic_paths(base: DesiredState) -> list[Key]:
    """The endpoint's `traffic` and `mirrorTraffic`, as whole objects, when it routes any.

    A staged rollout changes only these between steps; as parameters, each step is a
    parameters file for the same template. Mirror traffic is a parameter only where the spec
    mirrors: a template that wrote `mirrorTraffic: {}` into every endpoint would deploy a
    field the design never set (and Kubernetes endpoints take none). An endpoint that routes
    nothing has a single PUT and no traffic parameter.
    """
    endpoint = next((r for r in base.resources if r["type"] == ENDPOINT_TYPE), None)
    if endpoint is None:
        return []
    props = endpoint.get("properties") or {}
    if not (props.get("traffic") or props.get("mirrorTraffic")):
        return []
    out = [(str(endpoint["id"]), TRAFFIC)]
    if props.get("mirrorTraffic"):
        out.append((str(endpoint["id"]), MIRROR_TRAFFIC))
    return out


def _without_traffic(body: Mapping[str, Any], drop: set[str]) -> dict[str, Any]:
    """A resource's envelope for comparing environments, without the `properties` keys in
    `drop`: the traffic maps that are parameters of their own (so an overlay that changes a
    split does not become a parameter of its own)."""
    out = {k: v for k, v in body.items() if k not in ("id", "name", "type", "apiVersion")}
    if drop and isinstance(out.get("properties"), Mapping):
        out["properties"] = {k: v for k, v in out["properties"].items() if k not in drop}
    return out


def _value_or_empty(data: Any, path: Path) -> Any:
    """A traffic map, or `{}` where the body routes none (PUT without it: none either)."""
    return get_path(data, path) if has_path(data, path) else {}


@dataclass
class _Found:
    """Values that become parameters, each environment's value, in the order first seen."""

    values: dict[Key, dict[str, Any]] = field(default_factory=dict)
    order: list[Key] = field(default_factory=list)
    varying: set[Key] = field(default_factory=set)  # an environment sets another value

    def add(self, key: Key, values: dict[str, Any]) -> None:
        self.values[key] = values
        self.order.append(key)


def _overlay_values(found: _Found, base: DesiredState, states: States, routes: list[Key]) -> None:
    """Every value an environment overlay changes, outside the traffic maps."""
    by_id = {r["id"]: r for r in base.resources}
    routed: dict[str, set[str]] = {}
    for rid, path in routes:
        routed.setdefault(rid, set()).add(str(path[1]))
    for env, (_scope, state) in states.items():
        for res in state.resources:
            original = by_id.get(res["id"])
            if original is None:
                continue
            drop = routed.get(res["id"], set())
            for path in leaf_diffs(_without_traffic(original, drop), _without_traffic(res, drop)):
                key = (res["id"], path)
                if key not in found.values:
                    found.add(key, {})
                found.values[key][env] = get_path(res, path) if has_path(res, path) else None
    found.varying = set(found.values)


def _run_time_values(found: _Found, states: States, run_time: list[Key]) -> None:
    """Autoscaled capacities no overlay changes: each environment's (base) value."""
    for key in run_time:
        if key not in found.values:
            found.add(
                key,
                {
                    env: get_path(res, key[1])
                    for env, (_scope, state) in states.items()
                    for res in state.resources
                    if res["id"] == key[0] and has_path(res, key[1])
                },
            )


def _route_values(found: _Found, base: DesiredState, states: States, routes: list[Key]) -> None:
    """The traffic maps, whether or not an environment changes them."""
    by_id = {r["id"]: r for r in base.resources}
    for key in routes:
        values = {
            env: _value_or_empty(res, key[1])
            for env, (_scope, state) in states.items()
            for res in state.resources
            if res["id"] == key[0]
        }
        if any(v != _value_or_empty(by_id[key[0]], key[1]) for v in values.values()):
            found.varying.add(key)
        found.add(key, values)


def overlay_parameters(
    base: DesiredState, states: States, endpoint: str, names: Names
) -> dict[Key, Parameter]:
    """A parameter for each value that overlays change, autoscale moves, or a rollout routes,
    ordered by resource then path (the order names are made in, so names are stable)."""
    found = _Found()
    routes = traffic_paths(base)
    run_time = _autoscaled_capacities(base)
    _overlay_values(found, base, states, routes)
    _run_time_values(found, states, run_time)
    _route_values(found, base, states, routes)
    notes = {key: [_RUN_TIME_NOTE] for key in run_time}
    for key in routes:
        notes.setdefault(key, []).append(_TRAFFIC_NOTE)
    by_id = {r["id"]: r for r in base.resources}
    index = {r["id"]: i for i, r in enumerate(base.resources)}
    params: dict[Key, Parameter] = {}
    for key in sorted(found.order, key=lambda k: (index[k[0]], [str(p) for p in k[1]])):
        res = by_id[key[0]]
        default = get_path(res, key[1]) if has_path(res, key[1]) else None
        if key in routes and default is None:
            default = {}  # no mirror traffic: the parameter's default routes none
        values = found.values[key]
        params[key] = Parameter(
            name=names.make(_camel(_words(res, key[1], endpoint))),
            type=_param_type(default if default is not None else next(iter(values.values()))),
            description=f"{dotted(key[1])} of {res['name']} ("
            + "; ".join(
                [*(["varies by environment"] if key in found.varying else []), *notes.get(key, [])]
            )
            + ")",
            default=default,
            values={env: values.get(env, default) for env in states},
            binds=key,
        )
    return params


def _words(res: Mapping[str, Any], path: Path, endpoint: str) -> list[str]:
    """The words a parameter's name is made of: the resource's label, then the path's."""
    if has_path(res, path):
        return [_label(res, endpoint), *_path_words(res, path)]
    return [_label(res, endpoint), *(str(p) for p in path[1:])]


def unresolved_parameter(item: Unresolved, base: DesiredState, names: Names) -> Parameter:
    """A required parameter for a value the desired state cannot know (an upload's URI)."""
    res = next(r for r in base.resources if r["id"] == item.resource_id)
    label = res["name"].rsplit("/", 1)[-1]
    leaf = item.arm_path.rsplit(".", 1)[-1]
    name = names.make(item.parameter or _camel([label, leaf]))
    return Parameter(
        name=name,
        type="string",
        description=f"{item.arm_path} of {res['name']}: {item.reason}",
        required=True,
        env_var=re.sub(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", "_", name).upper(),
    )


def asset_id_parameter(use: AssetUse, names: Names) -> Parameter:
    """The switch for teams that register code or models themselves
    (`expressions.asset_switch`)."""
    what = "code folder" if use.arm_path.endswith("codeId") else "model"
    return Parameter(
        name=names.make(use.id_parameter),
        type="string",
        description=(
            f"Leave empty: the template registers the local {what} {use.path} (uploaded first, "
            "see iac-gen assets) and deploys it. Teams that register it themselves pass the "
            "asset version's ARM id here: it is deployed instead, and no asset version is "
            "registered for it (its URI parameter is then not read; pass an empty string)."
        ),
        default="",
    )
