"""Spec -> desired state: the ARM resource bodies that should exist (the centre of the design).

The ARM and Bicep emitters and the drift engine all read this one result, so "what we
deploy" and "what we audit against" cannot disagree. Values are concrete (no ARM
expressions); what cannot be known offline is listed in `DesiredState.unresolved`.
"""

from __future__ import annotations

from iac_gen.desired.access import role_assignment_bodies
from iac_gen.desired.asset_versions import version_resource
from iac_gen.desired.environments import environment_resource, is_local_build
from iac_gen.desired.ids import Scope
from iac_gen.desired.ml import deployment_body, endpoint_body
from iac_gen.desired.monitor import alert_bodies, autoscale_body, diagnostics_body
from iac_gen.desired.state import DesiredState, Unresolved
from iac_gen.diagnostics import Diagnostic, InputError
from iac_gen.spec.model import Spec

__all__ = ["DesiredState", "Unresolved", "desired_state", "require_target"]

_TARGET_FIELDS = (
    ("subscription", "--subscription"),
    ("resource_group", "--resource-group"),
    ("workspace", "--workspace"),
    ("location", "--location"),
)


def require_target(spec: Spec) -> Scope:
    """The spec's concrete target, or an InputError naming each missing part."""
    missing = [
        Diagnostic(
            "IAC320",
            f"target.{name} is not set; name it in the spec or pass {option}",
            spec.locate("target"),
        )
        for name, option in _TARGET_FIELDS
        if not getattr(spec.target, name)
    ]
    if missing:
        raise InputError(missing)
    return Scope.of(spec.target)


def desired_state(spec: Spec) -> DesiredState:
    """The resources `spec` (already resolved for an environment, if any) declares."""
    scope = require_target(spec)
    state = DesiredState()
    state.resources.append(endpoint_body(spec, scope))
    # Inline environments are registered before the deployments that use them.
    seen: set[str] = set()
    for dep in spec.deployments:
        env = dep.inline_environment
        if env is None or is_local_build(env):
            continue
        resource = environment_resource(spec, dep.name, env, scope)
        if resource["id"].lower() not in seen:
            seen.add(resource["id"].lower())
            state.resources.append(resource)
    # Local code folders and model paths too: uploaded by the pipeline, registered here.
    from iac_gen.desired.local_assets import local_assets

    local = {(a.deployment, a.role): a for a in local_assets(spec, missing_ok=True)}
    for asset in local.values():
        if asset.asset_id is not None and asset.asset_id.lower() not in seen:
            seen.add(asset.asset_id.lower())
            state.resources.append(version_resource(spec, asset, scope, state.unresolved))
    for dep in spec.deployments:
        state.resources.append(
            deployment_body(spec, dep, scope, state.unresolved, local, state.assets)
        )
    for dep_name, auto in sorted(spec.autoscale.items()):
        if spec.deployment(dep_name) is not None:
            state.resources.append(autoscale_body(spec, dep_name, auto, scope))
    if spec.monitoring is not None and spec.monitoring.log_analytics_workspace:
        state.resources.append(
            diagnostics_body(spec, spec.monitoring.log_analytics_workspace, scope)
        )
    state.resources.extend(alert_bodies(spec, scope))
    state.resources.extend(role_assignment_bodies(spec, scope))
    return state
