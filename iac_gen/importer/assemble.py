"""Group a live state by endpoint and assemble one spec document per endpoint.

Ownership tags (`owner`, `team`, ...) become the spec's `ownership` only where every resource
the spec makes carries the same value (the compiler writes them onto each of them); other
tags stay on their resource. Autoscale settings join the deployment they target, diagnostic
settings the endpoint they attach to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iac_gen.drift import tables
from iac_gen.drift.asset_ids import WorkspaceRef, parse_ml_id
from iac_gen.drift.kinds import COMPANION_KINDS, endpoint_of, target_of
from iac_gen.importer.build import (
    OWNERSHIP_TAGS,
    Imported,
    Note,
    autoscale_document,
    deployment_document,
    endpoint_document,
)
from iac_gen.vocabulary import WORKSPACE_TYPE

ENDPOINT = "endpoint"


def _kind(body: Mapping[str, Any]) -> str | None:
    rtype = str(body.get("type", "")).lower()
    if rtype == tables.ENDPOINT_TYPE:
        return "endpoint"
    if rtype == tables.DEPLOYMENT_TYPE:
        return "deployment"
    return COMPANION_KINDS.get(rtype)


def _target(ws: WorkspaceRef, endpoint: Mapping[str, Any]) -> dict[str, str]:
    parts = str(endpoint["id"]).strip("/").split("/")
    target = {"subscription": parts[1], "resource_group": parts[3], "workspace": parts[7]}
    if endpoint.get("location"):
        # ARM answers with the region's name (`westeurope`); some shapes carry its display
        # name (`West Europe`), which a spec's target refuses: write the name.
        target["location"] = str(endpoint["location"]).replace(" ", "").lower()
    return target


def _ownership(tagged: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Ownership fields every tagged document (endpoint, deployments, autoscale) shares."""
    out: dict[str, Any] = {}
    for field, tag in OWNERSHIP_TAGS:
        values = {(doc.get("tags") or {}).get(tag) for doc in tagged}
        if len(values) != 1:
            continue
        value = values.pop()
        if not value:
            continue
        if field == "approvers":
            parts = value.split(", ")
            if not all(parts):
                continue
            out[field] = parts
        else:
            out[field] = value
    for doc in tagged:
        tags = doc.get("tags") or {}
        for field, tag in OWNERSHIP_TAGS:
            if field in out:
                tags.pop(tag, None)
        if not tags:
            doc.pop("tags", None)
    return out


def assemble(
    resources: Sequence[Mapping[str, Any]],
    *,
    native: bool,
    only: Sequence[str] = (),
) -> tuple[list[Imported], list[str]]:
    """Imported endpoints (sorted by workspace, then name) and what was left aside."""
    endpoints: dict[tuple[WorkspaceRef, str], Mapping[str, Any]] = {}
    deployments: dict[tuple[WorkspaceRef, str], list[Mapping[str, Any]]] = {}
    autoscale: dict[tuple[WorkspaceRef, str], list[tuple[str, Mapping[str, Any]]]] = {}
    diagnostics: dict[tuple[WorkspaceRef, str], list[Mapping[str, Any]]] = {}
    aside: list[str] = []
    for body in resources:
        kind = _kind(body)
        rid = str(body.get("id", ""))
        if kind in ("endpoint", "deployment"):
            parsed = parse_ml_id(rid)
            found_key = parsed[1] if parsed is not None else None
            if parsed is None or found_key is None:
                aside.append(f"{rid}: not an online endpoint id")
                continue
            ws = parsed[0]
            if kind == "endpoint":
                endpoints[(ws, found_key.endpoint)] = body
            else:
                deployments.setdefault((ws, found_key.endpoint), []).append(body)
        elif kind == "autoscale":
            found = target_of(body)
            if found is None or not found[1].deployment:
                aside.append(f"{rid}: autoscale setting that targets no online deployment")
                continue
            autoscale.setdefault((found[0], found[1].endpoint), []).append(
                (found[1].deployment, body)
            )
        elif kind == "diagnostics":
            found = endpoint_of(rid)
            if found is None:
                aside.append(f"{rid}: diagnostic setting on something other than an endpoint")
                continue
            diagnostics.setdefault((found[0], found[1].endpoint), []).append(body)
        elif str(body.get("type", "")).lower() != WORKSPACE_TYPE.lower():
            aside.append(f"{rid}: {body.get('type')} is not part of an endpoint spec")
    wanted = {n.lower() for n in only}
    for orphan in sorted(set(deployments) | set(autoscale) | set(diagnostics)):
        if orphan not in endpoints and (not wanted or orphan[1] in wanted):
            aside.append(
                f"endpoint {orphan[1]} in workspace {orphan[0].workspace}: "
                "its endpoint body is not in "
                "the live input, so no spec is written for its deployments and settings"
            )
    out: list[Imported] = []
    for (ws, name), body in sorted(endpoints.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if wanted and name not in wanted:
            continue
        out.append(_one(ws, body, deployments, autoscale, diagnostics, native=native))
    return out, aside


_Key = tuple[WorkspaceRef, str]
_DOCUMENT_ORDER = (
    "name",
    "description",
    "auth_mode",
    "public_network_access",
    "identity",
    "compute",
    "tags",
    "properties",
    "traffic",
    "mirror_traffic",
)


def _one(
    ws: WorkspaceRef,
    body: Mapping[str, Any],
    deployments: Mapping[_Key, list[Mapping[str, Any]]],
    autoscale: Mapping[_Key, list[tuple[str, Mapping[str, Any]]]],
    diagnostics: Mapping[_Key, list[Mapping[str, Any]]],
    *,
    native: bool,
) -> Imported:
    """One endpoint's spec document, with its deployments, autoscale and monitoring."""
    notes: list[Note] = []
    doc = endpoint_document(body, ws, notes)
    key = (ws, doc["name"].lower())
    item = Imported(ws, _target(ws, body), doc["name"], doc, notes, [str(body["id"])])
    deps = sorted(deployments.get(key, []), key=lambda b: str(b["id"]).lower())
    dep_docs = [deployment_document(d, ws, notes) for d in deps]
    item.resource_ids.extend(str(d["id"]) for d in deps)
    names = {d["name"].lower(): d["name"] for d in dep_docs}
    _keep_declared_routes(doc, names, notes)
    auto_docs, auto_tags = _autoscale(item, autoscale.get(key, []), names, native=native)
    monitoring = _monitoring(item, diagnostics.get(key, []), native=native)
    ownership: dict[str, Any] = {}
    if native:
        ownership = _ownership([doc, *dep_docs, *auto_tags])
        for tagged in auto_tags:
            if tagged.get("tags"):
                notes.append(
                    Note(
                        f"autoscale.{tagged['_for']}",
                        "the autoscale setting's tags "
                        f"{sorted(tagged['tags'])} are not ownership tags shared by the "
                        "endpoint; the spec cannot tag it alone",
                    )
                )
    ordered: dict[str, Any] = {"target": item.target}  # CLI v2 files leave it out
    ordered.update((field, doc[field]) for field in _DOCUMENT_ORDER if field in doc)
    if dep_docs:
        ordered["deployments"] = dep_docs
    if auto_docs:
        ordered["autoscale"] = dict(sorted(auto_docs.items()))
    if monitoring:
        ordered["monitoring"] = monitoring
    if native and ownership:
        ordered["ownership"] = ownership
    item.document = ordered
    return item


def _keep_declared_routes(doc: dict[str, Any], names: Mapping[str, str], notes: list[Note]) -> None:
    """Traffic and mirror traffic to the imported deployments only, in their spelling."""
    for field in ("traffic", "mirror_traffic"):  # Azure compares these names in any casing
        if field not in doc:
            continue
        kept = {names[k.lower()]: v for k, v in doc[field].items() if k.lower() in names}
        for k, v in doc[field].items():
            if k.lower() not in names:
                notes.append(
                    Note(
                        f"{field}.{k}",
                        f"{v} % is not written: deployment {k!r} is not in the live "
                        "input, and a spec can route only to deployments it declares",
                    )
                )
        if kept:
            doc[field] = kept
        else:
            del doc[field]


def _autoscale(
    item: Imported,
    settings: list[tuple[str, Mapping[str, Any]]],
    names: Mapping[str, str],
    *,
    native: bool,
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """(deployment -> `autoscale` entry, each setting's tags) of the endpoint's settings."""
    notes = item.notes
    auto_docs: dict[str, dict[str, Any]] = {}
    auto_tags: list[dict[str, Any]] = []
    for dep, setting in sorted(settings, key=lambda x: str(x[1]["id"]).lower()):
        item.resource_ids.append(str(setting["id"]))
        dep_name = names.get(dep)
        label = f"autoscale setting {setting.get('name')!r}"
        if dep_name is None:
            notes.append(
                Note("autoscale", f"{label} targets deployment {dep!r}, not in the live input")
            )
            continue
        if not native:
            notes.append(
                Note(
                    f"deployments.{dep_name}",
                    f"{label} scales this deployment; CLI v2 YAML has no autoscale (import "
                    "with --format native to keep it)",
                )
            )
            continue
        if dep_name in auto_docs:
            notes.append(
                Note(f"autoscale.{dep_name}", f"{label}: a second setting on one deployment")
            )
            continue
        entry = autoscale_document(setting, dep_name, notes)
        if entry is not None:
            auto_docs[dep_name] = entry
            tags = {str(k): str(v) for k, v in sorted((setting.get("tags") or {}).items())}
            auto_tags.append({"tags": tags, "_for": dep_name})
    return auto_docs, auto_tags


def _monitoring(
    item: Imported, settings: list[Mapping[str, Any]], *, native: bool
) -> dict[str, Any]:
    """`monitoring` from the endpoint's diagnostic settings (the first one's workspace)."""
    monitoring: dict[str, Any] = {}
    for setting in sorted(settings, key=lambda b: str(b.get("name", "")).lower()):
        item.resource_ids.append(str(setting["id"]))
        label = f"diagnostic setting {setting.get('name')!r}"
        workspace_id = (setting.get("properties") or {}).get("workspaceId")
        if not native:
            item.notes.append(
                Note(
                    "",
                    f"{label} sends endpoint logs to {workspace_id or 'another destination'}; "
                    "CLI v2 YAML has no monitoring (import with --format native to keep it)",
                )
            )
        elif workspace_id and "log_analytics_workspace" not in monitoring:
            monitoring["log_analytics_workspace"] = workspace_id
        # any further setting is reported by the drift check as not part of the design
    return monitoring
