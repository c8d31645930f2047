"""Read the live state of online endpoints from Azure and assemble an export bundle.

Two ways to find resources: one workspace through ARM (`--resource-group`/`--workspace`,
optionally one `--endpoint`), or a fleet through Resource Graph (`--graph` over
subscriptions or a management group) with targeted ARM GETs where rows lack properties.
Per-resource GETs run in a bounded thread pool; every resource ends `read`, `missing` or
`not_checked` with a reason. Returns plain dicts; never prints.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from iac_gen.azure.client import ArmReader, ClientSettings, Fetched, GraphReader
from iac_gen.azure.credentials import make_credential, normalise_endpoint
from iac_gen.live.bundle import build_bundle
from iac_gen.live.graph_rows import has_full_properties, row_to_body
from iac_gen.live.secrets import scrub

ML = "Microsoft.MachineLearningServices"
ENDPOINT_TYPE = f"{ML}/workspaces/onlineEndpoints"
DEPLOYMENT_TYPE = f"{ENDPOINT_TYPE}/deployments"
WORKSPACE_TYPE = f"{ML}/workspaces"
AUTOSCALE_TYPE = "Microsoft.Insights/autoscalesettings"
DIAGNOSTIC_TYPE = "Microsoft.Insights/diagnosticSettings"
AUTOSCALE_API = "2022-10-01"
DIAGNOSTIC_API = "2021-05-01-preview"
GRAPH_QUERY_ID = "/providers/Microsoft.ResourceGraph/resources"
GRAPH_QUERY = (
    "resources"
    " | where type =~ 'microsoft.machinelearningservices/workspaces/onlineendpoints'"
    " or type =~ 'microsoft.machinelearningservices/workspaces/onlineendpoints/deployments'"
    " or type =~ 'microsoft.machinelearningservices/workspaces'"
    " or type =~ 'microsoft.insights/autoscalesettings'"
    " | order by id asc"
)


@dataclass(frozen=True)
class ExportOptions:
    subscriptions: tuple[str, ...] = ()
    resource_group: str | None = None
    workspace: str | None = None
    endpoint: str | None = None
    management_group: str | None = None
    graph: bool = False
    api_version: str = "2026-05-01"
    arm_endpoint: str | None = None
    concurrency: int = 8
    timeout: float = 30.0
    deadline: float | None = None  # seconds for the whole export
    retries: int = 6
    retry_backoff: float = 0.8
    max_pages: int = 1000


ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass
class _Collector:
    """Thread-safe store of bodies and per-resource statuses."""

    progress: ProgressFn | None = None
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_body(self, body: dict[str, Any], rtype: str | None = None) -> None:
        clean, paths = scrub(body)
        rid = str(clean["id"])
        with self.lock:
            self.bodies[rid.lower()] = clean
            self.removed.extend({"id": rid, "path": p} for p in paths)
        self.status(rid, rtype or str(clean.get("type", "")), "read")

    def status(self, rid: str, rtype: str, status: str, reason: str = "") -> None:
        entry: dict[str, Any] = {"id": rid, "type": rtype, "status": status}
        if reason:
            entry["reason"] = reason
        with self.lock:
            previous = self.statuses.get(rid.lower())
            if previous and previous["status"] == "read" and status != "read":
                return
            self.statuses[rid.lower()] = entry
        if self.progress:
            self.progress("resource", entry)

    def outcome(self, rid: str, rtype: str, fetched: Fetched) -> dict[str, Any] | None:
        if fetched.status == "read" and isinstance(fetched.body, dict):
            self.add_body(fetched.body, rtype)
            return fetched.body
        self.status(rid, rtype, fetched.status, fetched.reason)
        return None


def _parallel(
    pool: ThreadPoolExecutor, fn: Callable[[Any], Any], items: Iterable[Any]
) -> list[Any]:
    return list(pool.map(fn, list(items)))


def _workspace_of(endpoint_id: str) -> str:
    return re.split(r"/onlineendpoints/", endpoint_id, maxsplit=1, flags=re.IGNORECASE)[0]


def _ws_path(sub: str, rg: str, ws: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{WORKSPACE_TYPE}/{ws}"


def export_live(
    options: ExportOptions,
    *,
    credential: Any | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Export the scope in `options`; returns the bundle dict (see `iac_gen.live.bundle`)."""
    arm_endpoint = normalise_endpoint(options.arm_endpoint)
    deadline = time.monotonic() + options.deadline if options.deadline else None
    settings = ClientSettings(
        arm_endpoint=arm_endpoint,
        concurrency=options.concurrency,
        timeout=options.timeout,
        deadline=deadline,
        retries=options.retries,
        retry_backoff=options.retry_backoff,
        max_pages=options.max_pages,
    )
    credential = credential or make_credential()
    collector = _Collector(progress=progress)
    first_sub = options.subscriptions[0] if options.subscriptions else ""
    arm = ArmReader(credential, first_sub, settings)
    try:
        with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
            if options.graph:
                scope = _export_graph(options, settings, credential, arm, pool, collector)
            else:
                scope = _export_workspace(options, arm, pool, collector)
    finally:
        arm.close()
        closer = getattr(credential, "close", None)
        if callable(closer):
            closer()
    api_versions = {
        "machinelearningservices": options.api_version,
        "autoscalesettings": AUTOSCALE_API,
        "diagnosticSettings": DIAGNOSTIC_API,
    }
    return build_bundle(
        resources=collector.bodies.values(),
        read=collector.statuses.values(),
        scope=scope,
        arm_endpoint=arm_endpoint,
        api_versions=api_versions,
        secrets_removed=collector.removed,
    )


# -- one workspace through ARM ----------------------------------------------------------------


def _export_workspace(
    options: ExportOptions, arm: ArmReader, pool: ThreadPoolExecutor, col: _Collector
) -> dict[str, Any]:
    sub = options.subscriptions[0]
    rg, ws = str(options.resource_group), str(options.workspace)
    api = options.api_version
    ws_id = _ws_path(sub, rg, ws)
    scope = {
        "mode": "workspace",
        "subscriptions": [sub],
        "resource_group": rg,
        "workspace": ws,
        "endpoint": options.endpoint,
    }
    endpoints_path = f"{ws_id}/onlineEndpoints"
    autoscale_path = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{AUTOSCALE_TYPE}"

    def phase1(task: str) -> Fetched:
        if task == "workspace":
            return arm.get(ws_id, api)
        if task == "endpoints":
            if options.endpoint:
                return arm.get(f"{endpoints_path}/{options.endpoint}", api)
            return arm.list(endpoints_path, api)
        return arm.list(autoscale_path, AUTOSCALE_API)

    workspace, endpoints, autoscale = _parallel(
        pool, phase1, ["workspace", "endpoints", "autoscale"]
    )
    col.outcome(ws_id, WORKSPACE_TYPE, workspace)
    endpoint_bodies: list[dict[str, Any]] = []
    if options.endpoint:
        body = col.outcome(f"{endpoints_path}/{options.endpoint}", ENDPOINT_TYPE, endpoints)
        endpoint_bodies = [body] if body else []
    else:
        endpoint_bodies = _collection(col, endpoints_path, ENDPOINT_TYPE, endpoints)
        for body in endpoint_bodies:
            col.add_body(body, ENDPOINT_TYPE)

    _endpoints_children(endpoint_bodies, arm, pool, col, api)
    _autoscale_matches(col, autoscale_path, autoscale)
    return scope


def _collection(col: _Collector, path: str, rtype: str, fetched: Fetched) -> list[dict[str, Any]]:
    """Items of a listed collection; an incomplete listing is itself not_checked."""
    if fetched.status != "read":
        reason = fetched.reason or "listing failed"
        status = "missing" if fetched.status == "missing" else "not_checked"
        col.status(path, f"{rtype} (collection)", status, reason)
    return list(fetched.items)


def _endpoints_children(
    endpoints: list[dict[str, Any]],
    arm: ArmReader,
    pool: ThreadPoolExecutor,
    col: _Collector,
    api: str,
) -> None:
    """Deployments (listed, then each read by GET) and diagnostic settings of each endpoint."""
    tasks = []
    for body in endpoints:
        eid = str(body["id"])
        tasks.append(("deployments", eid))
        tasks.append(("diagnostics", eid))

    def listing(task: tuple[str, str]) -> tuple[str, str, Fetched]:
        kind, eid = task
        if kind == "deployments":
            return kind, eid, arm.list(f"{eid}/deployments", api)
        return kind, eid, arm.list(f"{eid}/providers/{DIAGNOSTIC_TYPE}", DIAGNOSTIC_API)

    def get_one(rid: str) -> None:
        col.outcome(rid, DEPLOYMENT_TYPE, arm.get(rid, api))

    # Deployment GETs start as soon as their endpoint's listing arrives (phases overlap).
    listings = [pool.submit(listing, task) for task in tasks]
    gets: list[Future[None]] = []
    for done in as_completed(listings):
        kind, eid, fetched = done.result()
        if kind == "deployments":
            items = _collection(col, f"{eid}/deployments", DEPLOYMENT_TYPE, fetched)
            if col.progress:
                col.progress("total", {"add": len(items)})
            gets.extend(pool.submit(get_one, str(i["id"])) for i in items)
        else:
            path = f"{eid}/providers/{DIAGNOSTIC_TYPE}"
            for item in _collection(col, path, DIAGNOSTIC_TYPE, fetched):
                col.add_body(item, DIAGNOSTIC_TYPE)
    for future in gets:
        future.result()


def _autoscale_matches(col: _Collector, path: str, fetched: Fetched) -> None:
    """Keep autoscale settings that target an exported endpoint or deployment."""
    targets = {
        rid
        for rid, body in col.bodies.items()
        if str(body.get("type", "")).lower() in (ENDPOINT_TYPE.lower(), DEPLOYMENT_TYPE.lower())
    }
    targets |= {
        rid
        for rid, entry in col.statuses.items()
        if str(entry["type"]).lower() == DEPLOYMENT_TYPE.lower()
    }
    if fetched.status != "read":
        _collection(col, path, AUTOSCALE_TYPE, fetched)
    for item in fetched.items:
        target = str((item.get("properties") or {}).get("targetResourceUri", "")).lower()
        if target in targets:
            col.add_body(item, AUTOSCALE_TYPE)


# -- a fleet through Resource Graph -----------------------------------------------------------


def _export_graph(
    options: ExportOptions,
    settings: ClientSettings,
    credential: Any,
    arm: ArmReader,
    pool: ThreadPoolExecutor,
    col: _Collector,
) -> dict[str, Any]:
    scope = {
        "mode": "graph",
        "subscriptions": list(options.subscriptions),
        "management_group": options.management_group,
        "query": GRAPH_QUERY,
    }
    graph = GraphReader(credential, settings)
    try:
        fetched = graph.query(
            GRAPH_QUERY,
            subscriptions=list(options.subscriptions),
            management_group=options.management_group,
        )
    finally:
        graph.close()
    if col.progress:
        col.progress("graph", {"rows": len(fetched.items), "quota_waits": len(graph.quota_waits)})
    if fetched.status != "read":
        col.status(GRAPH_QUERY_ID, "Microsoft.ResourceGraph/query", "not_checked", fetched.reason)

    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in fetched.items:
        by_type.setdefault(str(row.get("type", "")).lower(), []).append(row)
    endpoint_rows = by_type.get(ENDPOINT_TYPE.lower(), [])
    deployment_rows = by_type.get(DEPLOYMENT_TYPE.lower(), [])
    hosting = {_workspace_of(str(r["id"])).lower() for r in endpoint_rows}
    workspace_rows = [
        r for r in by_type.get(WORKSPACE_TYPE.lower(), []) if str(r["id"]).lower() in hosting
    ]
    present = {str(r["id"]).lower() for r in workspace_rows}
    hosts = {_workspace_of(str(r["id"])) for r in endpoint_rows}
    missing_ws = sorted((h for h in hosts if h.lower() not in present), key=str.lower)
    targets = {str(r["id"]).lower() for r in endpoint_rows + deployment_rows}
    autoscale_rows = [
        r
        for r in by_type.get(AUTOSCALE_TYPE.lower(), [])
        if str((r.get("properties") or {}).get("targetResourceUri", "")).lower() in targets
    ]

    fill: list[tuple[str, str, str]] = []  # (id, type, api) needing a targeted GET
    for rows, rtype, api in (
        (workspace_rows, WORKSPACE_TYPE, options.api_version),
        (endpoint_rows, ENDPOINT_TYPE, options.api_version),
        (deployment_rows, DEPLOYMENT_TYPE, options.api_version),
        (autoscale_rows, AUTOSCALE_TYPE, AUTOSCALE_API),
    ):
        for row in rows:
            if has_full_properties(row):
                col.add_body(row_to_body(row), rtype)
            else:
                fill.append((str(row["id"]), rtype, api))
    fill.extend((wid, WORKSPACE_TYPE, options.api_version) for wid in missing_ws)
    if col.progress:
        col.progress("total", {"add": len(fill) + len(endpoint_rows)})

    def get_one(task: tuple[str, str, str]) -> None:
        rid, rtype, api = task
        col.outcome(rid, rtype, arm.get(rid, api))

    def diagnostics(row: dict[str, Any]) -> None:
        eid = str(row["id"])
        path = f"{eid}/providers/{DIAGNOSTIC_TYPE}"
        for item in _collection(col, path, DIAGNOSTIC_TYPE, arm.list(path, DIAGNOSTIC_API)):
            col.add_body(item, DIAGNOSTIC_TYPE)

    _parallel(pool, get_one, fill)
    _parallel(pool, diagnostics, endpoint_rows)
    return scope
