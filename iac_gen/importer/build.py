"""Live ARM bodies -> the spec document a person would write for each endpoint.

What the service fills in on its own is left out, using the drift tables as the one source of
those facts: `SERVER_OWNED` fields and `SYSTEM_PROPERTY_KEYS` are never written, a value equal
to its `SERVICE_DEFAULTS` entry (compared in canonical form, as drift compares it) is left
out, and keys of `SERVICE_WRITTEN_KEYS` are dropped from environment variables. Values come
back in the spec's units (milliseconds, seconds, minutes) and CLI v2 spellings (the reverse of
`iac_gen.vocabulary`). Anything that cannot be said in the spec becomes a `Note` at the spec
path it belongs to, so it is written as a comment and listed, never dropped silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from iac_gen import asset_refs, vocabulary
from iac_gen.desired import monitor
from iac_gen.drift import tables
from iac_gen.drift.asset_ids import WorkspaceRef
from iac_gen.drift.normalise import canonical_value, rules_for, split
from iac_gen.durations import parse_duration
from iac_gen.secrets import REDACTED, secret_reason
from iac_gen.spec.model import ScaleRule

OWNERSHIP_TAGS = (  # spec `ownership` field -> the tag `desired.ml.spec_tags` writes
    ("owner", "owner"),
    ("team", "team"),
    ("approvers", "approvers"),
    ("runbook", "runbook"),
    ("change_ticket", "change-ticket"),
)
_SYSTEM_KEYS = frozenset(k.lower() for k in tables.SYSTEM_PROPERTY_KEYS)
_RULE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(ScaleRule)}


@dataclass(frozen=True)
class Note:
    """Something the live state holds that the spec does not say, at spec path `path`."""

    path: str
    message: str
    comment: bool = True  # False: only listed (the field does not exist where the spec writes)


@dataclass
class Imported:
    """One endpoint's spec document (native shape) and what could not be written."""

    workspace: WorkspaceRef
    target: dict[str, str]
    name: str
    document: dict[str, Any]
    notes: list[Note] = field(default_factory=list)
    resource_ids: list[str] = field(default_factory=list)


# -- service knowledge from the drift tables -------------------------------------------------
def _server_owned(kind: str) -> frozenset[str]:
    return frozenset(p for k, p, _ in tables.SERVER_OWNED if k in ("*", kind))


def is_default(kind: str, path: str, value: Any, body: Mapping[str, Any] | None = None) -> bool:
    """True when `value` at `path` is what the service assumes when the field is absent."""
    rules = rules_for(kind)
    pattern = split(path)
    for entry in tables.SERVICE_DEFAULTS:
        if entry.kind != kind or entry.path != path:
            continue
        if entry.when is not None and body is not None:
            actual = _get(body, entry.when[0])
            want = entry.when[1]
            if want is None and actual is not None:
                continue
            if want is not None and canonical_value(
                rules, split(entry.when[0]), actual, None
            ) != canonical_value(rules, split(entry.when[0]), want, None):
                continue
        if canonical_value(rules, pattern, value, None) == canonical_value(
            rules, pattern, entry.value, None
        ):
            return True
    return False


def _get(body: Mapping[str, Any], path: str) -> Any:
    node: Any = body
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _reverse(table: Mapping[str, str], value: Any) -> str | None:
    """CLI v2 spelling of an ARM enum value (first spec word that maps to it)."""
    if not isinstance(value, str):
        return None
    for spec_word, arm in table.items():
        if arm.lower() == value.replace(" ", "").lower():
            return spec_word
    return None


def _identity_word(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        arm = vocabulary.identity_type(value)
    except ValueError:
        return None
    return _reverse(vocabulary.IDENTITY, arm)


def _ms(value: Any) -> int | None:
    seconds = parse_duration(value) if isinstance(value, str) else None
    if seconds is None:
        return None
    ms = seconds * 1000
    return int(ms) if ms == ms.to_integral_value() and ms > 0 else None


def _seconds(value: Any) -> int | None:
    seconds = parse_duration(value) if isinstance(value, str) else None
    if seconds is None or seconds != seconds.to_integral_value() or seconds <= 0:
        return None
    return int(seconds)


def _minutes(value: Any) -> int | None:
    seconds = parse_duration(value) if isinstance(value, str) else None
    if seconds is None or seconds <= 0 or seconds % 60:
        return None
    return int(seconds / Decimal(60))


def asset_reference(value: Any, collection: str, ws: WorkspaceRef) -> Any:
    """`azureml:name:version` for a versioned asset of the same workspace; others as they are."""
    if not isinstance(value, str):
        return value
    text = asset_refs.arm_id(value, ignore_case=True) or value
    parts = text.strip("/").split("/")
    lowered = [p.lower() for p in parts]
    if (
        len(parts) == 12
        and lowered[0] == "subscriptions"
        and lowered[2] == "resourcegroups"
        and lowered[4:7] == ["providers", "microsoft.machinelearningservices", "workspaces"]
        and lowered[8] == collection
        and lowered[10] == "versions"
        and (lowered[1], lowered[3], lowered[7]) == ws
    ):
        name, version = parts[9], parts[11]
        curated = collection == "environments" and asset_refs.is_curated_environment(name)
        if not curated and ":" not in name and ":" not in version:
            return f"azureml:{name}:{version}"
    return value


def _compute_reference(value: Any, ws: WorkspaceRef) -> Any:
    if not isinstance(value, str):
        return value
    parts = value.strip("/").split("/")
    lowered = [p.lower() for p in parts]
    if len(parts) == 10 and lowered[8] == "computes" and (lowered[1], lowered[3], lowered[7]) == ws:
        return f"azureml:{parts[9]}"
    return value


# -- a body walked with a record of what was used --------------------------------------------
class Reader:
    """Reads an ARM body and remembers every path read, so leftovers can be reported."""

    def __init__(self, body: Mapping[str, Any], kind: str):
        self.body = body
        self.kind = kind
        self.used: set[str] = set()

    def get(self, path: str) -> Any:
        self.used.add(path)
        return _get(self.body, path)

    def leftovers(self) -> list[tuple[str, Any]]:
        """(path, value) of set fields nothing read, minus what the service owns."""
        owned = _server_owned(self.kind)
        out: list[tuple[str, Any]] = []

        def walk(node: Mapping[str, Any], prefix: str) -> None:
            for key, value in node.items():
                path = f"{prefix}{key}"
                if value is None or path in owned or path in self.used:
                    continue
                if any(path.startswith(u + ".") for u in self.used):
                    continue
                if isinstance(value, Mapping) and any(
                    u.startswith(path + ".") for u in self.used | owned
                ):
                    walk(value, path + ".")
                    continue
                if value in ({}, []):
                    continue
                out.append((path, value))

        walk(self.body, "")
        return out


def _text(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _leftover_notes(reader: Reader, spec_prefix: str, notes: list[Note], versioned: set[str]):
    for path, value in reader.leftovers():
        if path in versioned:
            notes.append(
                Note(
                    spec_prefix.rstrip("."),
                    f"{path} is {_text(value)} in Azure; only older api-versions have it, "
                    "so the spec (newer api-version) does not write it",
                    comment=False,
                )
            )
            continue
        notes.append(
            Note(
                spec_prefix.rstrip("."),
                f"{path} is {_text(value)} in Azure; the spec has no field for it",
            )
        )


def _versioned_paths(kind: str) -> set[str]:
    return {v.path for v in tables.API_VERSIONED if v.kind == kind}


# -- endpoint ---------------------------------------------------------------------------------
def _string_map(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in sorted((value or {}).items()) if v is not None}


def _tags_and_properties(doc: dict[str, Any], r: Reader) -> None:
    """`tags` and `properties` of an endpoint or deployment: both say them alike, without
    the keys the service writes into `properties.properties`."""
    tags = _string_map(r.get("tags"))
    if tags:
        doc["tags"] = tags
    props = {
        k: v
        for k, v in _string_map(r.get("properties.properties")).items()
        if k.lower() not in _SYSTEM_KEYS
    }
    if props:
        doc["properties"] = props


def _env_vars(value: Any, prefix: str, notes: list[Note]) -> dict[str, str]:
    written = {k.key for k in tables.SERVICE_WRITTEN_KEYS if k.kind == "deployment"}
    out: dict[str, str] = {}
    for key, val in sorted((value or {}).items()):
        if key in written or val is None:
            continue
        text = str(val)
        if text == REDACTED or secret_reason(str(key), text):
            notes.append(
                Note(
                    f"{prefix}environment_variables",
                    f"{key} is withheld (a secret); set it from a secret store, never in the spec",
                )
            )
            continue
        out[str(key)] = text
    return out


def endpoint_document(
    body: Mapping[str, Any], ws: WorkspaceRef, notes: list[Note]
) -> dict[str, Any]:
    r = Reader(body, "endpoint")
    doc: dict[str, Any] = {"name": str(body["id"]).rstrip("/").rsplit("/", 1)[-1]}
    desc = r.get("properties.description")
    if isinstance(desc, str):
        doc["description"] = desc
    auth = r.get("properties.authMode")
    if auth is not None and not is_default("endpoint", "properties.authMode", auth):
        word = _reverse(vocabulary.AUTH_MODE, auth)
        if word:
            doc["auth_mode"] = word
        else:
            notes.append(Note("auth_mode", f"authMode {auth!r} has no spec spelling"))
    pna = r.get("properties.publicNetworkAccess")
    if pna is not None and not is_default("endpoint", "properties.publicNetworkAccess", pna):
        doc["public_network_access"] = _reverse(vocabulary.ACCESS, pna) or pna
    identity = r.get("identity") or {}
    r.used.update({"identity.type", "identity.userAssignedIdentities"})
    itype = identity.get("type")
    uais = sorted((identity.get("userAssignedIdentities") or {}).keys())
    if itype is not None and (uais or not is_default("endpoint", "identity.type", itype)):
        ident: dict[str, Any] = {"type": _identity_word(itype) or itype}
        if uais:
            ident["user_assigned_identities"] = [{"resource_id": u} for u in uais]
        doc["identity"] = ident
    compute = r.get("properties.compute")
    if compute:
        doc["compute"] = _compute_reference(compute, ws)
    _tags_and_properties(doc, r)
    traffic = {k: int(v) for k, v in sorted((r.get("properties.traffic") or {}).items()) if v}
    if traffic:
        doc["traffic"] = traffic
    mirror = {k: int(v) for k, v in sorted((r.get("properties.mirrorTraffic") or {}).items()) if v}
    if mirror:
        doc["mirror_traffic"] = mirror
    r.get("location")
    _leftover_notes(r, "", notes, _versioned_paths("endpoint"))
    return doc


# -- deployment -------------------------------------------------------------------------------
_PROBES = (
    ("livenessProbe", "liveness_probe"),
    ("readinessProbe", "readiness_probe"),
    ("startupProbe", "startup_probe"),
)
_PROBE_FIELDS = (
    ("initialDelay", "initial_delay", "s"),
    ("period", "period", "s"),
    ("timeout", "timeout", "s"),
    ("successThreshold", "success_threshold", "n"),
    ("failureThreshold", "failure_threshold", "n"),
)


def _converted(value: Any, unit: str) -> Any:
    if unit == "ms":
        return _ms(value)
    if unit == "s":
        return _seconds(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _section(
    r: Reader,
    arm_prefix: str,
    fields: Sequence[tuple[str, str, str]],
    spec_prefix: str,
    notes: list[Note],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for arm, spec, unit in fields:
        path = f"{arm_prefix}.{arm}"
        value = r.get(path)
        if value is None or is_default("deployment", path, value, r.body):
            continue
        converted = _converted(value, unit)
        if converted is None:
            notes.append(
                Note(f"{spec_prefix}.{spec}", f"{path} is {_text(value)}; the spec cannot say it")
            )
            continue
        out[spec] = converted
    return out


def deployment_document(
    body: Mapping[str, Any], ws: WorkspaceRef, notes: list[Note]
) -> dict[str, Any]:
    """The spec's `deployments.<name>` entry for a live deployment, in the spec's key order;
    what it cannot say goes to `notes`."""
    r = Reader(body, "deployment")
    name = str(body["id"]).rstrip("/").rsplit("/", 1)[-1]
    prefix = f"deployments.{name}."
    doc: dict[str, Any] = {"name": name}
    ctype = r.get("properties.endpointComputeType")
    if ctype is not None and not is_default("deployment", "properties.endpointComputeType", ctype):
        doc["type"] = _reverse(vocabulary.COMPUTE_TYPE, ctype) or ctype
    desc = r.get("properties.description")
    if isinstance(desc, str):
        doc["description"] = desc
    _deployment_assets(doc, r, ws)
    variables = _env_vars(r.get("properties.environmentVariables"), prefix, notes)
    if variables:
        doc["environment_variables"] = variables
    _deployment_compute(doc, r, prefix, notes)
    _deployment_requests(doc, r, prefix, notes)
    _deployment_scale(doc, r, body, prefix, notes)
    dc = r.get("properties.dataCollector")
    if isinstance(dc, Mapping) and dc:
        doc["data_collector"] = _data_collector(dc, f"{prefix}data_collector", notes)
    _container_resources(doc, r)
    _tags_and_properties(doc, r)
    identity = r.get("identity") or {}
    r.used.add("identity.type")
    if identity.get("type") is not None and not is_default(
        "deployment", "identity.type", identity["type"]
    ):
        notes.append(
            Note(
                prefix.rstrip("."),
                f"identity.type is {identity['type']!r}; "
                "deployments take the endpoint's identity in the spec",
            )
        )
    r.get("location")
    _leftover_notes(r, prefix, notes, _versioned_paths("deployment"))
    return doc


def _deployment_assets(doc: dict[str, Any], r: Reader, ws: WorkspaceRef) -> None:
    """Model, model mount path, code configuration and environment."""
    model = r.get("properties.model")
    if model is not None:
        doc["model"] = asset_reference(model, "models", ws)
    mount = r.get("properties.modelMountPath")
    if mount is not None:
        doc["model_mount_path"] = mount
    code = r.get("properties.codeConfiguration") or {}
    r.used.update(
        {"properties.codeConfiguration.codeId", "properties.codeConfiguration.scoringScript"}
    )
    code_doc: dict[str, Any] = {}
    if code.get("codeId") is not None:
        code_doc["code"] = asset_reference(code["codeId"], "codes", ws)
    if code.get("scoringScript") is not None:
        code_doc["scoring_script"] = code["scoringScript"]
    if code_doc:
        doc["code_configuration"] = code_doc
    env = r.get("properties.environmentId")
    if env is not None:
        doc["environment"] = asset_reference(env, "environments", ws)


def _deployment_compute(doc: dict[str, Any], r: Reader, prefix: str, notes: list[Note]) -> None:
    """Instance type and count, Application Insights and egress."""
    itype = r.get("properties.instanceType")
    if itype is not None:
        doc["instance_type"] = itype
    sku = r.get("sku") or {}
    r.used.update({"sku.capacity", "sku.name"})
    if sku.get("capacity") is not None:
        doc["instance_count"] = int(sku["capacity"])
    if sku.get("name") is not None and not is_default("deployment", "sku.name", sku["name"]):
        notes.append(
            Note(f"{prefix}instance_count", f"sku.name is {sku['name']!r}; the spec writes Default")
        )
    for arm, spec in (("appInsightsEnabled", "app_insights_enabled"),):
        value = r.get(f"properties.{arm}")
        if value is not None and not is_default("deployment", f"properties.{arm}", value):
            doc[spec] = bool(value)
    egress = r.get("properties.egressPublicNetworkAccess")
    if egress is not None and not is_default(
        "deployment", "properties.egressPublicNetworkAccess", egress
    ):
        doc["egress_public_network_access"] = _reverse(vocabulary.ACCESS, egress) or egress


def _deployment_requests(doc: dict[str, Any], r: Reader, prefix: str, notes: list[Note]) -> None:
    """Request settings, then the liveness and readiness probes."""
    rs = _section(
        r,
        "properties.requestSettings",
        (
            ("requestTimeout", "request_timeout_ms", "ms"),
            ("maxConcurrentRequestsPerInstance", "max_concurrent_requests_per_instance", "n"),
            ("maxQueueWait", "max_queue_wait_ms", "ms"),
        ),
        f"{prefix}request_settings",
        notes,
    )
    if rs:
        doc["request_settings"] = rs
    for arm, spec in _PROBES:
        probe = _section(r, f"properties.{arm}", _PROBE_FIELDS, f"{prefix}{spec}", notes)
        if probe:
            doc[spec] = probe


def _deployment_scale(
    doc: dict[str, Any], r: Reader, body: Mapping[str, Any], prefix: str, notes: list[Note]
) -> None:
    """`scale_settings`, unless the deployment has the default scale type and nothing else."""
    scale = r.get("properties.scaleSettings")
    if not isinstance(scale, Mapping):
        return
    stype = scale.get("scaleType")
    r.used.add("properties.scaleSettings.scaleType")
    rest = _section(
        r,
        "properties.scaleSettings",
        (
            ("minInstances", "min_instances", "n"),
            ("maxInstances", "max_instances", "n"),
            ("pollingInterval", "polling_interval", "s"),
            ("targetUtilizationPercentage", "target_utilization_percentage", "n"),
        ),
        f"{prefix}scale_settings",
        notes,
    )
    default_type = stype is None or is_default(
        "deployment", "properties.scaleSettings.scaleType", stype, body
    )
    if rest or not default_type:
        doc["scale_settings"] = {
            "type": _reverse(vocabulary.SCALE_TYPE, stype) or "default",
            **rest,
        }


def _container_resources(doc: dict[str, Any], r: Reader) -> None:
    """Kubernetes container requests and limits."""
    crr = r.get("properties.containerResourceRequirements")
    if not isinstance(crr, Mapping):
        return
    res: dict[str, Any] = {}
    for arm, spec in (
        ("containerResourceRequests", "requests"),
        ("containerResourceLimits", "limits"),
    ):
        part = {k: str(v) for k, v in sorted((crr.get(arm) or {}).items()) if v is not None}
        if part:
            res[spec] = part
    if res:
        doc["resources"] = res


def _data_collector(dc: Mapping[str, Any], where: str, notes: list[Note]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rates = set()
    collections: dict[str, Any] = {}
    for name, coll in sorted((dc.get("collections") or {}).items()):
        coll = coll or {}
        entry: dict[str, Any] = {}
        mode = coll.get("dataCollectionMode")
        if mode is not None:
            entry["enabled"] = str(mode).lower() == "enabled"
        if coll.get("dataId") is not None:
            entry["data"] = coll["dataId"]
        if coll.get("clientId") is not None:
            entry["client_id"] = coll["clientId"]
        if coll.get("samplingRate") is not None:
            rates.add(coll["samplingRate"])
        collections[name] = entry
    if len(rates) == 1:
        out["sampling_rate"] = rates.pop()
    elif rates:
        notes.append(Note(where, "collections have different sampling rates; the spec has one"))
    if dc.get("rollingRate") is not None:
        out["rolling_rate"] = (
            _reverse(vocabulary.ROLLING_RATE, dc["rollingRate"]) or dc["rollingRate"]
        )
    logging = dc.get("requestLogging")
    if isinstance(logging, Mapping) and logging.get("captureHeaders"):
        out["request_logging"] = {"capture_headers": list(logging["captureHeaders"])}
    if collections:
        out["collections"] = collections
    return out


# -- autoscale --------------------------------------------------------------------------------
_METRIC_WORDS = {metric: word for word, (metric, _) in monitor.METRICS.items()}


def _rule(rule: Mapping[str, Any]) -> dict[str, Any] | None:
    trigger = rule.get("metricTrigger") or {}
    action = rule.get("scaleAction") or {}
    operator = _reverse(monitor.OPERATORS, trigger.get("operator"))
    direction = {"increase": "out", "decrease": "in"}.get(str(action.get("direction")).lower())
    if operator is None or direction is None or trigger.get("threshold") is None:
        return None
    out: dict[str, Any] = {
        "metric": _METRIC_WORDS.get(str(trigger.get("metricName")), trigger.get("metricName")),
        "operator": operator,
        "threshold": monitor.number(float(trigger["threshold"])),
        "direction": direction,
    }
    try:
        change = int(str(action.get("value")))
    except ValueError:
        return None
    values = {
        "change": change,
        "time_window_minutes": _minutes(trigger.get("timeWindow")),
        "time_grain_minutes": _minutes(trigger.get("timeGrain")),
        "statistic": _reverse(monitor.STATISTICS, trigger.get("statistic")),
        "time_aggregation": _reverse(monitor.AGGREGATIONS, trigger.get("timeAggregation")),
        "cooldown_minutes": _minutes(action.get("cooldown")),
    }
    for key, value in values.items():
        if value is None:
            return None
        if value != _RULE_DEFAULTS[key]:
            out[key] = value
    return out


def _capacity(profile: Mapping[str, Any]) -> tuple[int, int, int] | None:
    cap = profile.get("capacity") or {}
    try:
        return int(str(cap["minimum"])), int(str(cap["maximum"])), int(str(cap["default"]))
    except (KeyError, ValueError):
        return None


def _clock(schedule: Mapping[str, Any]) -> str | None:
    hours, minutes = schedule.get("hours") or [0], schedule.get("minutes") or [0]
    if len(hours) != 1 or len(minutes) != 1:
        return "?"
    if (hours[0], minutes[0]) == (0, 0):
        return None
    return f"{int(hours[0]):02d}:{int(minutes[0]):02d}"


def autoscale_document(
    body: Mapping[str, Any], deployment: str, notes: list[Note]
) -> dict[str, Any] | None:
    """The spec's `autoscale.<deployment>` entry; the shapes `desired.monitor` writes
    (a `default` profile, schedule profiles with their `-end` profiles) are recognised."""
    where = f"autoscale.{deployment}"
    props = body.get("properties") or {}
    profiles = [p for p in props.get("profiles") or [] if isinstance(p, Mapping)]
    default = next(
        (p for p in profiles if not p.get("recurrence") and not p.get("fixedDate")), None
    )
    if default is None or _capacity(default) is None:
        notes.append(
            Note(
                where,
                f"autoscale setting {body.get('name')!r} has no default profile "
                "the spec can express",
            )
        )
        return None
    lo, hi, dflt = _capacity(default)  # type: ignore[misc]
    out: dict[str, Any] = {"min_instances": lo, "max_instances": hi, "default_instances": dflt}
    if props.get("enabled") is not None and not is_default(
        "autoscale", "properties.enabled", props["enabled"]
    ):
        out["enabled"] = bool(props["enabled"])
    rules = []
    for index, rule in enumerate(default.get("rules") or []):
        converted = _rule(rule)
        if converted is None:
            notes.append(
                Note(
                    f"{where}.rules",
                    f"rule {index} of the default profile cannot be written in the spec: "
                    f"{_text(rule)}",
                )
            )
            continue
        rules.append(converted)
    if rules:
        out["rules"] = rules
    schedules = _schedules(profiles, default, where, notes)
    if schedules:
        out["schedules"] = schedules
    return out


def _schedules(
    profiles: list[Mapping[str, Any]],
    default: Mapping[str, Any],
    where: str,
    notes: list[Note],
) -> list[dict[str, Any]]:
    """Weekly schedule profiles, each with the end time its `-end` profile gives it."""
    by_name = {str(p.get("name")): p for p in profiles}
    schedules = []
    for profile in profiles:
        name = str(profile.get("name"))
        if profile is default or (name.endswith("-end") and name[:-4] in by_name):
            continue
        rec = profile.get("recurrence") or {}
        sched = rec.get("schedule") or {}
        cap = _capacity(profile)
        if str(rec.get("frequency")) != "Week" or cap is None:
            notes.append(
                Note(f"{where}.schedules", f"profile {name!r} cannot be written in the spec")
            )
            continue
        entry: dict[str, Any] = {
            "name": name,
            "days": list(sched.get("days") or []),
            "timezone": sched.get("timeZone") or "UTC",
            "min_instances": cap[0],
            "max_instances": cap[1],
            "default_instances": cap[2],
        }
        start = _clock(sched)
        if start:
            entry["start"] = start
        end = by_name.get(f"{name}-end")
        if end is not None:
            end_sched = ((end.get("recurrence") or {}).get("schedule")) or {}
            if list(end_sched.get("days") or []) == entry["days"]:
                entry["end"] = _clock(end_sched) or "00:00"
        schedules.append(entry)
    return schedules
