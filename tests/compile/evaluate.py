"""Evaluate emitted templates back to plain resource bodies (test helper).

Both main.json and main.bicep are reduced, with their parameters' default values (or
values given as overrides, as `-p name=value` would), to the same shape as resources.json:
`{type, apiVersion, name, location, tags, identity, sku, properties[, scope]}`. Comparing
those proves that the two templates declare the same resources with the same values, and
that both deploy exactly the desired state. A resource whose condition (ARM `condition`,
Bicep `= if (...)`) is false is left out, as Resource Manager leaves it out.

`steps()` gives the deployment graph instead: each resource's id, its bodies (a nested
deployment's inner resources) and the ids it waits for - explicit dependsOn plus, in Bicep,
`parent`, `scope` and `symbol.id` references - with skipped conditional resources removed
from every dependency list (Resource Manager's documented rule).

Property names are read as ARM reads them (evaluated, `[[` unescaped), so an unescaped
`[...]` key or a bare `copy` key shows up as a difference or an error.

Only the expression forms the emitters write are understood (format, parameters, not, string,
empty, or, if / `?:`,
resourceId, subscriptionResourceId, extensionResourceId, symbol.id, !param); anything else
fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iac_gen.emit.values import arm_unescape, bicep_unescape

UNKNOWN = "<no default>"
ENVELOPE = ("location", "tags", "identity", "sku", "kind", "properties")


def _compose_id(group: str, rtype: str, names: list[str]) -> str:
    parts = rtype.split("/")
    segs = [parts[0]]
    for t, n in zip(parts[1:], names, strict=True):
        segs += [t, n]
    return f"{group}/providers/" + "/".join(segs)


@dataclass(frozen=True)
class Step:
    """One resource Resource Manager deploys: its id, what it PUTs, what it waits for."""

    id: str
    type: str
    bodies: tuple[dict[str, Any], ...]
    after: frozenset[str]


def preceding(steps: list[Step]) -> dict[str, set[str]]:
    """id -> every id that must finish before it (transitive closure of `after`)."""
    direct = {s.id: set(s.after) for s in steps}
    out: dict[str, set[str]] = {}

    def walk(node: str, seen: tuple[str, ...] = ()) -> set[str]:
        assert node not in seen, f"dependency cycle through {node}"
        if node not in out:
            found: set[str] = set()
            for dep in direct.get(node, set()):
                found |= {dep} | walk(dep, (*seen, node))
            out[node] = found
        return out[node]

    for s in steps:
        walk(s.id)
    return out


def _overridden(params: dict[str, Any], overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    for name, value in (overrides or {}).items():
        assert name in params, f"no parameter {name} to override"
        params[name] = value
    return params


class ArmEvaluator:
    """A small evaluator for ARM template expressions."""

    def __init__(
        self,
        template: dict[str, Any],
        subscription: str,
        group: str,
        overrides: Mapping[str, Any] | None = None,
    ):
        self.params: dict[str, Any] = {}
        self.sub = subscription
        self.group = f"/subscriptions/{subscription}/resourceGroups/{group}"
        # A defaultValue is template text: ARM evaluates it (escaped keys and values included).
        self.params = _overridden(
            {
                k: self.value(v["defaultValue"]) if "defaultValue" in v else UNKNOWN
                for k, v in template.get("parameters", {}).items()
            },
            overrides,
        )

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            if v.startswith("[") and not v.startswith("[[") and v.endswith("]"):
                return self.expr(v[1:-1])
            return arm_unescape(v)
        if isinstance(v, dict):
            out = {self.key(k): self.value(x) for k, x in v.items()}
            return {k: x for k, x in out.items() if x is not UNKNOWN}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v

    def key(self, k: str) -> str:
        """A property name as ARM reads it: expressions are evaluated, `[[` unescaped;
        a bare `copy` would be a copy loop, which the emitters never write."""
        assert k.lower() != "copy", f"property {k!r} would be read as a copy loop"
        name = self.value(k)
        assert isinstance(name, str), f"property name {k!r} is not a string"
        return name

    def expr(self, text: str) -> Any:
        value, rest = self._parse(text.strip())
        assert not rest.strip(), f"trailing text in expression: {rest!r}"
        return value

    def _parse(self, s: str) -> tuple[Any, str]:
        s = s.lstrip()
        if s.startswith("'"):
            i, out = 1, []
            while True:
                if s[i] == "'":
                    if s.startswith("''", i):
                        out.append("'")
                        i += 2
                        continue
                    return "".join(out), s[i + 1 :]
                out.append(s[i])
                i += 1
        m = re.match(r"-?\d+", s)
        if m:
            return int(m.group()), s[m.end() :]
        m = re.match(r"([A-Za-z]+)\(", s)
        assert m, f"unsupported expression at {s!r}"
        name, s = m.group(1), s[m.end() :]
        args: list[Any] = []
        while True:
            s = s.lstrip()
            if s.startswith(")"):
                s = s[1:]
                break
            arg, s = self._parse(s)
            args.append(arg)
            s = s.lstrip()
            if s.startswith(","):
                s = s[1:]
        return self._call(name, args), s

    def _call(self, name: str, args: list[Any]) -> Any:
        if name == "parameters":
            return self.params[args[0]]
        if name == "format":
            return re.sub(r"\{(\d+)\}", lambda m: str(args[1 + int(m.group(1))]), args[0])
        if name == "resourceId":
            return _compose_id(self.group, args[0], [str(a) for a in args[1:]])
        if name == "subscriptionResourceId":
            return _compose_id(f"/subscriptions/{self.sub}", args[0], [str(a) for a in args[1:]])
        if name == "json":
            return json.loads(args[0])
        if name == "string":
            assert isinstance(args[0], str), args
            return args[0]
        if name == "not":
            assert isinstance(args[0], bool), args
            return not args[0]
        if name == "extensionResourceId":
            return f"{args[0]}/providers/{args[1]}/{args[2]}"
        if name == "empty":
            assert isinstance(args[0], str), args
            return not args[0]
        if name == "or":
            assert all(isinstance(a, bool) for a in args), args
            return any(args)
        if name == "if":
            assert isinstance(args[0], bool), args
            return args[1] if args[0] else args[2]
        raise AssertionError(f"unsupported function {name}")

    def resources(self, template: dict[str, Any]) -> list[dict[str, Any]]:
        """Every resource body, nested-deployment resources in place of their deployment."""
        out: list[dict[str, Any]] = []
        for res in template["resources"]:
            if not self.deployed(res):
                continue
            if res["type"] == "Microsoft.Resources/deployments":
                out.extend(self.resources(res["properties"]["template"]))
                continue
            out.append(self._body(res))
        return out

    def deployed(self, res: dict[str, Any]) -> bool:
        if "condition" not in res:
            return True
        condition = self.value(res["condition"])
        assert isinstance(condition, bool), res["condition"]
        return condition

    def _body(self, res: dict[str, Any]) -> dict[str, Any]:
        body = {
            k: self.value(res[k]) for k in ("type", "apiVersion", "name", *ENVELOPE) if k in res
        }
        if "scope" in res:
            body["scope"] = f"{self.group}/providers/{self.value(res['scope'])}"
        return body

    def _id(self, res: dict[str, Any]) -> str:
        name = str(self.value(res["name"]))
        if "scope" in res:
            scope = f"{self.group}/providers/{self.value(res['scope'])}"
            return f"{scope}/providers/{res['type']}/{name}"
        return _compose_id(self.group, res["type"], name.split("/"))

    def steps(self, template: dict[str, Any]) -> list[Step]:
        """The top-level resources that deploy, in template order, with their dependencies."""
        skipped = {self._id(r) for r in template["resources"] if not self.deployed(r)}
        out: list[Step] = []
        for res in template["resources"]:
            if not self.deployed(res):
                continue
            if res["type"] == "Microsoft.Resources/deployments":
                bodies = tuple(self.resources(res["properties"]["template"]))
            else:
                bodies = (self._body(res),)
            after = {self.value(d) for d in res.get("dependsOn", [])}
            out.append(Step(self._id(res), res["type"], bodies, frozenset(after - skipped)))
        return out


class BicepEvaluator:
    """Evaluates the pycep-parser tree of a main.bicep the emitter wrote."""

    def __init__(
        self,
        tree: dict[str, Any],
        subscription: str,
        group: str,
        overrides: Mapping[str, Any] | None = None,
    ):
        self.tree = tree
        self.sub = subscription
        self.group = f"/subscriptions/{subscription}/resourceGroups/{group}"
        self.params: dict[str, Any] = {}
        self.symbols = tree["resources"]
        for k, v in tree.get("parameters", {}).items():
            self.params[k] = self._param_default(v)
        _overridden(self.params, overrides)
        self._names: dict[str, str] = {}

    def _param_default(self, p: dict[str, Any]) -> Any:
        return self.value(p["default"]) if p.get("default") is not None else UNKNOWN

    def config(self, symbol: str) -> dict[str, Any]:
        """A resource's body; pycep nests a conditional one as {condition, config}."""
        cfg: dict[str, Any] = self.symbols[symbol]["config"]
        return cfg["config"] if set(cfg) == {"condition", "config"} else cfg

    def deployed(self, symbol: str) -> bool:
        res = self.symbols[symbol]
        if res.get("existing"):
            return False
        cfg = res["config"]
        if set(cfg) != {"condition", "config"}:
            return True
        condition = self.value(cfg["condition"])
        assert isinstance(condition, bool), cfg["condition"]
        return condition

    def full_name(self, symbol: str) -> str:
        cfg = self.config(symbol)
        own = self.value(cfg["name"])
        parent = cfg.get("parent")
        return f"{self.full_name(parent)}/{own}" if parent else own

    def resource_id(self, symbol: str) -> str:
        res = self.symbols[symbol]
        cfg = self.config(symbol)
        if "scope" in cfg:
            scope = self.resource_id(cfg["scope"])
            return f"{scope}/providers/{res['type']}/{self.value(cfg['name'])}"
        return _compose_id(self.group, res["type"], self.full_name(symbol).split("/"))

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            if v in self.params:
                return self.params[v]
            if v in self.symbols:
                raise AssertionError(f"bare symbol {v} used as a value")
            return bicep_unescape(v)
        if isinstance(v, bool) or v is None or isinstance(v, (int, float)):
            return v
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            if self._node(v, "function"):
                return self._call(v["function"]["type"], v["function"].get("parameters") or {})
            if self._node(v, "operator"):
                op = v["operator"]
                if op["type"] == "property_accessor":
                    sym, prop = op["operands"]["operand_1"], op["operands"]["operand_2"]
                    assert prop == "id", prop
                    return self.resource_id(sym)
                if op["type"] == "minus":
                    return -self.value(op["operands"]["integer_value"])
                if op["type"] == "not":
                    (operand,) = op["operands"].values()
                    value = self.value(operand)
                    assert isinstance(value, bool), op
                    return not value
                if op["type"] == "or":
                    values = [self.value(x) for x in op["operands"].values()]
                    assert all(isinstance(x, bool) for x in values), op
                    return any(values)
                if op["type"] == "conditional":
                    ops = op["operands"]
                    test = self.value(ops["condition"])
                    assert isinstance(test, bool), op
                    return self.value(ops["true_value"] if test else ops["false_value"])
                raise AssertionError(f"unsupported operator {op['type']}")
            out = {self._key(k): self.value(x) for k, x in v.items()}
            return {k: x for k, x in out.items() if x is not UNKNOWN}
        raise AssertionError(f"unsupported value {v!r}")

    @staticmethod
    def _node(v: dict[str, Any], kind: str) -> bool:
        """pycep writes calls and operators as one-key objects; a Bicep object can have a
        property with the same name (autoscale's `operator`), whose value is a string."""
        return len(v) == 1 and isinstance(v.get(kind), dict) and "type" in v[kind]

    @staticmethod
    def _key(k: str) -> str:
        return bicep_unescape(k[1:-1]) if k.startswith("'") and k.endswith("'") else k

    def _call(self, name: str, params: dict[str, Any]) -> Any:
        args = [self.value(a) for a in params.values() if a is not None]
        if name == "format":
            return re.sub(r"\{(\d+)\}", lambda m: str(args[1 + int(m.group(1))]), args[0])
        if name == "resource_id":
            order = ["subscription_id", "resource_group_name", "resource_type"]
            order += sorted(
                (k for k in params if k.startswith("resource_name_")),
                key=lambda k: int(k.rsplit("_", 1)[1]),
            )
            vals = [self.value(params[k]) for k in order if params.get(k) is not None]
            return _compose_id(self.group, vals[0], [str(x) for x in vals[1:]])
        if name == "subscription_resource_id":
            order = ["subscription_id", "resource_type"]
            order += sorted(
                (k for k in params if k.startswith("resource_name_")),
                key=lambda k: int(k.rsplit("_", 1)[1]),
            )
            vals = [self.value(params[k]) for k in order if params.get(k) is not None]
            return _compose_id(f"/subscriptions/{self.sub}", vals[0], [str(x) for x in vals[1:]])
        if name == "json":
            return json.loads(args[0])
        if name == "empty":
            assert isinstance(args[0], str), args
            return not args[0]
        raise AssertionError(f"unsupported function {name}: {params}")

    def resources(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for symbol in self.symbols:
            if self.deployed(symbol):
                out.extend(self._bodies(symbol))
        return out

    def _bodies(self, symbol: str) -> list[dict[str, Any]]:
        res, cfg = self.symbols[symbol], self.config(symbol)
        if res["type"] == "Microsoft.Resources/deployments":
            return list(self.value(cfg["properties"])["template"]["resources"])
        body: dict[str, Any] = {"type": res["type"], "apiVersion": res["api_version"]}
        body["name"] = self.full_name(symbol) if cfg.get("parent") else self.value(cfg["name"])
        for key in ENVELOPE:
            if key in cfg:
                body[key] = self.value(cfg[key])
        if "scope" in cfg:
            body["scope"] = self.resource_id(cfg["scope"])
        return [body]

    def _mentions(self, value: Any) -> set[str]:
        """Symbols a value reads (`symbol.id`): Bicep makes each one a dependency."""
        if isinstance(value, list):
            return set().union(set(), *(self._mentions(v) for v in value))
        if not isinstance(value, dict):
            return set()
        if self._node(value, "operator") and value["operator"]["type"] == "property_accessor":
            return {value["operator"]["operands"]["operand_1"]}
        return set().union(set(), *(self._mentions(v) for v in value.values()))

    def steps(self) -> list[Step]:
        """The resources that deploy, in file order, with the dependencies Bicep writes:
        explicit dependsOn, `parent`, `scope` and `symbol.id` references to resources the
        file deploys (an `existing` reference is never a dependency)."""
        out: list[Step] = []
        for symbol in self.symbols:
            if not self.deployed(symbol):
                continue
            cfg = self.config(symbol)
            named = set(cfg.get("dependsOn") or []) | self._mentions(
                {k: v for k, v in cfg.items() if k != "dependsOn"}
            )
            named |= {cfg[k] for k in ("parent", "scope") if isinstance(cfg.get(k), str)}
            after = {self.resource_id(s) for s in named if s in self.symbols and self.deployed(s)}
            out.append(
                Step(
                    self.resource_id(symbol),
                    self.symbols[symbol]["type"],
                    tuple(self._bodies(symbol)),
                    frozenset(after),
                )
            )
        return out


def keyed(resources: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Resources by (type, name); a later body (the traffic PUT) replaces an earlier one."""
    return {(r["type"], r["name"]): r for r in resources}
