"""Bicep: `main.bicep` (same resources as main.json) and one `.bicepparam` per environment."""

from __future__ import annotations

import re
from typing import Any

from iac_gen.emit.jinja import template
from iac_gen.emit.plan import (
    CREATE_ENDPOINT,
    ENDPOINT_EXISTS_PARAM,
    WORKSPACE_PARAM,
    WORKSPACE_TYPE,
    Plan,
    Resource,
)
from iac_gen.emit.values import Expr


def _referenced(value: Any) -> set[str]:
    """Symbols a Bicep value mentions (Bicep derives those dependencies itself)."""
    found: set[str] = set()
    _collect_references(value, found)
    return found


def _collect_references(value: Any, found: set[str]) -> None:
    """`_referenced` into one set: a body's thousand values make no set each."""
    if type(value) is str:
        return
    if isinstance(value, Expr):
        found.update(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\.id\b", value.bicep))
        found.add(value.bicep)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_references(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_references(item, found)


def _body(r: Resource) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if r.parent:
        body["parent"] = Expr(r.parent, r.parent)
    if r.scope is not None:
        body["scope"] = r.scope
    body["name"] = r.bicep_name
    body.update(r.body)
    implied = _referenced(r.body) | ({r.parent} if r.parent else set()) | _referenced(r.scope)
    explicit = [s for s in r.depends_on if s not in implied]
    if explicit:
        body["dependsOn"] = [Expr(s, s) for s in explicit]
    return body


def render_bicep(plan: Plan) -> str:
    # endpointExists is declared for every endpoint, so pipelines can always pass it; with no
    # conditional resource nothing reads it, which the Bicep linter would warn about.
    # (Asset versions carry conditions of their own, on other parameters.)
    reads = any(r.condition for r in plan.resources if r.symbol == CREATE_ENDPOINT)
    unused = set() if reads else {ENDPOINT_EXISTS_PARAM}
    return template("bicep/main.bicep.j2").render(
        title=f"Azure ML online endpoint {plan.endpoint}",
        parameters=plan.parameters,
        unused=unused,
        workspace_type=f"{WORKSPACE_TYPE}@{plan.api_version}",
        workspace_param=WORKSPACE_PARAM,
        existing=[
            {"symbol": r.symbol, "type_ref": f"{r.type}@{r.api_version}", "body": _body(r)}
            for r in plan.existing
        ],
        resources=[
            {
                "symbol": r.symbol,
                "type_ref": f"{r.type}@{r.api_version}",
                "condition": r.condition.bicep if r.condition is not None else None,
                "body": _body(r),
            }
            for r in plan.resources
        ],
    )


def render_bicepparam(plan: Plan, env: str | None) -> str:
    """Values for one environment; a required value the spec cannot know is read from an
    environment variable of the pipeline that deploys it."""
    values: list[tuple[str, Any]] = []
    for p in plan.parameters:
        if not p.in_files:
            continue
        if p.required:
            values.append((p.name, Expr("", f"readEnvironmentVariable('{p.env_var}')")))
        else:
            values.append((p.name, p.default if env is None else p.values.get(env, p.default)))
    return template("bicep/main.bicepparam.j2").render(values=values)
