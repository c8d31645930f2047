"""The plan assembled: parameters found, substituted into the desired bodies, then ordered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from iac_gen.desired import DesiredState, Unresolved, desired_state, require_target
from iac_gen.desired.ids import Scope
from iac_gen.desired.state import AssetUse
from iac_gen.emit.plan.environments import environment_names, environment_states
from iac_gen.emit.plan.expressions import asset_names, asset_switch
from iac_gen.emit.plan.ordering import Resource, ordered_resources
from iac_gen.emit.plan.parameters import (
    Key,
    Names,
    Parameter,
    asset_id_parameter,
    fixed_parameters,
    overlay_parameters,
    unresolved_parameter,
)
from iac_gen.emit.plan.paths import copy_json, parse_path, set_path
from iac_gen.emit.values import param_ref
from iac_gen.spec.model import Spec
from iac_gen.vocabulary import ENDPOINT_TYPE


@dataclass
class Plan:
    endpoint: str
    api_version: str
    parameters: list[Parameter]
    resources: list[Resource]
    environments: list[str]
    desired: DesiredState
    existing: list[Resource] = field(default_factory=list)  # Bicep `existing` references


@dataclass
class _Substitutions:
    """The parameters that replace values in desired bodies, by where they come from."""

    overlay: dict[Key, Parameter]
    required: list[tuple[Unresolved, Parameter]]
    switches: list[tuple[AssetUse, Parameter]]

    def switched_by(self) -> dict[str, list[str]]:
        """Asset id (lower) -> the id parameters that skip registering it."""
        out: dict[str, list[str]] = {}
        for use, param in self.switches:
            out.setdefault(use.asset_id.lower(), []).append(param.name)
        return out

    def bodies(self, base: DesiredState, scope: Scope) -> dict[str, dict[str, Any]]:
        """Desired bodies with parameters substituted (before ids become expressions)."""
        bodies: dict[str, dict[str, Any]] = {}
        for res in base.resources:
            body = copy_json(res)
            for (rid, path), param in self.overlay.items():
                if rid == res["id"] and path:
                    set_path(body, path, param_ref(param.name))
            for item, param in self.required:
                if item.resource_id == res["id"]:
                    set_path(body, parse_path(item.arm_path), param_ref(param.name))
            for use, param in self.switches:
                if use.resource_id == res["id"]:
                    rtype, names = asset_names(use.asset_id, scope)
                    set_path(body, parse_path(use.arm_path), asset_switch(param.name, rtype, names))
            bodies[res["id"]] = body
        return bodies


def build_plan(spec: Spec) -> Plan:
    """Everything the ARM and Bicep emitters need for one endpoint."""
    scope = require_target(spec)
    base = desired_state(spec)
    envs = environment_names(spec)
    states = environment_states(spec, envs, base)
    names = Names()
    ep = spec.endpoint.name
    endpoint_props: Mapping[str, Any] = next(
        (r.get("properties", {}) for r in base.resources if r["type"] == ENDPOINT_TYPE), {}
    )
    has_traffic = bool(endpoint_props.get("traffic")) or bool(endpoint_props.get("mirrorTraffic"))
    # Names are made in this order (overlays, required values, switches): keep it stable.
    found = _Substitutions(
        overlay=overlay_parameters(base, states, ep, names),
        required=[(u, unresolved_parameter(u, base, names)) for u in base.unresolved],
        switches=[(u, asset_id_parameter(u, names)) for u in base.assets],
    )
    parameters = [
        *fixed_parameters(scope, states, has_traffic),
        *found.overlay.values(),
        *(p for _, p in found.required),
        *(p for _, p in found.switches),
    ]
    resources, existing = ordered_resources(
        base, found.bodies(base, scope), scope, ep, has_traffic, found.switched_by()
    )
    return Plan(ep, spec.target.api_version, parameters, resources, envs, base, existing)
