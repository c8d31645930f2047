"""Read the live state of online endpoints from Azure and assemble an export bundle.

Two ways to find resources: one workspace through ARM (`--resource-group`/`--workspace`,
optionally one `--endpoint`), or a fleet through Resource Graph (`--graph` over
subscriptions or a management group) with targeted ARM GETs where rows lack properties.
Per-resource GETs run in a bounded thread pool; every resource ends `read`, `missing` or
`not_checked` with a reason. Last, for one workspace, the code and model versions the
deployments reference are read (GET), so drift can compare the running code's content hash
with the repository (not across a fleet: see `_export_graph`).
Returns plain dicts; never prints.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from iac_gen.azure.client import ArmReader, ClientSettings, Fetched, GraphReader
from iac_gen.azure.credentials import make_credential, normalise_endpoint
from iac_gen.azure.http import WORKERS_PER_SLOT, ByteBudget
from iac_gen.azure.ids import (
    ArmPath,
    BadId,
    check_segment,
    parse_id,
    parse_typed,
    shown,
    workspace_of,
)
from iac_gen.shards import Shard, in_shard
from iac_gen.vocabulary import CODE_VERSION_TYPE, MODEL_VERSION_TYPE

__all__ = [
    "BadId",
    "BundleTooLarge",
    "ExportOptions",
    "bundle_text",
    "check_options",
    "export_live",
]
from iac_gen.live import load as live_load
from iac_gen.live.bundle import build_bundle
from iac_gen.live.graph_rows import has_full_properties, row_to_body
from iac_gen.live.secrets import scrub
from iac_gen.vocabulary import (
    AUTOSCALE_API,
    AUTOSCALE_TYPE,
    DEFAULT_API_VERSION,
    DEPLOYMENT_TYPE,
    ENDPOINT_TYPE,
    ML_PROVIDER,
    RESOURCE_GRAPH_PATH,
    WORKSPACE_TYPE,
)
from iac_gen.vocabulary import DIAGNOSTICS_API as DIAGNOSTIC_API
from iac_gen.vocabulary import DIAGNOSTICS_TYPE as DIAGNOSTIC_TYPE

GRAPH_QUERY_ID = RESOURCE_GRAPH_PATH
SUBSCRIPTIONS_QUERY = (
    "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' "
    "| project id, subscriptionId, type | order by subscriptionId asc"
)
GRAPH_QUERY = (
    "resources | where "
    + " or ".join(
        f"type =~ '{t.lower()}'"
        for t in (ENDPOINT_TYPE, DEPLOYMENT_TYPE, WORKSPACE_TYPE, AUTOSCALE_TYPE)
    )
    + " | order by id asc"
)


@dataclass(frozen=True)
class ExportOptions:
    subscriptions: tuple[str, ...] = ()
    resource_group: str | None = None
    workspace: str | None = None
    endpoint: str | None = None
    management_group: str | None = None
    graph: bool = False
    api_version: str = DEFAULT_API_VERSION
    arm_endpoint: str | None = None
    concurrency: int = 8
    timeout: float = 30.0
    deadline: float | None = None  # seconds for the whole export
    retries: int = 6
    retry_backoff: float = 0.8
    max_pages: int = 1000
    changes_days: int | None = None  # --changes [--days N]: read the change history too
    redact_actors: bool = False  # --redact-actors: pseudonyms for who changed what
    shard: Shard | None = None  # --shard K/N: only the subscriptions of shard K (with --graph)


ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass
class _Collector:
    """Thread-safe store of bodies and per-resource statuses."""

    progress: ProgressFn | None = None
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_body(self, body: dict[str, Any], rtype: str | None = None) -> dict[str, Any]:
        """Keep `body` with its secret-looking values removed; returns what is kept."""
        clean, paths = scrub(body)
        rid = str(clean["id"])
        with self.lock:
            self.bodies[rid.lower()] = clean
            self.removed.extend({"id": rid, "path": p} for p in paths)
        self.status(rid, rtype or str(clean.get("type", "")), "read")
        return clean

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


def _ws_path(sub: str, rg: str, ws: str) -> ArmPath:
    return ArmPath.of(
        "subscriptions", sub, "resourceGroups", rg, "providers", *WORKSPACE_TYPE.split("/"), ws
    )


def check_options(options: ExportOptions) -> None:
    """Option values that become path segments must stay one segment each: `..`, `.` and
    empty values are refused (BadId, one line); anything else is quoted into its segment."""
    for what, value in (
        ("--subscription", options.subscriptions[0] if options.subscriptions else None),
        ("--resource-group", options.resource_group),
        ("--workspace", options.workspace),
        ("--endpoint", options.endpoint),
    ):
        if value is not None and not (options.graph and what == "--subscription"):
            check_segment(value, what)


class BundleTooLarge(Exception):
    """The bundle would be larger than `drift` reads (iac_gen.live.load.MAX_BYTES)."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"the bundle would be {size} bytes; drift reads at most {limit} bytes")
        self.size = size
        self.limit = limit


def bundle_text(bundle: dict[str, Any]) -> str:
    """The bundle as written, refused when `drift` could not read it back."""
    from iac_gen.output_files import dumps_json

    text = dumps_json(bundle)
    size = len(text.encode("utf-8"))
    if size > live_load.MAX_BYTES:
        raise BundleTooLarge(size, live_load.MAX_BYTES)
    return text


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
    check_options(options)
    credential = credential or make_credential()
    collector = _Collector(progress=progress)
    first_sub = options.subscriptions[0] if options.subscriptions else ""
    budget = ByteBudget(live_load.MAX_BYTES)
    arm = ArmReader(credential, first_sub, settings, budget=budget)
    try:
        workers = max(1, options.concurrency) * WORKERS_PER_SLOT  # the gate bounds requests
        with ThreadPoolExecutor(max_workers=workers) as pool:
            if options.graph:
                scope = _export_graph(options, settings, credential, arm, pool, collector, budget)
            else:
                scope = _export_workspace(options, arm, pool, collector)
        changes = _read_changes(options, settings, credential, collector, progress, scope)
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
        changes=changes,
    )


def _read_changes(
    options: ExportOptions,
    settings: ClientSettings,
    credential: Any,
    collector: _Collector,
    progress: ProgressFn | None,
    scope: dict[str, Any],
) -> dict[str, Any] | None:
    """The change history of every resource read (`iac_gen.azure.changes`), or None
    without `--changes`. Its failures make attribution unknown; they never fail the export."""
    if options.changes_days is None:
        return None
    from iac_gen.azure.changes import ChangeOptions, read_changes
    from iac_gen.provenance import now

    ids = [str(body["id"]) for body in collector.bodies.values()]
    subs = options.subscriptions if not options.management_group else ()
    group = options.management_group
    if options.shard is not None:  # a shard asks about its own subscriptions only
        subs, group = tuple(scope.get("subscriptions") or ()), None
    return read_changes(
        ids,
        ChangeOptions(
            days=options.changes_days,
            redact_actors=options.redact_actors,
            subscriptions=tuple(subs),
            management_group=group,
        ),
        settings,
        credential,
        observed_at=now(),
        progress=progress,
    )


# -- one workspace through ARM ----------------------------------------------------------------


def _export_workspace(
    options: ExportOptions, arm: ArmReader, pool: ThreadPoolExecutor, col: _Collector
) -> dict[str, Any]:
    sub = options.subscriptions[0]
    rg, ws = str(options.resource_group), str(options.workspace)
    api = options.api_version
    ws_path = _ws_path(sub, rg, ws)
    scope = {
        "mode": "workspace",
        "subscriptions": [sub],
        "resource_group": rg,
        "workspace": ws,
        "endpoint": options.endpoint,
    }
    endpoints_path = ws_path.child("onlineEndpoints")
    autoscale_path = ArmPath.of(
        "subscriptions", sub, "resourceGroups", rg, "providers", *AUTOSCALE_TYPE.split("/")
    )
    one = endpoints_path.child(options.endpoint) if options.endpoint else None

    def phase1(task: str) -> Fetched:
        if task == "workspace":
            return arm.get(ws_path, api)
        if task == "endpoints":
            return arm.get(one, api) if one else arm.list(endpoints_path, api)
        return arm.list(autoscale_path, AUTOSCALE_API)

    workspace, endpoints, autoscale = _parallel(
        pool, phase1, ["workspace", "endpoints", "autoscale"]
    )
    col.outcome(ws_path.id, WORKSPACE_TYPE, workspace)
    endpoint_paths: list[ArmPath] = []
    if one:
        if col.outcome(one.id, ENDPOINT_TYPE, endpoints):
            endpoint_paths = [one]
    else:
        for body in _collection(col, endpoints_path.id, ENDPOINT_TYPE, endpoints):
            col.add_body(body, ENDPOINT_TYPE)
            endpoint_paths.append(endpoints_path.child(_name_of(body)))

    assets = _AssetReads(arm, pool, col, api, (sub,))
    _endpoints_children(endpoint_paths, arm, pool, col, api, assets.want)
    assets.wait()  # before the autoscale match reads the bodies: no thread adds one then
    _autoscale_matches(col, autoscale_path.id, autoscale)
    return scope


def _name_of(item: dict[str, Any]) -> str:
    """The last segment of a listed item's id (ArmReader.list has checked its shape)."""
    return str(item["id"]).rsplit("/", 1)[-1]


def _collection(col: _Collector, path: str, rtype: str, fetched: Fetched) -> list[dict[str, Any]]:
    """Items of a listed collection; an incomplete listing is itself not_checked."""
    if fetched.status != "read":
        reason = fetched.reason or "listing failed"
        status = "missing" if fetched.status == "missing" else "not_checked"
        col.status(path, f"{rtype} (collection)", status, reason)
    return list(fetched.items)


def _endpoints_children(
    endpoints: list[ArmPath],
    arm: ArmReader,
    pool: ThreadPoolExecutor,
    col: _Collector,
    api: str,
    on_deployment: Callable[[dict[str, Any]], None],
) -> None:
    """Deployments (listed, then each read by GET) and diagnostic settings of each endpoint;
    `on_deployment` gets each deployment body read, as kept (secret-looking values removed)."""
    tasks: list[tuple[str, ArmPath]] = []
    for eid in endpoints:
        tasks.append(("deployments", eid.child("deployments")))
        tasks.append(("diagnostics", eid.child("providers", *DIAGNOSTIC_TYPE.split("/"))))

    def listing(task: tuple[str, ArmPath]) -> tuple[str, ArmPath, Fetched]:
        kind, path = task
        return kind, path, arm.list(path, api if kind == "deployments" else DIAGNOSTIC_API)

    def get_one(path: ArmPath) -> None:
        fetched = arm.get(path, api)
        if fetched.status == "read" and isinstance(fetched.body, dict):
            on_deployment(col.add_body(fetched.body, DEPLOYMENT_TYPE))
        else:
            col.status(path.id, DEPLOYMENT_TYPE, fetched.status, fetched.reason)

    # Deployment GETs start as soon as their endpoint's listing arrives (phases overlap).
    listings = [pool.submit(listing, task) for task in tasks]
    gets: list[Future[None]] = []
    for done in as_completed(listings):
        kind, path, fetched = done.result()
        if kind == "deployments":
            items = _collection(col, path.id, DEPLOYMENT_TYPE, fetched)
            if col.progress:
                col.progress("total", {"add": len(items)})
            gets.extend(pool.submit(get_one, path.child(_name_of(i))) for i in items)
        else:
            for item in _collection(col, path.id, DIAGNOSTIC_TYPE, fetched):
                col.add_body(item, DIAGNOSTIC_TYPE)
    for future in gets:
        future.result()


def _target_of(item: dict[str, Any]) -> str | None:
    """An autoscale setting's target (lower case), or None when its properties lack one."""
    props = item.get("properties")
    target = props.get("targetResourceUri") if isinstance(props, dict) else None
    return target.lower() if isinstance(target, str) else None


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
    unusable = [i for i in fetched.items if _target_of(i) is None]
    if unusable:
        col.status(
            path,
            f"{AUTOSCALE_TYPE} (collection)",
            "not_checked",
            f"autoscale setting {shown(str(unusable[0]['id']), 200)!r} has no "
            "properties.targetResourceUri",
        )
    for item in fetched.items:
        if _target_of(item) in targets:
            col.add_body(item, AUTOSCALE_TYPE)


# -- the code and model versions the deployments run ---------------------------------------

_ASSET_SHAPE: tuple[str, ...] = (
    *("subscriptions", "*", "resourcegroups", "*", "providers", ML_PROVIDER.lower()),
    *("workspaces", "*", "*", "*", "versions", "*"),
)
_ASSET_KINDS = {"codes": CODE_VERSION_TYPE, "models": MODEL_VERSION_TYPE}


def _asset_path(value: object, subscriptions: tuple[str, ...]) -> tuple[ArmPath, str] | None:
    """A workspace code or model version id a deployment names, or None (a registry id,
    an `azureml:` short id, anything that is not a plain ARM id of that shape)."""
    if not isinstance(value, str) or not value.startswith("/subscriptions/"):
        return None
    try:
        path = parse_id(value)
    except BadId:
        return None
    key = path.key()
    if len(key) != len(_ASSET_SHAPE) or key[8] not in _ASSET_KINDS:
        return None
    if any(s != "*" and s != k for s, k in zip(_ASSET_SHAPE, key, strict=True)):
        return None
    if subscriptions and key[1] not in {s.lower() for s in subscriptions}:
        return None
    return path, _ASSET_KINDS[key[8]]


class _AssetReads:
    """GET (read-only) the code and model versions the read deployments reference, so drift
    can compare a code version's `properties.properties.hash_sha256` with the repository's
    folder (`iac_gen.drift.code_assets`). One GET per version, however many deployments
    share it; a version that cannot be read is `not_checked` with its reason.

    Each deployment's versions are asked for as soon as its body is read (`want`), so these
    GETs fill the slots the last deployment GETs leave free instead of waiting for all of
    them; the bundle does not depend on the order (`iac_gen.live.bundle` sorts)."""

    def __init__(
        self,
        arm: ArmReader,
        pool: ThreadPoolExecutor,
        col: _Collector,
        api: str,
        subscriptions: tuple[str, ...],
    ):
        self._arm = arm
        self._pool = pool
        self._col = col
        self._api = api
        self._subscriptions = subscriptions
        self._asked: set[tuple[str, ...]] = set()
        self._futures: list[Future[None]] = []
        self._lock = threading.Lock()

    def want(self, body: dict[str, Any]) -> None:
        """Ask for the code and model versions a deployment body (as kept) names."""
        if str(body.get("type", "")).lower() != DEPLOYMENT_TYPE.lower():
            return
        props = body.get("properties")
        if not isinstance(props, dict):
            return
        code = props.get("codeConfiguration")
        for value in (code.get("codeId") if isinstance(code, dict) else None, props.get("model")):
            found = _asset_path(value, self._subscriptions)
            if found is None:
                continue
            with self._lock:
                if found[0].key() in self._asked:
                    continue
                self._asked.add(found[0].key())
                self._futures.append(self._pool.submit(self._get_one, found))

    def _get_one(self, item: tuple[ArmPath, str]) -> None:
        path, rtype = item
        self._col.outcome(path.id, rtype, self._arm.get(path, self._api))

    def wait(self) -> None:
        """Every version asked for is read (or has its reason)."""
        with self._lock:
            futures = list(self._futures)
        for future in futures:
            future.result()


# -- a fleet through Resource Graph -----------------------------------------------------------

_KINDS = {
    WORKSPACE_TYPE.lower(): "workspace",
    ENDPOINT_TYPE.lower(): "endpoint",
    DEPLOYMENT_TYPE.lower(): "deployment",
    AUTOSCALE_TYPE.lower(): "autoscale",
}


def _graph_rows(
    rows: list[dict[str, Any]], subscriptions: tuple[str, ...]
) -> tuple[dict[str, list[tuple[ArmPath, dict[str, Any]]]], list[str]]:
    """Rows by kind with their parsed ids, and one-line problems for rows that cannot be used
    (no id, an id of the wrong shape or outside the scope)."""
    by_kind: dict[str, list[tuple[ArmPath, dict[str, Any]]]] = {k: [] for k in _KINDS.values()}
    problems: list[str] = []
    no_id = 0
    for row in rows:
        kind = _KINDS.get(str(row.get("type", "")).lower())
        if kind is None:
            continue
        if not isinstance(row.get("id"), str):
            no_id += 1
            continue
        try:
            path = parse_typed(row["id"], kind, subscriptions)
        except BadId as exc:
            problems.append(f"row {exc}")
            continue
        by_kind[kind].append((path, row))
    if no_id:
        problems.insert(0, f"{no_id} rows without an id")
    return by_kind, problems


def _export_graph(
    options: ExportOptions,
    settings: ClientSettings,
    credential: Any,
    arm: ArmReader,
    pool: ThreadPoolExecutor,
    col: _Collector,
    budget: ByteBudget,
) -> dict[str, Any]:
    """One Resource Graph query for the scope, then ARM GETs only where rows fall short."""
    graph = GraphReader(credential, settings, budget=budget)
    try:
        subscriptions, group = _graph_scope(options, graph, col)
        scope: dict[str, Any] = {
            "mode": "graph",
            "subscriptions": list(subscriptions),
            "management_group": options.management_group,
            "query": GRAPH_QUERY,
        }
        if options.shard is not None:
            scope["shard"] = str(options.shard)
            if not subscriptions:  # nothing in this shard: asking with none would ask all
                return scope
        fetched = graph.query(
            GRAPH_QUERY, subscriptions=list(subscriptions), management_group=group
        )
    finally:
        graph.close()
    if col.progress:
        col.progress("graph", {"rows": len(fetched.items), "quota_waits": len(graph.quota_waits)})
    by_kind, problems = _graph_rows(fetched.items, tuple(subscriptions))
    reasons = [fetched.reason] if fetched.status != "read" else []
    if problems:
        more = f"; and {len(problems) - 2} more" if len(problems) > 2 else ""
        reasons.append("Resource Graph: " + "; ".join(problems[:2]) + more)
    if reasons:
        reason = "; ".join(reasons)
        col.status(GRAPH_QUERY_ID, "Microsoft.ResourceGraph/query", "not_checked", reason)
    _graph_fill(options, arm, pool, col, by_kind)
    # Code and model versions are not read across a fleet: one GET per deployment is what
    # Resource Graph rows exist to avoid. Drift says, per deployment, that the running
    # code's hash could not be compared; export one workspace to compare it.
    return scope


def _graph_scope(
    options: ExportOptions, graph: GraphReader, col: _Collector
) -> tuple[tuple[str, ...], str | None]:
    """(subscriptions, management group) to query. Unsharded: as given. A shard asks for its
    own subscriptions only: those of `--subscription` it holds or, for a management group,
    those of the group's subscriptions it holds (one small Resource Graph query), so each
    job reads its part of the fleet, not the whole fleet N times."""
    if options.shard is None:
        return options.subscriptions, options.management_group
    if not options.management_group:
        return tuple(in_shard(options.subscriptions, options.shard)), None
    fetched = graph.query(SUBSCRIPTIONS_QUERY, management_group=options.management_group)
    if fetched.status != "read":
        col.status(
            GRAPH_QUERY_ID,
            "Microsoft.ResourceGraph/query",
            "not_checked",
            f"subscriptions of management group: {fetched.reason}",
        )
    found: set[str] = set()
    for row in fetched.items:
        value = row.get("subscriptionId")
        try:
            found.add(check_segment(value if isinstance(value, str) else "", "subscriptionId"))
        except BadId as exc:
            col.status(GRAPH_QUERY_ID, "Microsoft.ResourceGraph/query", "not_checked", str(exc))
    return tuple(in_shard(sorted(found, key=str.lower), options.shard)), None


def _graph_fill(
    options: ExportOptions,
    arm: ArmReader,
    pool: ThreadPoolExecutor,
    col: _Collector,
    by_kind: dict[str, list[tuple[ArmPath, dict[str, Any]]]],
) -> None:
    """Keep rows with full properties; GET the rest, the workspaces rows do not show,
    autoscale settings whose target is unknown, and every endpoint's diagnostic settings."""
    endpoint_rows = by_kind["endpoint"]
    deployment_rows = by_kind["deployment"]
    hosts = {workspace_of(p).key(): workspace_of(p) for p, _ in endpoint_rows}
    workspace_rows = [(p, r) for p, r in by_kind["workspace"] if p.key() in hosts]
    present = {p.key() for p, _ in workspace_rows}
    missing_ws = sorted((h for k, h in hosts.items() if k not in present), key=lambda h: h.key())
    targets = {p.id.lower() for p, _ in endpoint_rows + deployment_rows}
    autoscale_rows = [(p, r) for p, r in by_kind["autoscale"] if _target_of(r) in targets]
    # rows that do not say what they target (partial or odd properties): read by ARM GET,
    # kept when the answer targets an exported resource
    untargeted = [p for p, r in by_kind["autoscale"] if _target_of(r) is None]

    fill: list[tuple[ArmPath, str, str]] = []  # (path, type, api) needing a targeted GET
    for rows, rtype, api in (
        (workspace_rows, WORKSPACE_TYPE, options.api_version),
        (endpoint_rows, ENDPOINT_TYPE, options.api_version),
        (deployment_rows, DEPLOYMENT_TYPE, options.api_version),
        (autoscale_rows, AUTOSCALE_TYPE, AUTOSCALE_API),
    ):
        for path, row in rows:
            if has_full_properties(row):
                col.add_body(dict(row_to_body(row), id=path.id), rtype)
            else:
                fill.append((path, rtype, api))
    fill.extend((wid, WORKSPACE_TYPE, options.api_version) for wid in missing_ws)
    if col.progress:
        col.progress("total", {"add": len(fill) + len(endpoint_rows)})

    def get_one(task: tuple[ArmPath, str, str]) -> None:
        path, rtype, api = task
        col.outcome(path.id, rtype, arm.get(path, api))

    def get_autoscale(path: ArmPath) -> None:
        fetched = arm.get(path, AUTOSCALE_API)
        if fetched.status != "read":
            col.status(path.id, AUTOSCALE_TYPE, fetched.status, fetched.reason)
        elif _target_of(fetched.body) in targets:
            col.add_body(fetched.body, AUTOSCALE_TYPE)

    def diagnostics(eid: ArmPath) -> None:
        path = eid.child("providers", *DIAGNOSTIC_TYPE.split("/"))
        for item in _collection(col, path.id, DIAGNOSTIC_TYPE, arm.list(path, DIAGNOSTIC_API)):
            col.add_body(item, DIAGNOSTIC_TYPE)

    _parallel(pool, get_one, fill)
    _parallel(pool, get_autoscale, untargeted)
    _parallel(pool, diagnostics, [p for p, _ in endpoint_rows])
