"""The template's resources in deployment order, each with its symbol, name and dependencies.

Order: the endpoint without traffic, the deployments one at a time, then a nested
deployment that PUTs the endpoint again with traffic (traffic can only name deployments that
exist), then the monitoring and access companions. Asset versions the template registers
come before the deployments that use them.

The first, traffic-less endpoint PUT is only for creating the endpoint: over a live endpoint
it would take traffic away from every deployment until the last step. It carries a
condition on the `endpointExists` parameter, which the pipeline sets when the endpoint
already exists; the deployments then update in place and the final PUT carries the whole
endpoint. Bicep references the endpoint through an `existing` declaration, so nothing
depends on the conditional resource except through explicit `dependsOn`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from iac_gen.desired import DesiredState
from iac_gen.desired.ids import Scope
from iac_gen.emit.plan.expressions import (
    Templatizer,
    registered_condition,
    resource_expr,
    ws_name,
)
from iac_gen.emit.plan.parameters import ENDPOINT_EXISTS_PARAM, WORKSPACE_PARAM
from iac_gen.emit.plan.paths import copy_json, strings
from iac_gen.emit.values import Expr, arm_string, param_ref
from iac_gen.vocabulary import (
    DEPLOYMENT_TYPE,
    ENDPOINT_TYPE,
    NESTED_DEPLOYMENT_API,
    NESTED_DEPLOYMENT_TYPE,
    WORKSPACE_TYPE,
)

CREATE_ENDPOINT = "createEndpoint"  # symbol of the conditional, traffic-less endpoint PUT
TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
# Workspace assets the template registers before the deployments that use them.
ASSET_VERSION_TYPES = frozenset(
    f"{WORKSPACE_TYPE}/{kind}/versions" for kind in ("environments", "codes", "models")
)


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


def _symbol(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9_]", "_", p) for p in parts if p)


def _symbols(base: DesiredState) -> dict[str, str]:
    """Lower-case ARM id -> Bicep symbol of the endpoint, deployments and asset versions."""
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
    return symbols


def ordered_resources(
    base: DesiredState,
    bodies: Mapping[str, dict[str, Any]],
    scope: Scope,
    endpoint: str,
    has_traffic: bool,
    switched_by: Mapping[str, list[str]],
) -> tuple[list[Resource], list[Resource]]:
    """(resources in deployment order, Bicep `existing` references) of the desired state,
    from its bodies with parameters already substituted (`bodies`, by resource id)."""
    order = _Order(base, scope, endpoint, has_traffic, switched_by)
    for res in base.resources:
        body = bodies[res["id"]]
        if res["type"] == ENDPOINT_TYPE:
            order.endpoint(res, body)
        elif res["type"] in ASSET_VERSION_TYPES:
            order.asset(res, body)
        elif res["type"] == DEPLOYMENT_TYPE:
            order.deployment(res, body)
        else:
            order.companion(res, body)
    return order.finish(), order.existing


class _Order:
    """The resources so far; the symbols later ones depend on."""

    def __init__(
        self,
        base: DesiredState,
        scope: Scope,
        endpoint: str,
        has_traffic: bool,
        switched_by: Mapping[str, list[str]],
    ) -> None:
        self.ep = endpoint
        self.has_traffic = has_traffic
        self.switched_by = switched_by
        self.symbols = _symbols(base)
        self.templatize = Templatizer(scope, self.symbols)
        # The endpoint PUT that deployments and companions wait for.
        self.endpoint_symbol = CREATE_ENDPOINT if has_traffic else "endpoint"
        self.endpoint_ref = Expr(
            resource_expr(ENDPOINT_TYPE, [param_ref(WORKSPACE_PARAM), self.ep]).arm, "endpoint.id"
        )
        self.endpoint_scope = Expr(
            f"format('{WORKSPACE_TYPE}/{{0}}/onlineEndpoints/{{1}}', "
            f"parameters({arm_string(WORKSPACE_PARAM)}), {arm_string(self.ep)})",
            "endpoint",
        )
        self.resources: list[Resource] = []
        self.existing: list[Resource] = []
        self.traffic_body: dict[str, Any] | None = None
        self.deployments: list[str] = []
        self.assets: list[str] = []

    def endpoint(self, res: Mapping[str, Any], body: dict[str, Any]) -> None:
        """The endpoint; with traffic, a create-only PUT without it (the traffic step sets it)."""
        first = copy_json(body)
        condition = None
        short = res["name"].rsplit("/", 1)[-1]
        if self.has_traffic:  # set later, once the deployments it names exist
            first["properties"].pop("traffic", None)
            first["properties"].pop("mirrorTraffic", None)
            # Only to create the endpoint: over a live one it would take traffic away.
            condition = Expr(
                f"not({param_ref(ENDPOINT_EXISTS_PARAM).arm})", f"!{ENDPOINT_EXISTS_PARAM}"
            )
            self.existing.append(
                Resource(
                    "endpoint",
                    res["type"],
                    res["apiVersion"],
                    ws_name(self.ep),
                    short,
                    self.endpoint_ref,
                    {},
                    parent="workspace",
                )
            )
            self.traffic_body = body
        self.resources.append(
            Resource(
                self.endpoint_symbol,
                res["type"],
                res["apiVersion"],
                ws_name(self.ep),
                short,
                self.endpoint_ref,
                self.templatize.envelope(first),
                parent="workspace",
                condition=condition,
            )
        )

    def asset(self, res: Mapping[str, Any], body: dict[str, Any]) -> None:
        """An asset version, skipped when every deployment that uses it is passed an id."""
        _ws, asset, version = res["name"].split("/")
        ref = self.templatize.id_expr(res["id"])
        assert ref is not None
        skipped_by = self.switched_by.get(res["id"].lower())
        symbol = self.symbols[res["id"].lower()]
        self.resources.append(
            Resource(
                symbol,
                res["type"],
                res["apiVersion"],
                ws_name(asset, version),
                ws_name(asset, version),
                ref,
                self.templatize.envelope(body),
                condition=registered_condition(skipped_by) if skipped_by else None,
            )
        )
        self.assets.append(symbol)

    def deployment(self, res: Mapping[str, Any], body: dict[str, Any]) -> None:
        """A deployment, after the endpoint, its assets and the deployment before it."""
        symbol = self.symbols[res["id"].lower()]
        short = res["name"].rsplit("/", 1)[-1]
        ref = self.templatize.id_expr(res["id"])
        assert ref is not None
        uses = [
            self.symbols[text.lower()]
            for text in strings(res.get("properties", {}))
            if self.symbols.get(text.lower()) in self.assets
        ]
        self.resources.append(
            Resource(
                symbol,
                res["type"],
                res["apiVersion"],
                ws_name(self.ep, short),
                short,
                ref,
                self.templatize.envelope(body),
                parent="endpoint",
                depends_on=list(
                    dict.fromkeys([self.endpoint_symbol, *uses, *self.deployments[-1:]])
                ),
            )
        )
        self.deployments.append(symbol)

    def companion(self, res: Mapping[str, Any], body: dict[str, Any]) -> None:
        """Monitoring and access: extensions on the endpoint, or resources that name it."""
        companion = (
            self._extension(res, body) if "scope" in res else self._group_resource(res, body)
        )
        companion.depends_on = [
            self.endpoint_symbol if s == "endpoint" else s for s in companion.depends_on
        ]
        self.resources.append(companion)

    def _extension(self, res: Mapping[str, Any], body: dict[str, Any]) -> Resource:
        """An extension resource on the endpoint (diagnostic settings, role assignments)."""
        rtype, name = res["type"], res["name"]
        symbol = _symbol(rtype.rsplit("/", 1)[-1], name)
        if rtype.endswith("diagnosticSettings"):
            symbol = "diagnostics"
        elif rtype.endswith("roleAssignments"):
            symbol = _symbol("scorer", name)
        endpoint_id = resource_expr(
            ENDPOINT_TYPE, [param_ref(WORKSPACE_PARAM), res["scope"].rsplit("/", 1)[-1]]
        )
        ref = Expr(
            f"extensionResourceId({endpoint_id.arm}, {arm_string(rtype)}, {arm_string(name)})",
            f"{symbol}.id",
        )
        return self._named(
            symbol, res, ref, body, scope=self.endpoint_scope, depends_on=["endpoint"]
        )

    def _group_resource(self, res: Mapping[str, Any], body: dict[str, Any]) -> Resource:
        """A resource-group resource (autoscale, alerts), after what it names."""
        rtype, name = res["type"], res["name"]
        symbol = _symbol(rtype.rsplit("/", 1)[-1], name)
        targets = []
        for text in strings(res.get("properties", {})):
            sym = self.symbols.get(text.lower())
            if sym and sym not in targets:
                targets.append(sym)
        ref = resource_expr(rtype, [name])
        return self._named(symbol, res, Expr(ref.arm, f"{symbol}.id"), body, depends_on=targets)

    def _named(
        self, symbol: str, res: Mapping[str, Any], ref: Expr, body: dict[str, Any], **more: Any
    ) -> Resource:
        """A companion: its ARM and Bicep name are its own name (no workspace in it)."""
        return Resource(
            symbol,
            res["type"],
            res["apiVersion"],
            res["name"],
            res["name"],
            ref,
            self.templatize.envelope(body),
            **more,
        )

    def finish(self) -> list[Resource]:
        """The resources, with the traffic step right after the last deployment."""
        resources = self.resources
        if self.traffic_body is not None:
            last = max(i for i, r in enumerate(resources) if r.symbol in self.deployments)
            resources.insert(last + 1, self._traffic_step(self.traffic_body, resources[0]))
        return resources

    def _traffic_step(self, body: dict[str, Any], endpoint: Resource) -> Resource:
        """A nested deployment that PUTs the whole endpoint again, now with traffic."""
        inner = {
            "type": ENDPOINT_TYPE,
            "apiVersion": endpoint.api_version,
            "name": endpoint.arm_name,
            **self.templatize.envelope(body),
        }
        name = f"set-traffic-{self.ep}"
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
            depends_on=[endpoint.symbol, *self.deployments],
        )
