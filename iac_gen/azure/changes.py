"""Read who changed the exported resources, read-only: `iac-gen export --changes`.

Two sources, in this order:

1. Azure Resource Graph `resourcechanges` (the same query POST the fleet export sends, to
   `/providers/Microsoft.ResourceGraph/resources`): one row per change with the changed
   property paths (`properties.changes`, keys such as `sku.capacity` or `tags.owner`) and the
   change actor (`properties.changeAttributes`: `changedBy`, `changedByType`, `clientType`,
   `operation`, `timestamp`, `correlationId`). Resource Graph keeps 14 days.
   Shape: learn.microsoft.com/azure/governance/resource-graph/changes/get-resource-changes
   and azure-rest-api-specs `Microsoft.Resources/changes/stable/2022-05-01/examples`.
2. Where that has nothing for a resource (or could not be read), the Activity Log:
   `GET /subscriptions/{s}/providers/microsoft.insights/eventtypes/management/values`
   (api-version 2015-04-01) with `$filter=eventTimestamp ge '..' and eventTimestamp le '..'
   and resourceUri eq '..'` (the only filter forms the service accepts, per the monitor
   spec `activityLogs_API.json`), keeping succeeded `.../write` and `.../delete` operations.
   `$select` leaves out `claims` (token claims) and the client IP address is dropped: a
   record keeps who, which operation, when and the HTTP method, nothing else.

What a record keeps is bounded and plain: resource id, source, timestamp (UTC, to the
second), actor, actor type, client, operation, change type, correlation id, HTTP method and
the changed property paths - never previous or new values (they may be secrets). Actor text
that looks like a credential is withheld by `iac_gen.secrets`; `redact_actors` replaces
every actor by a pseudonym (`actor-1`, `actor-2`, ... in order of first appearance over the
sorted records, so the same actor gets the same pseudonym within one run and nothing about
it can be recovered).

A refused or failed source (HTTP 403, a resource provider that is not registered, a
timeout) never fails the export: the resources it could not vouch for are `unknown` with the
reason, and drift says so beside each finding.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from iac_gen.azure.client import (
    ClientSettings,
    GraphReader,
    _answer_problem,
    _Pipeline,
    _reason_for,
    _same_origin,
    parse_body,
)
from iac_gen.azure.http import ByteBudget
from iac_gen.azure.ids import BadId, parse_id, shown
from iac_gen.live.change_records import pseudonymise, record_key
from iac_gen.secrets import REDACTED, is_secret_value, looks_random

GRAPH_DAYS = 14  # Resource Graph keeps resource changes for 14 days
MAX_DAYS = 90  # the Activity Log keeps 90 days
DEFAULT_DAYS = 14
ACTIVITY_API = "2015-04-01"
ACTIVITY_SELECT = (
    "authorization,caller,correlationId,eventDataId,eventName,eventTimestamp,httpRequest,"
    "operationName,resourceId,status"
)
IDS_PER_QUERY = 50  # resource ids per resourcechanges query (keeps the KQL text short)
MAX_ACTIVITY_RESOURCES = 200  # Activity Log fallbacks per export (one GET series each)
MAX_RECORDS = 20_000  # change records kept per export
MAX_PATHS = 200  # property paths kept per record
MAX_TEXT = 256  # characters kept of any record text
SOURCES = ("resourcechanges", "activity_log")
_SAFE_ID = re.compile(r"^/[A-Za-z0-9_.\-/()~ ]+$")
_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.I
)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as Azure writes it (7 fraction digits, `Z` or `+00:00`) in UTC,
    or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if match is None:
        return None
    day, clock, zone = match.groups()
    try:
        when = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)
    except ValueError:
        return None
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        when -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str | None:
    """Record text: bounded, and withheld when it looks like a credential."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:MAX_TEXT]
    if is_secret_value(text) or (looks_random(text) and not _is_guid(text)):
        return REDACTED
    return text


_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _is_guid(text: str) -> bool:
    return bool(_GUID.match(text))


def _value(field_: Any) -> Any:
    """A LocalizableString's invariant `value` (or the plain string)."""
    if isinstance(field_, Mapping):
        return field_.get("value")
    return field_


# -- records ---------------------------------------------------------------------------------


def record_from_row(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A `resourcechanges` row as a change record, or None when it is not usable."""
    props = row.get("properties")
    if not isinstance(props, Mapping):
        return None
    target = props.get("targetResourceId")
    attrs = props.get("changeAttributes")
    attrs = attrs if isinstance(attrs, Mapping) else {}
    when = parse_time(attrs.get("timestamp"))
    if not isinstance(target, str) or when is None:
        return None
    changes = props.get("changes")
    paths = sorted(str(k) for k in changes)[:MAX_PATHS] if isinstance(changes, Mapping) else []
    return {
        "resource_id": target[:1000],
        "source": "resourcechanges",
        "timestamp": iso(when),
        "changed_by": _text(attrs.get("changedBy")),
        "changed_by_type": _text(attrs.get("changedByType")),
        "client_type": _text(attrs.get("clientType")),
        "operation": _text(attrs.get("operation")),
        "change_type": _text(props.get("changeType")),
        "correlation_id": _text(attrs.get("correlationId")),
        "http_method": None,
        "properties": paths,
    }


def record_from_event(event: Mapping[str, Any], resource_id: str) -> dict[str, Any] | None:
    """An Activity Log event as a change record: only succeeded writes and deletes."""
    operation = _value(event.get("operationName"))
    status = _value(event.get("status"))
    if not isinstance(operation, str) or not operation.lower().endswith(("/write", "/delete")):
        return None
    if not isinstance(status, str) or status.lower() != "succeeded":
        return None
    when = parse_time(event.get("eventTimestamp"))
    if when is None:
        return None
    http = event.get("httpRequest")
    method = http.get("method") if isinstance(http, Mapping) else None
    return {
        "resource_id": str(event.get("resourceId") or resource_id)[:1000],
        "source": "activity_log",
        "timestamp": iso(when),
        "changed_by": _text(event.get("caller")),
        "changed_by_type": None,
        "client_type": None,
        "operation": _text(operation),
        "change_type": "Delete" if operation.lower().endswith("/delete") else "Write",
        "correlation_id": _text(event.get("correlationId")),
        "http_method": _text(method.upper()) if isinstance(method, str) else None,
        "properties": [],
    }


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeOptions:
    days: int = DEFAULT_DAYS
    redact_actors: bool = False
    subscriptions: tuple[str, ...] = ()
    management_group: str | None = None


@dataclass
class _Coverage:
    status: str = "read"  # read | unknown
    source: str = "none"
    days: int = 0
    reasons: list[str] = field(default_factory=list)


def _kql_ids(ids: Sequence[str]) -> str:
    return ", ".join(f"'{i.lower()}'" for i in ids)


def graph_query(ids: Sequence[str], since: datetime, until: datetime) -> str:
    """The resourcechanges query for these resource ids and this window (ids already
    checked to hold no quote, so each is one KQL string literal)."""
    return (
        "resourcechanges"
        " | extend changeTime = todatetime(properties.changeAttributes.timestamp),"
        " targetResourceId = tolower(tostring(properties.targetResourceId))"
        f" | where changeTime >= datetime({iso(since)}) and changeTime <= datetime({iso(until)})"
        f" | where targetResourceId in ({_kql_ids(ids)})"
        " | order by changeTime desc"
        " | project id, properties"
    )


def activity_filter(resource_id: str, since: datetime, until: datetime) -> str:
    return (
        f"eventTimestamp ge '{iso(since)}' and eventTimestamp le '{iso(until)}' "
        f"and resourceUri eq '{resource_id}'"
    )


def _queryable(resource_id: str) -> bool:
    """Only plain ARM ids go into a KQL literal or an OData filter (no quote, no control)."""
    if not _SAFE_ID.match(resource_id) or len(resource_id) > 1000:
        return False
    try:
        parse_id(resource_id)
    except BadId:
        return False
    return True


class ActivityReader:
    """Activity Log pages for one resource, following `nextLink` on the same host only."""

    def __init__(self, credential: Any, settings: ClientSettings, budget: ByteBudget):
        self.settings = settings
        self._pipe = _Pipeline(credential, settings, budget)

    def close(self) -> None:
        self._pipe.close()

    def events(
        self, resource_id: str, since: datetime, until: datetime
    ) -> tuple[list[dict[str, Any]], str | None]:
        """(events, None) when read to the end, else (events so far, reason)."""
        sub = resource_id.split("/")[2]
        query = urlencode(
            {
                "api-version": ACTIVITY_API,
                "$filter": activity_filter(resource_id, since, until),
                "$select": ACTIVITY_SELECT,
            },
            quote_via=quote,
        )
        origin = self.settings.arm_endpoint
        path = f"/subscriptions/{quote(sub, safe='')}/providers/microsoft.insights"
        url: str | None = f"{origin}{path}/eventtypes/management/values?{query}"
        events: list[dict[str, Any]] = []
        seen: set[str] = set()
        pages = 0
        while url:
            if url in seen:
                return events, "Activity Log: nextLink loop (same link twice)"
            if pages >= self.settings.max_pages:
                return events, f"Activity Log: more than {self.settings.max_pages} pages"
            if not _same_origin(url, origin) or urlsplit(url).fragment:
                return events, "Activity Log: nextLink leaves the ARM endpoint"
            seen.add(url)
            pages += 1
            try:
                answer = self._pipe.send("GET", url)
                problem = _answer_problem(answer, origin, self.settings.deadline)
                if problem is not None:
                    raise problem
                doc = parse_body(answer.body)
            except Exception as exc:  # classified: one resource, one reason
                return events, f"Activity Log: {_reason_for(exc)[1]}"
            if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
                return events, "Activity Log: malformed body (no value)"
            events.extend(e for e in doc["value"] if isinstance(e, dict))
            nxt = doc.get("nextLink")
            url = nxt if isinstance(nxt, str) and nxt else None
        return events, None


def read_changes(
    resource_ids: Iterable[str],
    options: ChangeOptions,
    settings: ClientSettings,
    credential: Any,
    *,
    observed_at: datetime,
    progress: Callable[[str, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The bundle's `changes` member for these resource ids (see `iac_gen.live.bundle`):
    Resource Graph `resourcechanges` first (`_graph_changes`), the Activity Log for the
    resources it says nothing about (`_activity_changes`), then one record list."""
    days = max(1, min(int(options.days), MAX_DAYS))
    until = observed_at
    since = until - timedelta(days=days)
    ids = sorted({i for i in resource_ids}, key=str.lower)
    coverage = {i.lower(): _Coverage() for i in ids}
    usable = [i for i in ids if _queryable(i)]
    for rid in ids:
        if not _queryable(rid):
            cov = coverage[rid.lower()]
            cov.status, cov.reasons = "unknown", ["the resource id cannot be put in a query"]
    budget = ByteBudget(64 * 1024 * 1024)
    records: list[dict[str, Any]] = []
    sources: dict[str, dict[str, Any]] = {}
    fallback = _graph_changes(
        usable, options, settings, credential, budget, (days, until), coverage, records, sources
    )
    if progress:
        progress(
            "changes", {"source": "resourcechanges", "rows": sources["resourcechanges"]["rows"]}
        )
    _activity_changes(
        fallback, settings, credential, budget, (days, since, until), coverage, records, sources
    )
    kept, truncated = _kept_records(records, options)
    return {
        "days": days,
        "observed_at": iso(until),
        "since": iso(since),
        "actors_redacted": bool(options.redact_actors),
        "truncated": truncated,
        "sources": sources,
        "resources": [_coverage_entry(rid, coverage[rid.lower()]) for rid in ids],
        "records": kept,
    }


def _kept_records(
    records: list[dict[str, Any]], options: ChangeOptions
) -> tuple[list[dict[str, Any]], bool]:
    """(the records once each, sorted; pseudonymised when asked; the newest MAX_RECORDS when
    there are more), whether some were left out."""
    unique = {record_key(r): r for r in records}
    kept = sorted(unique.values(), key=record_key)
    truncated = len(kept) > MAX_RECORDS
    if truncated:  # keep the newest of every resource first: drift looks for the latest
        kept = sorted(kept, key=lambda r: r["timestamp"], reverse=True)[:MAX_RECORDS]
        kept.sort(key=record_key)
    if options.redact_actors:
        kept = pseudonymise(kept)
    return kept, truncated


def _coverage_entry(rid: str, cov: _Coverage) -> dict[str, Any]:
    """What the change history knows of one resource: status, source, days, why not more."""
    reason = "; ".join(dict.fromkeys(shown(r, 300) for r in cov.reasons))
    return {
        "id": rid,
        "status": cov.status,
        "source": cov.source,
        "days": cov.days,
        "reason": reason,
    }


def _graph_changes(
    usable: list[str],
    options: ChangeOptions,
    settings: ClientSettings,
    credential: Any,
    budget: ByteBudget,
    window: tuple[int, datetime],
    coverage: dict[str, _Coverage],
    records: list[dict[str, Any]],
    sources: dict[str, dict[str, Any]],
) -> list[str]:
    """Resource Graph `resourcechanges` for `usable` ids, in batches: records and coverage
    filled in, `sources["resourcechanges"]` set. Returns the ids it holds nothing for (the
    Activity Log's to answer)."""
    days, until = window
    graph_since = until - timedelta(days=min(days, GRAPH_DAYS))
    graph_failed: dict[str, str] = {}  # lower id -> reason
    graph = GraphReader(credential, settings, budget=budget)
    rows = 0
    try:
        for start in range(0, len(usable), IDS_PER_QUERY):
            batch = usable[start : start + IDS_PER_QUERY]
            fetched = graph.query(
                graph_query(batch, graph_since, until),
                subscriptions=list(options.subscriptions),
                management_group=options.management_group,
            )
            rows += len(fetched.items)
            for row in fetched.items:
                record = record_from_row(row)
                if record is not None and record["resource_id"].lower() in coverage:
                    records.append(record)
            if fetched.status != "read":
                graph_failed.update({i.lower(): fetched.reason for i in batch})
    finally:
        graph.close()
    sources["resourcechanges"] = {
        "status": "read" if not graph_failed else "unavailable",
        "reason": next(iter(graph_failed.values()), ""),
        "rows": rows,
        "days": min(days, GRAPH_DAYS),
    }
    with_graph = {r["resource_id"].lower() for r in records}
    for rid in usable:
        cov = coverage[rid.lower()]
        if rid.lower() in with_graph:
            cov.source, cov.days = "resourcechanges", min(days, GRAPH_DAYS)
        elif rid.lower() not in graph_failed:
            cov.days = min(days, GRAPH_DAYS)  # Resource Graph answered: nothing recorded
        else:
            cov.reasons.append(graph_failed[rid.lower()])
    return [i for i in usable if i.lower() not in with_graph]


def _activity_changes(
    fallback: list[str],
    settings: ClientSettings,
    credential: Any,
    budget: ByteBudget,
    window: tuple[int, datetime, datetime],
    coverage: dict[str, _Coverage],
    records: list[dict[str, Any]],
    sources: dict[str, dict[str, Any]],
) -> None:
    """Activity Log writes of each `fallback` id (at most MAX_ACTIVITY_RESOURCES, within the
    export deadline): records and coverage filled in, `sources["activity_log"]` set."""
    days, since, until = window
    activity = ActivityReader(credential, settings, budget)
    events_read = 0
    failures: list[str] = []
    try:
        for index, rid in enumerate(fallback):
            cov = coverage[rid.lower()]
            if index >= MAX_ACTIVITY_RESOURCES:
                cov.reasons.append(
                    f"Activity Log: read for at most {MAX_ACTIVITY_RESOURCES} resources per export"
                )
            elif settings.deadline is not None and time.monotonic() >= settings.deadline:
                cov.reasons.append("Activity Log: export deadline exceeded")
            else:
                events, reason = activity.events(rid, since, until)
                events_read += len(events)
                found = [r for e in events if (r := record_from_event(e, rid)) is not None]
                found = [r for r in found if r["resource_id"].lower() == rid.lower()]
                if reason is None:
                    cov.days = days
                    if found:
                        cov.source = "activity_log"
                        records.extend(found)
                else:
                    cov.reasons.append(reason)
                    failures.append(reason)
            if cov.days == 0:
                cov.status = "unknown"
    finally:
        activity.close()
    sources["activity_log"] = {
        "status": "unavailable" if failures else "read",
        "reason": failures[0] if failures else "",
        "resources": min(len(fallback), MAX_ACTIVITY_RESOURCES),
        "events": events_read,
        "days": days,
    }
