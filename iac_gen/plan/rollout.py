"""Rollout plans: a blue/green traffic shift as one parameters file per step, with gates.

The compiled template takes the endpoint's traffic and mirror traffic as parameters
(`endpointTraffic`, `endpointMirrorTraffic`: `iac_gen.emit.plan.traffic_paths`), so every
step of a rollout is the same template deployed with another parameters file; nothing else
in Azure changes between steps, which `iac-gen plan --traffic ...` shows before each one.

Shares are worked out on the traffic the two deployments hold together in the spec (the
*pool*): `--steps 10,50,100` moves 10 %, 50 %, then all of the pool from `--from` to
`--to`; other deployments keep their traffic. With `--mirror-first`, a first step mirrors a
copy of live requests to `--to` before it takes any (the service allows one mirror target,
at most 50 %, never a deployment with live traffic, never on Kubernetes endpoints: the
Azure ML safe-rollout guide). Each step has a gate, the spec's alert thresholds (P95 latency,
5xx responses, CPU and memory of `--to`), to hold before the next step; the rollback step
puts the pool back on `--from`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from iac_gen.diagnostics import error
from iac_gen.spec.model import Spec
from iac_gen.vocabulary import ALERT_TYPE

SCHEMA_VERSION = "1.0"
MAX_MIRROR_PERCENT = 50  # DOC-ROLLOUT: mirror traffic is at most 50 %
PARAMETERS_SCHEMA = (
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
)
ROLLOUT_FILES = ("rollout.json", "rollout.md")


@dataclass(frozen=True)
class Request:
    """What the command line asked for (`--from`, `--to`, `--steps`, `--mirror-first`)."""

    source: str
    target: str
    steps: tuple[int, ...]
    mirror_first: bool = False
    mirror_percent: int | None = None


def parse_steps(text: str) -> tuple[int, ...]:
    """`"10,50,100"` -> (10, 50, 100); IAC317 unless whole percentages rising to 100."""
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) <= 3 for p in parts):
        raise error(
            "IAC317",
            f"--steps {text!r} is not a list of whole percentages (e.g. 10,50,100)",
            "--steps",
        )
    steps = tuple(int(p) for p in parts)
    if any(b <= a for a, b in pairwise(steps)) or steps[0] < 1:
        raise error(
            "IAC317",
            f"--steps {text!r} must increase from step to step, each at least 1",
            "--steps",
        )
    if steps[-1] != 100:
        raise error(
            "IAC317",
            f"--steps {text!r} must end at 100 (the last step moves all the traffic)",
            "--steps",
        )
    return steps


def _nonzero(traffic: Mapping[str, int]) -> dict[str, int]:
    """Zero shares left out, as the compiler writes traffic (0 % == absent)."""
    return {name: int(pct) for name, pct in sorted(traffic.items()) if pct}


def az_split(traffic: Mapping[str, int]) -> str:
    """`{"blue": 90, "green": 10}` -> `blue=90 green=10` (`--traffic` of plan and az ml)."""
    return " ".join(f"{k}={v}" for k, v in sorted(traffic.items()))


def _check(spec: Spec, req: Request) -> None:
    names = [d.name for d in spec.deployments]
    for option, name in (("--from", req.source), ("--to", req.target)):
        if name not in names:
            from difflib import get_close_matches

            close = get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise error(
                "IAC316",
                f"{option} {name!r} is not a deployment of endpoint {spec.endpoint.name!r} "
                f"(it declares {', '.join(names) or 'none'}){hint}",
                option,
            )
    if req.source == req.target:
        raise error(
            "IAC318", f"--from and --to both name {req.source!r}: a rollout needs two", "--to"
        )
    traffic = dict(spec.endpoint.traffic)
    if not (traffic.get(req.source, 0) + traffic.get(req.target, 0)):
        raise error(
            "IAC319",
            f"neither {req.source!r} nor {req.target!r} takes traffic in the spec "
            f"(traffic: {az_split(_nonzero(traffic)) or 'none'}); there is nothing to move",
            "--from",
        )
    if req.mirror_first:
        if spec.endpoint.compute:
            raise error(
                "IAC319",
                "--mirror-first: Kubernetes endpoints take no mirror traffic",
                "--mirror-first",
            )
        if traffic.get(req.target, 0):
            raise error(
                "IAC319",
                f"--mirror-first: {req.target!r} already takes {traffic[req.target]}% of live "
                "traffic, and a deployment takes live or mirrored traffic, not both",
                "--mirror-first",
            )
    if req.mirror_percent is not None and not req.mirror_first:
        raise error("IAC319", "--mirror-percent needs --mirror-first", "--mirror-percent")
    if req.mirror_percent is not None and not 1 <= req.mirror_percent <= MAX_MIRROR_PERCENT:
        raise error(
            "IAC319",
            f"--mirror-percent {req.mirror_percent} is outside 1..{MAX_MIRROR_PERCENT} "
            "(the service mirrors at most 50%)",
            "--mirror-percent",
        )


def _gates(spec: Spec, desired: Sequence[Mapping[str, Any]], target: str) -> list[dict[str, Any]]:
    """The spec's alert thresholds that judge a step: the endpoint's P95 latency and 5xx
    responses, CPU and memory of the deployment taking the new traffic.

    Read from the compiled metric alerts (so the alert names are the template's) and the
    spec's `monitoring.alerts` (the 5xx *rate* the alert approximates)."""
    alerts = spec.monitoring.alerts if spec.monitoring else None
    if alerts is None:
        return []
    ep = spec.endpoint.name
    out: list[dict[str, Any]] = []
    for body in desired:
        if str(body.get("type", "")).lower() != ALERT_TYPE.lower():
            continue
        props = body.get("properties") or {}
        (criterion,) = (props.get("criteria") or {}).get("allOf") or [{}]
        metric = criterion.get("metricName")
        scope = str((props.get("scopes") or [""])[0])
        common = {
            "alert": body["name"],
            "metric": metric,
            "scope": scope,
            "aggregation": criterion.get("timeAggregation"),
            "window": props.get("windowSize"),
        }
        on_target = scope.lower().endswith(f"/onlineendpoints/{ep}/deployments/{target}".lower())
        if metric == "RequestLatency_P95":
            out.append(
                {
                    "signal": "p95_latency",
                    "label": "P95 request latency (whole endpoint)",
                    "threshold": criterion.get("threshold"),
                    "unit": "ms",
                    **common,
                }
            )
        elif metric == "RequestsPerMinute" and "dimensions" in criterion:
            out.append(
                {
                    "signal": "5xx_rate",
                    "label": "5xx responses (whole endpoint; the alert fires on any 5xx)",
                    "threshold": alerts.error_rate_5xx_percent,
                    "unit": "%",
                    **common,
                }
            )
        elif on_target and metric in ("CpuUtilizationPercentage", "CpuMemoryUtilizationPercentage"):
            cpu = metric == "CpuUtilizationPercentage"
            out.append(
                {
                    "signal": "cpu" if cpu else "memory",
                    "label": f"{'CPU' if cpu else 'memory'} utilisation of {target}",
                    "threshold": criterion.get("threshold"),
                    "unit": "%",
                    **common,
                }
            )
    order = {"p95_latency": 0, "5xx_rate": 1, "cpu": 2, "memory": 3}
    return sorted(out, key=lambda g: order[g["signal"]])


def _parameter_names(plan: Any, req: Request) -> tuple[str, str | None]:
    """The template's traffic and mirror traffic parameters; IAC319 when `--mirror-first`
    needs the mirror one and the template has none."""
    from iac_gen.emit.plan import MIRROR_TRAFFIC, TRAFFIC

    names = {p.binds[1]: p.name for p in plan.parameters if p.binds is not None}
    mirror = names.get(MIRROR_TRAFFIC)
    if req.mirror_first and mirror is None:
        raise error(
            "IAC319",
            "--mirror-first: the spec mirrors no traffic, so the compiled template has no "
            f"mirror traffic parameter; declare the shadow stage (mirror_traffic: "
            f"{{{req.target}: 10}}), compile and deploy it, then roll out",
            "--mirror-first",
        )
    return names[TRAFFIC], mirror


def _base_values(plan: Any, env: str | None) -> dict[str, Any]:
    """The template's parameter values for the environment, as its parameters file has them."""
    return {
        p.name: p.default if env is None else p.values.get(env, p.default)
        for p in plan.parameters
        if not p.required and p.in_files
    }


@dataclass(frozen=True)
class _Shares:
    """The spec's traffic, and the pool the two deployments of the rollout hold together."""

    traffic: dict[str, int]
    mirror: dict[str, int]
    pool: int
    others: dict[str, int]  # traffic of the deployments outside the rollout
    kept_mirror: dict[str, int]  # mirror traffic to deployments outside the rollout

    @classmethod
    def of(cls, spec: Spec, req: Request) -> _Shares:
        """IAC317 when the first step does not move traffic toward `--to`."""
        traffic = _nonzero(spec.endpoint.traffic)
        mirror = _nonzero(spec.endpoint.mirror_traffic)
        pool = traffic.get(req.source, 0) + traffic.get(req.target, 0)
        current = round(100 * traffic.get(req.target, 0) / pool)
        if req.steps[0] <= current:
            raise error(
                "IAC317",
                f"--steps must start above {req.target}'s current share of the traffic it "
                f"shares with {req.source} ({current}%)",
                "--steps",
            )
        others = {k: v for k, v in traffic.items() if k not in (req.source, req.target)}
        kept = {k: v for k, v in mirror.items() if k not in (req.source, req.target)}
        return cls(traffic, mirror, pool, others, kept)

    def split(self, req: Request, share: int) -> dict[str, int]:
        moved = (self.pool * share + 50) // 100  # half up: 50 % of 25 -> 13
        return _nonzero({**self.others, req.source: self.pool - moved, req.target: moved})

    def rollback(self, req: Request) -> dict[str, int]:
        return _nonzero({**self.others, req.source: self.pool})


# (kind, label, percent, traffic, mirror traffic) of one step.
_Step = tuple[str, str, int, dict[str, int], dict[str, int]]


def _raw_steps(req: Request, shares: _Shares) -> list[_Step]:
    """The optional mirror step, then one shift per `--steps` share."""
    raw: list[_Step] = []
    if req.mirror_first:
        pct = (
            req.mirror_percent
            or shares.mirror.get(req.target)
            or min(req.steps[0], MAX_MIRROR_PERCENT)
        )
        raw.append(("mirror", "mirror", pct, shares.traffic, {req.target: pct}))
    for share in req.steps:
        raw.append(("shift", str(share), share, shares.split(req, share), shares.kept_mirror))
    return raw


@dataclass
class _Files:
    """The parameters files of a rollout, and the commands that deploy and preview each."""

    base_values: dict[str, Any]
    traffic_param: str
    mirror_param: str | None
    resource_group: str
    env: str | None
    files: dict[str, dict[str, Any]]

    def parameters(self, name: str, route: dict[str, int], mirrored: dict[str, int]) -> str:
        from iac_gen.emit.plan import ENDPOINT_EXISTS_PARAM

        values = {**self.base_values, ENDPOINT_EXISTS_PARAM: True, self.traffic_param: route}
        if self.mirror_param is not None:
            values[self.mirror_param] = mirrored
        self.files[name] = {
            "$schema": PARAMETERS_SCHEMA,
            "contentVersion": "1.0.0.0",
            "parameters": {k: {"value": v} for k, v in sorted(values.items())},
        }
        return name

    def command(self, name: str) -> str:
        return f"az deployment group create -g {self.resource_group} -f main.json -p @{name}"

    def preview(self, route: dict[str, int], mirrored: dict[str, int]) -> str:
        text = f'iac-gen plan SPEC --live LIVE --traffic "{az_split(route)}"'
        if self.mirror_param is not None:
            text += f' --mirror-traffic "{az_split(mirrored)}"'
        return text + (f" --env {self.env}" if self.env is not None else "")

    def steps(
        self, req: Request, raw: list[_Step], gates: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """One document entry (and parameters file) per step."""
        steps: list[dict[str, Any]] = []
        for number, (kind, label, percent, route, mirrored) in enumerate(raw, 1):
            name = self.parameters(f"rollout-{number}-{label}.parameters.json", route, mirrored)
            last = number == len(raw)
            steps.append(
                {
                    "number": number,
                    "kind": kind,
                    "percent": percent,
                    "traffic": route,
                    "mirror_traffic": mirrored,
                    "parameters_file": name,
                    "command": self.command(name),
                    "preview": self.preview(route, mirrored),
                    "gate": {
                        "before": f"removing {req.source}" if last else f"step {number + 1}",
                        "alerts": [g["alert"] for g in gates],
                    },
                }
            )
        return steps


def _notes(template: Any, gates: list[dict[str, Any]]) -> list[str]:
    """What a release manager must know that the steps do not show."""
    notes = [
        "Every parameters file sets endpointExists=true: the endpoint exists during a "
        "rollout, and the template's first, traffic-less endpoint PUT must not run."
    ]
    if any(p.binds is not None and p.binds[1] == ("sku", "capacity") for p in template.parameters):
        notes.append(
            "Autoscale owns an instance count here: add the file of `iac-gen plan "
            "--write-params` after the step's file (-p @step -p @live), or the deploy resets "
            "the count to the template's value."
        )
    if any(p.required for p in template.parameters):
        notes.append(
            "The template has required parameters (local code or model asset ids) that no "
            "parameters file holds: pass them on the command line as for any deploy."
        )
    if not gates:
        notes.append(
            "The spec sets no alert thresholds (monitoring.alerts): the gates are the "
            "release manager's judgement."
        )
    return notes


def build_rollout(
    spec: Spec,
    req: Request,
    env: str | None = None,
    *,
    generated_at: str | None = None,
    inputs: Sequence[Mapping[str, Any]] = (),
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(rollout document, parameters file name -> ARM parameters file) for one endpoint."""
    from iac_gen import __version__
    from iac_gen.desired import desired_state, require_target
    from iac_gen.emit.plan import build_plan
    from iac_gen.provenance import iso_now
    from iac_gen.spec.overlay import resolve

    shown = resolve(spec, env) if env is not None else spec
    _check(shown, req)
    scope = require_target(shown)
    template = build_plan(spec)
    traffic_param, mirror_param = _parameter_names(template, req)
    out = _Files(
        _base_values(template, env), traffic_param, mirror_param, scope.resource_group, env, {}
    )
    desired = desired_state(shown).resources
    shares = _Shares.of(shown, req)
    gates = _gates(shown, desired, req.target)
    steps = out.steps(req, _raw_steps(req, shares), gates)
    back = shares.rollback(req)
    rollback_name = out.parameters("rollout-rollback.parameters.json", back, shares.kept_mirror)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "iac-gen", "version": __version__},
        "generated_at": generated_at or iso_now(),
        "endpoint": spec.endpoint.name,
        "environment": env,
        "from": req.source,
        "to": req.target,
        "steps_requested": list(req.steps),
        "mirror_first": req.mirror_first,
        "inputs": [dict(i) for i in inputs],
        "template": {
            "file": "main.json",
            "traffic_parameter": traffic_param,
            "mirror_traffic_parameter": mirror_param,
        },
        "start": {"traffic": shares.traffic, "mirror_traffic": shares.mirror},
        "pool": shares.pool,
        "steps": steps,
        "rollback": {
            "traffic": back,
            "mirror_traffic": shares.kept_mirror,
            "parameters_file": rollback_name,
            "command": out.command(rollback_name),
            "when": "a gate fails at any step",
        },
        "gates": gates,
        "notes": _notes(template, gates),
    }
    return doc, out.files
