"""A local HTTPS server that answers like Azure Resource Manager, for tests and demos.

It serves GET on ARM resource paths (workspaces, online endpoints and deployments, autoscale
and diagnostic settings; single resources and paged collections) and the Resource Graph
query API, from fixture bodies indexed by id (and, for `resourcecontainers` queries, the
subscriptions those ids name). For change attribution it also serves
Resource Graph `resourcechanges` rows (a query that starts with `resourcechanges`) and
Activity Log events (`GET .../providers/microsoft.insights/eventtypes/management/values`
with the documented `$filter`), and `history_status` (e.g. 403) refuses both. It injects
faults (see `faults.py`), records every request and reports anything a read-only exporter
must never do: a method other than GET, a POST outside the Resource Graph query path, or
any listKeys / token style action. The certificate comes from `trustme` (a test extra,
imported lazily).
"""

from __future__ import annotations

import json
import re
import ssl
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from iac_gen.emulator.data import unsettled
from iac_gen.emulator.faults import Fault, FaultPlan
from iac_gen.secrets import SECRET_ACTIONS
from iac_gen.vocabulary import RESOURCE_GRAPH_PATH

GRAPH_PATH = RESOURCE_GRAPH_PATH.lower()
_RG_PATH = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+$")
_TYPE_FILTER = re.compile(r"type\s*=~\s*'([^']+)'")
_ACTIVITY_PATH = re.compile(
    r"^/subscriptions/([^/]+)/providers/microsoft\.insights/eventtypes/management/values$"
)
_ACTIVITY_FILTER = re.compile(
    r"^eventTimestamp ge '([^']+)' and eventTimestamp le '([^']+)' and resourceUri eq '([^']+)'$"
)
_KQL_IDS = re.compile(r"targetResourceId in \(([^)]*)\)")
_KQL_TIMES = re.compile(r"\bdatetime\((\d[^)]*)\)")
_GRAPH_ONLY_FIELDS = ("tenantId", "resourceGroup", "subscriptionId", "managedBy", "plan", "zones")


class TrustmeMissing(RuntimeError):
    """`trustme` is needed for the emulator's certificate and is not installed."""


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: str
    status: int
    authorized: bool
    at: float = 0.0  # time.monotonic() when the answer was sent


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0]


def _graph_row(body: dict[str, Any], properties: str) -> dict[str, Any]:
    """A Resource Graph `resources` row for an ARM body (types lower-cased, as ARG returns)."""
    rid = str(body["id"])
    parts = rid.split("/")
    row: dict[str, Any] = {
        "id": rid,
        "name": body.get("name"),
        "type": str(body.get("type", "")).lower(),
        "tenantId": "72f988bf-0000-4000-8000-000000000001",
        "kind": body.get("kind", ""),
        "location": body.get("location", ""),
        "resourceGroup": parts[4].lower() if len(parts) > 4 else "",
        "subscriptionId": parts[2] if len(parts) > 2 else "",
        "managedBy": "",
        "sku": body.get("sku"),
        "plan": None,
        "properties": body.get("properties", {}),
        "tags": body.get("tags", {}),
        "identity": body.get("identity"),
        "zones": None,
        "extendedLocation": None,
    }
    if properties == "partial":
        state = (body.get("properties") or {}).get("provisioningState")
        row["properties"] = {"provisioningState": state} if state else {}
    return row


class Emulator:
    """Run with `with Emulator(bodies) as emu:`; `emu.url` and `emu.ca_file` reach it."""

    def __init__(
        self,
        resources: Iterable[dict[str, Any]],
        *,
        page_size: int = 100,
        graph_page_size: int = 100,
        latency: float = 0.0,
        graph_quota: int | None = None,
        graph_quota_window: float = 5.0,
        graph_properties: str = "full",
        token: str | None = None,
        faults: list[Fault] | None = None,
        seed: int = 7,
        port: int = 0,
        changes: Iterable[dict[str, Any]] = (),
        activity: Iterable[dict[str, Any]] = (),
        history_status: int | None = None,
        history_error_code: str | None = None,
    ):
        self.index: dict[str, dict[str, Any]] = {}
        for body in resources:
            self.index[str(body["id"]).lower()] = body
        self.page_size = page_size
        self.graph_page_size = graph_page_size
        self.latency = latency
        self.graph_quota = graph_quota
        self.graph_quota_window = graph_quota_window
        self.graph_properties = graph_properties
        self.token = token
        self.faults = FaultPlan(faults, seed)
        self.port = port
        self.changes = list(changes)  # resourcechanges rows (see data.change_row)
        self.activity = list(activity)  # Activity Log events (see data.activity_event)
        self.history_status = history_status  # refuse both change sources with this status
        self.history_error_code = history_error_code
        self.records: list[Recorded] = []
        self.next_link_base: str | None = None  # origin used in nextLinks (default: own URL)
        self.graph_quota_rejections = 0
        self._graph_times: deque[float] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.ca_file: Path | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Emulator:
        try:
            import trustme
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise TrustmeMissing(
                "the ARM emulator needs the `trustme` package for its TLS certificate; "
                "install the test extra: pip install 'iac-gen[test]' (or pip install trustme)"
            ) from exc
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self._tmp = tempfile.TemporaryDirectory(prefix="iac-gen-emulator-")
        self.ca_file = Path(self._tmp.name) / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)

        emulator = self

        class Handler(_Handler):
            emu = emulator

        server = _QuietServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.request_queue_size = 128
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # -- configuration and assertions -------------------------------------------------------

    def set_faults(self, faults: list[Fault], seed: int = 7) -> None:
        self.faults.set(faults, seed)

    def reset_records(self) -> None:
        with self._lock:
            self.records.clear()
            self.graph_quota_rejections = 0

    def record(self, entry: Recorded) -> None:
        with self._lock:
            self.records.append(entry)

    def violations(self) -> list[str]:
        """Requests a read-only exporter must never make."""
        found: list[str] = []
        for rec in list(self.records):
            path = rec.path.lower()
            last = path.rstrip("/").rsplit("/", 1)[-1]
            if last in SECRET_ACTIONS:
                found.append(f"{rec.method} {rec.path}: secret-bearing action")
            elif rec.method == "POST" and path != GRAPH_PATH:
                found.append(f"POST {rec.path}: only the Resource Graph query may be POSTed")
            elif rec.method not in ("GET", "POST"):
                found.append(f"{rec.method} {rec.path}: write or unsupported method")
            elif rec.method == "GET" and not path.startswith("/subscriptions/"):
                found.append(f"GET {rec.path}: not an ARM resource path")
        return found

    def assert_only_allowed(self) -> None:
        bad = self.violations()
        if bad:
            raise AssertionError("emulator saw forbidden requests:\n" + "\n".join(bad))

    # -- behaviour --------------------------------------------------------------------------

    def children(self, collection: str) -> list[dict[str, Any]]:
        key = collection.lower().rstrip("/")
        found = [b for rid, b in self.index.items() if _parent(rid) == key]
        return sorted(found, key=lambda b: str(b["id"]).lower())

    def collection_owner_exists(self, collection: str) -> bool:
        owner = _parent(collection.lower().rstrip("/"))
        if owner.endswith("/providers/microsoft.insights"):
            owner = owner[: -len("/providers/microsoft.insights")]
        return bool(_RG_PATH.match(owner)) or owner in self.index

    def graph_admit(self) -> tuple[bool, int, float]:
        """Count one query against the quota: (allowed, remaining, seconds until reset)."""
        now = time.monotonic()
        with self._lock:
            while self._graph_times and now - self._graph_times[0] >= self.graph_quota_window:
                self._graph_times.popleft()
            if self.graph_quota is None:
                return True, 15, self.graph_quota_window
            resets = (
                self.graph_quota_window - (now - self._graph_times[0])
                if self._graph_times
                else self.graph_quota_window
            )
            if len(self._graph_times) >= self.graph_quota:
                self.graph_quota_rejections += 1
                return False, 0, resets
            self._graph_times.append(now)
            return True, self.graph_quota - len(self._graph_times), resets

    def graph_rows(self, query: str, subscriptions: list[str]) -> list[dict[str, Any]]:
        wanted = {t.lower() for t in _TYPE_FILTER.findall(query)}
        subs = {s.lower() for s in subscriptions}
        rows = []
        for rid, body in sorted(self.index.items()):
            if wanted and str(body.get("type", "")).lower() not in wanted:
                continue
            parts = rid.split("/")
            if subs and (len(parts) < 3 or parts[2] not in subs):
                continue
            rows.append(_graph_row(self.current(body), self.graph_properties))
        return rows

    def subscription_rows(self, subscriptions: list[str]) -> list[dict[str, Any]]:
        """`resourcecontainers` rows of the subscriptions the served ids name (every one
        counts as a member of any management group asked about), sorted by id."""
        subs = {s.lower() for s in subscriptions}
        found = sorted({rid.split("/")[2] for rid in self.index if rid.count("/") >= 2})
        return [
            {
                "id": f"/subscriptions/{sub}",
                "subscriptionId": sub,
                "type": "microsoft.resources/subscriptions",
            }
            for sub in found
            if not subs or sub in subs
        ]

    def current(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` as this GET sees it: in a transition state while a fault holds it."""
        state = self.faults.state_for(str(body.get("id", "")))
        return body if state is None else unsettled(body, state)


class _QuietServer(ThreadingHTTPServer):
    """Clients that drop connections (timeouts, TLS refusals) are expected here; no traces."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _duration_text(seconds: float) -> str:
    seconds = max(0.0, seconds)
    whole = int(seconds)
    frac = seconds - whole
    text = f"{whole // 3600:02d}:{(whole // 60) % 60:02d}:{whole % 60:02d}"
    if frac > 0:
        text += f".{int(frac * 1000):03d}"
    return text


class _Handler(BaseHTTPRequestHandler):
    emu: Emulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "iac-gen-arm-emulator"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator's record of requests is the log."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # ------------------------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization", "")
        authorized = auth.startswith("Bearer ") and (
            self.emu.token is None or auth == f"Bearer {self.emu.token}"
        )
        status, headers, payload = self._answer(method, path, query, body, authorized)
        self.emu.record(Recorded(method, path, query, status, authorized, time.monotonic()))
        self._send(status, headers, payload)

    def _answer(
        self, method: str, path: str, query: str, body: bytes, authorized: bool
    ) -> tuple[int, dict[str, str], bytes]:
        emu = self.emu
        if emu.latency:
            time.sleep(emu.latency)
        fired = emu.faults.pick(method, path)
        for fault in fired:
            if fault.delay:
                time.sleep(fault.delay)
        loop = any(f.next_link_loop for f in fired)
        for fault in fired:
            if fault.status is not None:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return (
                    fault.status,
                    headers,
                    _error(fault.status, fault.message, fault.error_code),
                )
        if not authorized:
            return 401, {}, _error(401, "Missing or invalid bearer token")
        if method == "POST" and path.lower() == GRAPH_PATH:
            status, headers, payload = self._graph(body)
        elif method == "GET":
            status, headers, payload = self._get(path, query, loop)
        else:
            status, headers, payload = 405, {}, _error(405, f"{method} is not served")
        if any(f.truncate for f in fired) and status == 200:
            payload = payload[: max(1, len(payload) // 2)]
        return status, headers, payload

    def _get(self, path: str, query: str, loop: bool) -> tuple[int, dict[str, str], bytes]:
        emu = self.emu
        params = parse_qs(query)
        if "api-version" not in params:
            return 400, {}, _error(400, "The api-version query parameter is required")
        key = path.lower().rstrip("/")
        if _ACTIVITY_PATH.match(key):
            return self._activity(path, params)
        if key.rsplit("/", 1)[-1] in SECRET_ACTIONS:
            return 405, {}, _error(405, "Secret-bearing actions are not served")
        if key in emu.index:
            return 200, {}, _json(emu.current(emu.index[key]))
        if not emu.collection_owner_exists(key):
            return 404, {}, _error(404, f"The resource '{path}' was not found")
        items = emu.children(key)
        if not items and key.rsplit("/", 1)[-1] not in _COLLECTIONS:
            return 404, {}, _error(404, f"The resource '{path}' was not found")
        offset = int((params.get("$skipToken") or ["0"])[0])
        page = [emu.current(b) for b in items[offset : offset + emu.page_size]]
        doc: dict[str, Any] = {"value": page}
        api = params["api-version"][0]
        if loop:
            doc["nextLink"] = f"{emu.url}{path}?{query}"
        elif offset + emu.page_size < len(items):
            nxt = offset + emu.page_size
            base = emu.next_link_base or emu.url
            doc["nextLink"] = f"{base}{quote(path)}?api-version={api}&$skipToken={nxt}"
        return 200, {}, _json(doc)

    def _activity(
        self, path: str, params: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], bytes]:
        """Activity Log events of one resource in a time window, paged with nextLink."""
        emu = self.emu
        if emu.history_status is not None:
            code = emu.history_error_code
            return emu.history_status, {}, _error(emu.history_status, "Denied", code)
        match = _ACTIVITY_FILTER.match((params.get("$filter") or [""])[0])
        if match is None:
            return 400, {}, _error(400, "The $filter is not one the Activity Log accepts")
        since, until, resource = match.groups()
        events = [
            e
            for e in emu.activity
            if str(e.get("resourceId", "")).lower() == resource.lower()
            and _stamp(since) <= _stamp(str(e.get("eventTimestamp"))) <= _stamp(until)
        ]
        events.sort(key=lambda e: str(e.get("eventTimestamp")), reverse=True)
        offset = int((params.get("$skipToken") or ["0"])[0])
        doc: dict[str, Any] = {"value": events[offset : offset + emu.page_size]}
        if offset + emu.page_size < len(events):
            rest = {k: v[0] for k, v in params.items() if k != "$skipToken"}
            rest["$skipToken"] = str(offset + emu.page_size)
            doc["nextLink"] = f"{emu.url}{path}?{urlencode(rest, quote_via=quote)}"
        return 200, {}, _json(doc)

    def _graph(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        emu = self.emu
        allowed, remaining, resets = emu.graph_admit()
        headers = {
            "x-ms-user-quota-remaining": str(remaining),
            "x-ms-user-quota-resets-after": _duration_text(resets),
        }
        if not allowed:
            headers["Retry-After"] = f"{resets:.3f}"
            return 429, headers, _error(429, "Resource Graph quota exceeded")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return 400, headers, _error(400, "Malformed query request")
        options = request.get("options") or {}
        subscriptions = list(request.get("subscriptions") or [])
        query = str(request.get("query", ""))
        if query.lstrip().lower().startswith("resourcechanges"):
            if emu.history_status is not None:
                code = emu.history_error_code
                return emu.history_status, headers, _error(emu.history_status, "Denied", code)
            rows = _change_rows(emu.changes, query)
        elif query.lstrip().lower().startswith("resourcecontainers"):
            rows = emu.subscription_rows(subscriptions)
        else:
            rows = emu.graph_rows(query, subscriptions)
        offset = int(str(options.get("$skipToken") or "0"))
        size = min(int(options.get("$top") or emu.graph_page_size), emu.graph_page_size)
        page = rows[offset : offset + size]
        doc: dict[str, Any] = {
            "totalRecords": len(rows),
            "count": len(page),
            "resultTruncated": "false",
            "data": page,
            "facets": [],
        }
        if offset + size < len(rows):
            doc["$skipToken"] = str(offset + size)
        return 200, headers, _json(doc)

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-ms-request-id", "00000000-0000-0000-0000-000000000000")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True


_COLLECTIONS = frozenset(
    {"onlineendpoints", "deployments", "autoscalesettings", "diagnosticsettings", "workspaces"}
)


def _stamp(text: str) -> str:
    """A timestamp cut to the second (`2026-01-01T10:00:00`), comparable as text."""
    return text.strip().replace(" ", "T")[:19]


def _change_rows(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The resourcechanges rows a query built by `iac_gen.azure.changes.graph_query` asks
    for: its target ids (`targetResourceId in (...)`, lower-cased) and time window, newest
    first, projected to `id` and `properties`."""
    found = _KQL_IDS.search(query)
    ids = {i.strip().strip("'").lower() for i in found.group(1).split(",")} if found else set()
    times = [_stamp(t) for t in _KQL_TIMES.findall(query)]
    since, until = (times[0], times[1]) if len(times) >= 2 else ("", "9999")
    out = []
    for row in rows:
        props = row.get("properties") or {}
        target = str(props.get("targetResourceId", "")).lower()
        when = _stamp(str((props.get("changeAttributes") or {}).get("timestamp", "")))
        if (not found or target in ids) and since <= when <= until:
            out.append({"id": row.get("id"), "properties": props})
    when_of = lambda r: str(r["properties"].get("changeAttributes", {}).get("timestamp"))  # noqa: E731
    return sorted(out, key=when_of, reverse=True)


def _json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True).encode("utf-8")


def _error(status: int, message: str, code: str | None = None) -> bytes:
    codes = {
        401: "AuthenticationFailed",
        403: "AuthorizationFailed",
        404: "ResourceNotFound",
        429: "TooManyRequests",
        500: "InternalServerError",
        503: "ServiceUnavailable",
    }
    code = code or codes.get(status, "BadRequest")
    return _json({"error": {"code": code, "message": message}})
