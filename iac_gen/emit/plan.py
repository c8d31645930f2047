"""The deployment plan both emitters render: parameters, and resources in deployment order.

Built from the desired state (never from raw YAML). Concrete values become expressions only
where a deployment needs them to vary: the workspace and location, values an environment
overlay changes (each a parameter whose default is the base value), ids of resources in the
same resource group (`resourceId(...)` so a different workspace parameter still works) and
values the desired state cannot know (where a local folder was uploaded: a required parameter).

Local code folders and model paths become asset versions the template registers before the
deployments that use them (`iac_gen.desired.asset_versions`). The switch for teams that
register assets themselves is a deploy-time parameter, not a compile option, so one template
serves both: `<deployment>CodeId` / `<deployment>ModelId` default to empty, and the deployment
then uses the registered version; a caller who passes an id gets that id deployed, and the
asset version is skipped (a condition) unless another deployment still needs it.

Order: the endpoint without traffic, the deployments one at a time, then a nested
deployment that PUTs the endpoint again with traffic (traffic can only name deployments that
exist), then the monitoring and access companions.

The first, traffic-less endpoint PUT is only for creating the endpoint: over a live endpoint
it would take traffic away from every deployment until the last step. It carries a
condition on the `endpointExists` parameter, which the pipeline sets when the endpoint
already exists; the deployments then update in place and the final PUT carries the whole
endpoint. Bicep references the endpoint through an `existing` declaration, so nothing
depends on the conditional resource except through explicit `dependsOn`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from iac_gen.desired import DesiredState, Unresolved, desired_state, require_target
from iac_gen.desired.ids import DEPLOYMENT_TYPE, ENDPOINT_TYPE, Scope
from iac_gen.desired.state import AssetUse
from iac_gen.emit.values import Expr, arm_string, bicep_string, param_ref
from iac_gen.spec.model import Spec

WORKSPACE_PARAM = "workspaceName"
LOCATION_PARAM = "location"
ENDPOINT_EXISTS_PARAM = "endpointExists"
CREATE_ENDPOINT = "createEndpoint"  # symbol of the conditional, traffic-less endpoint PUT
NESTED_DEPLOYMENT_TYPE = "Microsoft.Resources/deployments"
NESTED_DEPLOYMENT_API = "2022-09-01"
TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
# Workspace assets the template registers before the deployments that use them.
ASSET_VERSION_TYPES = frozenset(
    f"{WORKSPACE_TYPE}/{kind}/versions" for kind in ("environments", "codes", "models")
)

# Subtrees that hold free text or user maps: never rewritten into expressions.
_VERBATIM = {
    ("tags",),
    ("properties", "description"),
    ("properties", "environmentVariables"),
    ("properties", "properties"),
}
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")  # \Z: `$` allows a final newline

Path = tuple[str | int, ...]


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
    binds: tuple[str, Path] | None = None  # (resource id, path) whose value it carries


@dataclass
class Resource:
    symbol: str
    type: str
    api_version: str
    arm_name: Any
    bicep_name: Any
    ref: Expr
    body: dict[str, Any]
    parent: str | None = None
    scope: Expr | None = None
    depends_on: list[str] = field(default_factory=list)
    condition: Expr | None = None  # deployed only when this is true


@dataclass
class Plan:
    endpoint: str
    api_version: str
    parameters: list[Parameter]
    resources: list[Resource]
    environments: list[str]
    desired: DesiredState
    existing: list[Resource] = field(default_factory=list)  # Bicep `existing` references


def _camel(parts: Sequence[str]) -> str:
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    if not words:
        return "value"
    name = words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])
    return name if name[0].isalpha() else "p" + name


def _symbol(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9_]", "_", p) for p in parts if p)


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


def leaf_diffs(a: Any, b: Any, path: Path = ()) -> list[Path]:
    """Paths where `b` differs from `a`: leaves, or the smallest object/array that changed shape."""
    if a == b:
        return []
    if isinstance(a, Mapping) and isinstance(b, Mapping) and a.keys() == b.keys():
        return [p for k in a for p in leaf_diffs(a[k], b[k], (*path, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i in range(len(a)) for p in leaf_diffs(a[i], b[i], (*path, i))]
    return [path]


def _copy(value: Any) -> Any:
    """A copy of plain JSON-like data (much cheaper than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def get_path(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def set_path(data: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


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


class _Names:
    """Unique parameter names."""

    def __init__(self) -> None:
        self.taken = {WORKSPACE_PARAM, LOCATION_PARAM, ENDPOINT_EXISTS_PARAM}

    def make(self, base: str) -> str:
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name


def _resource_expr(rtype: str, names: Sequence[Expr | str]) -> Expr:
    args = [n if isinstance(n, Expr) else Expr(arm_string(n), bicep_string(n)) for n in names]
    return Expr(
        f"resourceId({arm_string(rtype)}, {', '.join(a.arm for a in args)})",
        f"resourceId({bicep_string(rtype)}, {', '.join(a.bicep for a in args)})",
    )


class _Templatizer:
    """Concrete desired values -> values with expressions for ids, location, parameters."""

    def __init__(self, scope: Scope, symbols: Mapping[str, str]):
        self.scope = scope
        self.symbols = symbols  # lower-case ARM id -> Bicep symbol
        self.group_prefix = (scope.group_id + "/providers/").lower()
        self.role_prefix = f"/subscriptions/{scope.subscription}/providers/".lower()

    def id_expr(self, value: str) -> Expr | None:
        if value[:15].lower() != "/subscriptions/":
            return None
        low = value.lower()
        if low.startswith(self.group_prefix):
            parts = value[len(self.group_prefix) :].split("/")
            if (
                len(parts) < 3
                or len(parts) % 2 == 0
                or any(p.lower() == "providers" or not p for p in parts)
            ):
                return None
            rtype = "/".join([parts[0], *parts[1::2]])
            names: list[Expr | str] = list(parts[2::2])
            if (
                rtype.lower().startswith(WORKSPACE_TYPE.lower())
                and names[0] == self.scope.workspace
            ):
                names[0] = param_ref(WORKSPACE_PARAM)
            expr = _resource_expr(rtype, names)
            symbol = self.symbols.get(low)
            return Expr(expr.arm, f"{symbol}.id") if symbol else expr
        if low.startswith(self.role_prefix):
            parts = value[len(self.role_prefix) :].split("/")
            if len(parts) == 3 and all(parts) and "providers" not in low[len(self.role_prefix) :]:
                rtype, name = f"{parts[0]}/{parts[1]}", parts[2]
                return Expr(
                    f"subscriptionResourceId({arm_string(rtype)}, {arm_string(name)})",
                    f"subscriptionResourceId({bicep_string(rtype)}, {bicep_string(name)})",
                )
        return None

    def __call__(self, value: Any, path: Path = ()) -> Any:
        if isinstance(value, Expr) or path in _VERBATIM:
            return value
        if isinstance(value, Mapping):
            return {k: self(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, str):
            if (
                path in (("location",), ("properties", "targetResourceLocation"))
                and value == self.scope.location
            ):
                return param_ref(LOCATION_PARAM)
            return self.id_expr(value) or value
        return value


def _environments(spec: Spec) -> list[str]:
    from iac_gen.diagnostics import error

    names = sorted(spec.environments)
    for name in names:
        if not _ENV_NAME.match(name):
            loc = spec.locate(f"environments.{name}")
            raise error(
                "IAC322",
                f"environment name {name!r} cannot name a parameters file",
                loc.file,
                loc.line,
                loc.col,
            )
    return names


def _environment_states(
    spec: Spec, envs: list[str], base: DesiredState
) -> dict[str, tuple[Scope, DesiredState]]:
    """Each environment's target and its desired state computed with the *base* target, so the
    comparison sees only the values the overlay changes."""
    if not envs:
        return {}
    from iac_gen.spec.overlay import resolve

    out: dict[str, tuple[Scope, DesiredState]] = {}
    for env in envs:
        if not spec.environments[env]:  # an empty overlay changes nothing
            out[env] = (Scope.of(spec.target), base)
            continue
        resolved = resolve(spec, env)
        env_scope = Scope.of(
            replace(spec.target, **{k: v for k, v in vars(resolved.target).items() if v})
        )
        out[env] = (env_scope, desired_state(replace(resolved, target=spec.target)))
    return out


_CAPACITY: Path = ("sku", "capacity")
_RUN_TIME_NOTE = (
    "set by autoscale at run time: pass the live value when redeploying "
    "(iac-gen plan --write-params)"
)


def _autoscaled_capacities(base: DesiredState) -> list[tuple[str, Path]]:
    """`sku.capacity` of every deployment an autoscale setting of this spec targets.

    Autoscale moves it at run time, and a redeploy that writes the designed count would scale
    the deployment down under load; as a parameter, the pipeline can pass what runs.
    """
    by_id = {str(r["id"]).lower(): str(r["id"]) for r in base.resources}
    out: list[tuple[str, Path]] = []
    for res in base.resources:
        if str(res.get("type", "")).lower() != "microsoft.insights/autoscalesettings":
            continue
        target = str((res.get("properties") or {}).get("targetResourceUri", "")).lower()
        if target in by_id and _has_path(
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


def traffic_paths(base: DesiredState) -> list[tuple[str, Path]]:
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


def _overlay_parameters(
    base: DesiredState,
    states: Mapping[str, tuple[Scope, DesiredState]],
    endpoint: str,
    names: _Names,
) -> dict[tuple[str, Path], Parameter]:
    found: dict[tuple[str, Path], dict[str, Any]] = {}
    order: list[tuple[str, Path]] = []
    by_id = {r["id"]: r for r in base.resources}
    run_time = _autoscaled_capacities(base)
    routes = traffic_paths(base)
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
                if key not in found:
                    found[key] = {}
                    order.append(key)
                found[key][env] = get_path(res, path) if _has_path(res, path) else None
    varying = set(found)
    for key in run_time:
        if key not in found:
            found[key] = {
                env: get_path(res, key[1])
                for env, (_scope, state) in states.items()
                for res in state.resources
                if res["id"] == key[0] and _has_path(res, key[1])
            }
            order.append(key)
    for key in routes:
        values = {
            env: _value_or_empty(res, key[1])
            for env, (_scope, state) in states.items()
            for res in state.resources
            if res["id"] == key[0]
        }
        if any(v != _value_or_empty(by_id[key[0]], key[1]) for v in values.values()):
            varying.add(key)
        found[key] = values
        order.append(key)
    index = {r["id"]: i for i, r in enumerate(base.resources)}
    params: dict[tuple[str, Path], Parameter] = {}
    for key in sorted(order, key=lambda k: (index[k[0]], [str(p) for p in k[1]])):
        rid, path = key
        res = by_id[rid]
        default = get_path(res, path) if _has_path(res, path) else None
        if key in routes and default is None:
            default = {}  # no mirror traffic: the parameter's default routes none
        words = (
            [_label(res, endpoint), *_path_words(res, path)]
            if _has_path(res, path)
            else [
                _label(res, endpoint),
                *(str(p) for p in path[1:]),
            ]
        )
        params[key] = Parameter(
            name=names.make(_camel(words)),
            type=_param_type(default if default is not None else next(iter(found[key].values()))),
            description=f"{_dotted(path)} of {res['name']} ("
            + "; ".join(
                [
                    *(["varies by environment"] if key in varying else []),
                    *([_RUN_TIME_NOTE] if key in run_time else []),
                    *([_TRAFFIC_NOTE] if key in routes else []),
                ]
            )
            + ")",
            default=default,
            values={env: found[key].get(env, default) for env in states},
            binds=key,
        )
    return params


def _value_or_empty(data: Any, path: Path) -> Any:
    """A traffic map, or `{}` where the body routes none (PUT without it: none either)."""
    return get_path(data, path) if _has_path(data, path) else {}


def _has_path(data: Any, path: Path) -> bool:
    try:
        get_path(data, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _unresolved_parameter(item: Unresolved, base: DesiredState, names: _Names) -> Parameter:
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


def _asset_id_parameter(use: AssetUse, names: _Names) -> Parameter:
    """The switch for teams that register code or models themselves (see `_asset_switch`)."""
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


def _asset_switch(use: AssetUse, param: str, rtype: str, names: list[Expr | str]) -> Expr:
    """`codeId` / `model`: the registered version, unless the caller passes an id."""
    own = _resource_expr(rtype, names)
    ref = param_ref(param)
    return Expr(
        f"if(empty({ref.arm}), {own.arm}, {ref.arm})",
        f"empty({ref.bicep}) ? {own.bicep} : {ref.bicep}",
    )


def _registered_condition(params: Sequence[str]) -> Expr:
    """An asset version is registered when any deployment that uses it needs it."""
    tests = [(f"empty({param_ref(p).arm})", f"empty({param_ref(p).bicep})") for p in params]
    if len(tests) == 1:
        return Expr(*tests[0])
    return Expr(f"or({', '.join(a for a, _ in tests)})", " || ".join(b for _, b in tests))


def _asset_names(asset_id: str, scope: Scope) -> tuple[str, list[Expr | str]]:
    """(type, names) of a workspace asset version id, the workspace as its parameter."""
    parts = asset_id[len(scope.workspace_id) + 1 :].split("/")  # kind/name/versions/version
    return f"{WORKSPACE_TYPE}/{parts[0]}/versions", [param_ref(WORKSPACE_PARAM), parts[1], parts[3]]


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _ws_name(*names: str) -> Expr:
    """`ws/endpoint[/deployment]` with the workspace as a parameter."""
    slots = "/".join(f"{{{i}}}" for i in range(len(names) + 1))
    ws = param_ref(WORKSPACE_PARAM)
    arm_args = ", ".join([ws.arm, *map(arm_string, names)])
    bicep_args = ", ".join([ws.bicep, *map(bicep_string, names)])
    return Expr(f"format('{slots}', {arm_args})", f"format('{slots}', {bicep_args})")


def _parse_path(arm_path: str) -> Path:
    return tuple(arm_path.split("."))


def build_plan(spec: Spec) -> Plan:
    """Everything the ARM and Bicep emitters need for one endpoint."""
    scope = require_target(spec)
    base = desired_state(spec)
    envs = _environments(spec)
    states = _environment_states(spec, envs, base)
    names = _Names()
    ep = spec.endpoint.name
    endpoint_props: Mapping[str, Any] = next(
        (r.get("properties", {}) for r in base.resources if r["type"] == ENDPOINT_TYPE), {}
    )
    has_traffic = bool(endpoint_props.get("traffic")) or bool(endpoint_props.get("mirrorTraffic"))
    # The endpoint PUT that deployments and companions wait for.
    endpoint_symbol = CREATE_ENDPOINT if has_traffic else "endpoint"

    parameters = [
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
    overlay = _overlay_parameters(base, states, ep, names)
    parameters.extend(overlay.values())
    required = [(u, _unresolved_parameter(u, base, names)) for u in base.unresolved]
    parameters.extend(p for _, p in required)
    switches = [(u, _asset_id_parameter(u, names)) for u in base.assets]
    parameters.extend(p for _, p in switches)
    switched_by: dict[str, list[str]] = {}  # asset id (lower) -> id parameters that skip it
    for use, param in switches:
        switched_by.setdefault(use.asset_id.lower(), []).append(param.name)

    # Desired bodies with parameters substituted (before ids become expressions).
    bodies: dict[str, dict[str, Any]] = {}
    for res in base.resources:
        body = _copy(res)
        for (rid, path), param in overlay.items():
            if rid == res["id"] and path:
                set_path(body, path, param_ref(param.name))
        for item, param in required:
            if item.resource_id == res["id"]:
                set_path(body, _parse_path(item.arm_path), param_ref(param.name))
        for use, param in switches:
            if use.resource_id == res["id"]:
                rtype, names_ = _asset_names(use.asset_id, scope)
                set_path(
                    body, _parse_path(use.arm_path), _asset_switch(use, param.name, rtype, names_)
                )
        bodies[res["id"]] = body

    symbols: dict[str, str] = {}
    for res in base.resources:
        if res["type"] == ENDPOINT_TYPE:
            symbols[res["id"].lower()] = "endpoint"
        elif res["type"] == DEPLOYMENT_TYPE:
            symbols[res["id"].lower()] = _symbol("deployment", res["name"].rsplit("/", 1)[-1])
        elif res["type"] in ASSET_VERSION_TYPES:
            _ws, asset, version = res["name"].split("/")
            kind = res["type"].split("/")[2][:-1]
            symbols[res["id"].lower()] = _symbol(kind, asset, version[:12])
    templatize = _Templatizer(scope, symbols)
    ws = param_ref(WORKSPACE_PARAM)

    def envelope(body: Mapping[str, Any]) -> dict[str, Any]:
        keys = ("location", "tags", "identity", "sku", "kind", "properties")
        return {k: templatize(body[k], (k,)) for k in keys if k in body}

    endpoint_ref = _resource_expr(ENDPOINT_TYPE, [ws, ep])
    endpoint_ref = Expr(endpoint_ref.arm, "endpoint.id")
    endpoint_scope = Expr(
        f"format('Microsoft.MachineLearningServices/workspaces/{{0}}/onlineEndpoints/{{1}}', "
        f"parameters({arm_string(WORKSPACE_PARAM)}), {arm_string(ep)})",
        "endpoint",
    )
    resources: list[Resource] = []
    existing: list[Resource] = []
    traffic_body: dict[str, Any] | None = None
    deployment_symbols: list[str] = []
    assets: list[str] = []
    for res in base.resources:
        body = bodies[res["id"]]
        rtype = res["type"]
        short = res["name"].rsplit("/", 1)[-1]
        if rtype == ENDPOINT_TYPE:
            first = _copy(body)
            condition = None
            if has_traffic:  # set later, once the deployments it names exist
                first["properties"].pop("traffic", None)
                first["properties"].pop("mirrorTraffic", None)
                # Only to create the endpoint: over a live one it would take traffic away.
                condition = Expr(
                    f"not({param_ref(ENDPOINT_EXISTS_PARAM).arm})", f"!{ENDPOINT_EXISTS_PARAM}"
                )
                existing.append(
                    Resource(
                        "endpoint",
                        rtype,
                        res["apiVersion"],
                        _ws_name(ep),
                        short,
                        endpoint_ref,
                        {},
                        parent="workspace",
                    )
                )
                traffic_body = body
            resources.append(
                Resource(
                    endpoint_symbol,
                    rtype,
                    res["apiVersion"],
                    _ws_name(ep),
                    short,
                    endpoint_ref,
                    envelope(first),
                    parent="workspace",
                    condition=condition,
                )
            )
        elif rtype in ASSET_VERSION_TYPES:
            _ws, asset, version = res["name"].split("/")
            ref = templatize.id_expr(res["id"])
            assert ref is not None
            skipped_by = switched_by.get(res["id"].lower())
            resources.append(
                Resource(
                    symbols[res["id"].lower()],
                    rtype,
                    res["apiVersion"],
                    _ws_name(asset, version),
                    _ws_name(asset, version),
                    ref,
                    envelope(body),
                    condition=_registered_condition(skipped_by) if skipped_by else None,
                )
            )
            assets.append(symbols[res["id"].lower()])
        elif rtype == DEPLOYMENT_TYPE:
            symbol = symbols[res["id"].lower()]
            ref = templatize.id_expr(res["id"])
            assert ref is not None
            uses = [
                symbols[text.lower()]
                for text in _strings(res.get("properties", {}))
                if symbols.get(text.lower()) in assets
            ]
            resources.append(
                Resource(
                    symbol,
                    rtype,
                    res["apiVersion"],
                    _ws_name(ep, short),
                    short,
                    ref,
                    envelope(body),
                    parent="endpoint",
                    depends_on=list(
                        dict.fromkeys([endpoint_symbol, *uses, *deployment_symbols[-1:]])
                    ),
                )
            )
            deployment_symbols.append(symbol)
        else:
            companion = _companion(res, body, templatize, endpoint_scope, symbols, envelope)
            companion.depends_on = [
                endpoint_symbol if s == "endpoint" else s for s in companion.depends_on
            ]
            resources.append(companion)

    if traffic_body is not None:
        last = max(i for i, r in enumerate(resources) if r.symbol in deployment_symbols)
        resources.insert(
            last + 1,
            _traffic_step(ep, traffic_body, resources[0], envelope, deployment_symbols),
        )
    return Plan(ep, spec.target.api_version, parameters, resources, envs, base, existing)


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


def _companion(
    res: Mapping[str, Any],
    body: dict[str, Any],
    templatize: _Templatizer,
    endpoint_scope: Expr,
    symbols: Mapping[str, str],
    envelope: Any,
) -> Resource:
    rtype, name = res["type"], res["name"]
    if "scope" in res:  # extension resource on the endpoint
        symbol = _symbol(rtype.rsplit("/", 1)[-1], name)
        if rtype.endswith("diagnosticSettings"):
            symbol = "diagnostics"
        elif rtype.endswith("roleAssignments"):
            symbol = _symbol("scorer", name)
        endpoint_id = _resource_expr(
            ENDPOINT_TYPE, [param_ref(WORKSPACE_PARAM), res["scope"].rsplit("/", 1)[-1]]
        )
        ref = Expr(
            f"extensionResourceId({endpoint_id.arm}, {arm_string(rtype)}, {arm_string(name)})",
            f"{symbol}.id",
        )
        return Resource(
            symbol,
            rtype,
            res["apiVersion"],
            name,
            name,
            ref,
            envelope(body),
            scope=endpoint_scope,
            depends_on=["endpoint"],
        )
    symbol = _symbol(rtype.rsplit("/", 1)[-1], name)
    targets = []
    for text in _strings(res.get("properties", {})):
        sym = symbols.get(text.lower())
        if sym and sym not in targets:
            targets.append(sym)
    ref = _resource_expr(rtype, [name])
    return Resource(
        symbol,
        rtype,
        res["apiVersion"],
        name,
        name,
        Expr(ref.arm, f"{symbol}.id"),
        envelope(body),
        depends_on=targets,
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _traffic_step(
    ep: str, body: dict[str, Any], endpoint: Resource, envelope: Any, deployments: list[str]
) -> Resource:
    """A nested deployment that PUTs the whole endpoint again, now with traffic."""
    inner = {
        "type": ENDPOINT_TYPE,
        "apiVersion": endpoint.api_version,
        "name": endpoint.arm_name,
        **envelope(body),
    }
    name = f"set-traffic-{ep}"
    return Resource(
        "setTraffic",
        NESTED_DEPLOYMENT_TYPE,
        NESTED_DEPLOYMENT_API,
        name,
        name,
        Expr(f"resourceId('{NESTED_DEPLOYMENT_TYPE}', {arm_string(name)})", "setTraffic.id"),
        {
            "properties": {
                "mode": "Incremental",
                "template": {
                    "$schema": TEMPLATE_SCHEMA,
                    "contentVersion": "1.0.0.0",
                    "resources": [inner],
                },
            }
        },
        depends_on=[endpoint.symbol, *deployments],
    )
