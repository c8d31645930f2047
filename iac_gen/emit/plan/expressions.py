"""Concrete desired values -> ARM/Bicep expressions: ids, names, location, asset switches.

Ids of resources in the same resource group become `resourceId(...)` (or a Bicep symbol's
`.id`), so a different workspace parameter still works; the location becomes the location
parameter; free text and user maps stay verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iac_gen.desired.ids import Scope
from iac_gen.emit.plan.parameters import LOCATION_PARAM, WORKSPACE_PARAM
from iac_gen.emit.plan.paths import Path
from iac_gen.emit.values import Expr, arm_string, bicep_string, param_ref
from iac_gen.vocabulary import WORKSPACE_TYPE

# Subtrees that hold free text or user maps: never rewritten into expressions.
_VERBATIM = {
    ("tags",),
    ("properties", "description"),
    ("properties", "environmentVariables"),
    ("properties", "properties"),
}
_VERBATIM_DEPTH = max(map(len, _VERBATIM))  # deeper paths need no look-up
_ENVELOPE = ("location", "tags", "identity", "sku", "kind", "properties")


def resource_expr(rtype: str, names: Sequence[Expr | str]) -> Expr:
    args = [n if isinstance(n, Expr) else Expr(arm_string(n), bicep_string(n)) for n in names]
    return Expr(
        f"resourceId({arm_string(rtype)}, {', '.join(a.arm for a in args)})",
        f"resourceId({bicep_string(rtype)}, {', '.join(a.bicep for a in args)})",
    )


def ws_name(*names: str) -> Expr:
    """`ws/endpoint[/deployment]` with the workspace as a parameter."""
    slots = "/".join(f"{{{i}}}" for i in range(len(names) + 1))
    ws = param_ref(WORKSPACE_PARAM)
    arm_args = ", ".join([ws.arm, *map(arm_string, names)])
    bicep_args = ", ".join([ws.bicep, *map(bicep_string, names)])
    return Expr(f"format('{slots}', {arm_args})", f"format('{slots}', {bicep_args})")


def asset_names(asset_id: str, scope: Scope) -> tuple[str, list[Expr | str]]:
    """(type, names) of a workspace asset version id, the workspace as its parameter."""
    parts = asset_id[len(scope.workspace_id) + 1 :].split("/")  # kind/name/versions/version
    return f"{WORKSPACE_TYPE}/{parts[0]}/versions", [param_ref(WORKSPACE_PARAM), parts[1], parts[3]]


def asset_switch(param: str, rtype: str, names: list[Expr | str]) -> Expr:
    """`codeId` / `model`: the registered version, unless the caller passes an id."""
    own = resource_expr(rtype, names)
    ref = param_ref(param)
    return Expr(
        f"if(empty({ref.arm}), {own.arm}, {ref.arm})",
        f"empty({ref.bicep}) ? {own.bicep} : {ref.bicep}",
    )


def registered_condition(params: Sequence[str]) -> Expr:
    """An asset version is registered when any deployment that uses it needs it."""
    tests = [(f"empty({param_ref(p).arm})", f"empty({param_ref(p).bicep})") for p in params]
    if len(tests) == 1:
        return Expr(*tests[0])
    return Expr(f"or({', '.join(a for a, _ in tests)})", " || ".join(b for _, b in tests))


class Templatizer:
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
            return self._group_id_expr(value, low)
        if low.startswith(self.role_prefix):
            parts = value[len(self.role_prefix) :].split("/")
            if len(parts) == 3 and all(parts) and "providers" not in low[len(self.role_prefix) :]:
                rtype, name = f"{parts[0]}/{parts[1]}", parts[2]
                return Expr(
                    f"subscriptionResourceId({arm_string(rtype)}, {arm_string(name)})",
                    f"subscriptionResourceId({bicep_string(rtype)}, {bicep_string(name)})",
                )
        return None

    def _group_id_expr(self, value: str, low: str) -> Expr | None:
        """The id of a resource in the target's resource group (None: not a plain one)."""
        parts = value[len(self.group_prefix) :].split("/")
        if (
            len(parts) < 3
            or len(parts) % 2 == 0
            or any(p.lower() == "providers" or not p for p in parts)
        ):
            return None
        rtype = "/".join([parts[0], *parts[1::2]])
        names: list[Expr | str] = list(parts[2::2])
        if rtype.lower().startswith(WORKSPACE_TYPE.lower()) and names[0] == self.scope.workspace:
            names[0] = param_ref(WORKSPACE_PARAM)
        expr = resource_expr(rtype, names)
        symbol = self.symbols.get(low)
        return Expr(expr.arm, f"{symbol}.id") if symbol else expr

    def __call__(self, value: Any, path: Path = ()) -> Any:
        if len(path) <= _VERBATIM_DEPTH and path in _VERBATIM:
            return value
        kind = type(value)  # the exact type first: text, arrays and objects skip the ABC check
        if kind is str or isinstance(value, str):
            if (
                path in (("location",), ("properties", "targetResourceLocation"))
                and value == self.scope.location
            ):
                return param_ref(LOCATION_PARAM)
            return self.id_expr(value) or value
        if kind is list or isinstance(value, list):
            return [self(v, (*path, i)) for i, v in enumerate(value)]
        if kind is dict or isinstance(value, Mapping):
            return {k: self(v, (*path, k)) for k, v in value.items()}
        return value  # expressions, numbers, booleans, null

    def envelope(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The parts of a resource body a template writes, templatized."""
        return {k: self(body[k], (k,)) for k in _ENVELOPE if k in body}
