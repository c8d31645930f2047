"""ARM and Resource Graph readers that return plain dicts and classified outcomes.

Every call yields a `Fetched`: `read` with the body, `missing` (HTTP 404), or `not_checked`
with a reason (401/403, retries exhausted, throttled until the deadline, timeouts, answers
too large, malformed or strictly invalid JSON, redirects, ids that are not where they should
be, paging loops). Only GET requests and the Resource Graph query POST are ever sent, through
the bounded pipeline of `iac_gen.azure.http`. Server text in a reason is escaped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)

from iac_gen import __version__
from iac_gen.azure.credentials import connection_verify, credential_scopes
from iac_gen.azure.http import (
    MAX_RESPONSE_BYTES,
    Body,
    BoundedBodyPolicy,
    ByteBudget,
    ConcurrencyGate,
    DeadlineExceeded,
    ResponseRefused,
    Watchdog,
    watched_transport,
)
from iac_gen.azure.ids import ArmPath, BadId, parse_child, parse_id, shown
from iac_gen.azure.retry import JitterRetryPolicy, retry_after_seconds
from iac_gen.live import load as live_load
from iac_gen.strict_json import JsonProblem
from iac_gen.strict_json import loads as strict_loads
from iac_gen.vocabulary import RESOURCE_GRAPH_API, RESOURCE_GRAPH_PATH

__all__ = ["MAX_RESPONSE_BYTES", "ArmReader", "ClientSettings", "Fetched", "GraphReader"]

GRAPH_PATH = RESOURCE_GRAPH_PATH
GRAPH_API = RESOURCE_GRAPH_API


@dataclass
class Fetched:
    status: str  # read | missing | not_checked
    body: Any = None
    reason: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ClientSettings:
    arm_endpoint: str
    concurrency: int = 8
    timeout: float = 30.0
    deadline: float | None = None  # time.monotonic() value
    retries: int = 6
    retry_backoff: float = 0.8
    max_pages: int = 1000


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _Failed(Exception):
    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Pipeline:
    """One azure-core PipelineClient with an explicit policy list (see iac_gen.azure.http)."""

    def __init__(self, credential: Any, settings: ClientSettings, budget: ByteBudget | None):
        from azure.core import PipelineClient
        from azure.core.pipeline import policies

        self.settings = settings
        self._watchdog = Watchdog()
        gate = ConcurrencyGate(settings.concurrency)
        chain = [
            policies.RequestIdPolicy(),
            policies.HeadersPolicy(
                {"Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
            ),
            policies.UserAgentPolicy(sdk_moniker=f"iac-gen/{__version__}"),
            policies.ProxyPolicy(),
            JitterRetryPolicy(
                deadline=settings.deadline,
                retry_total=settings.retries,
                retry_connect=settings.retries,
                retry_read=settings.retries,
                retry_status=settings.retries,
                retry_backoff_factor=settings.retry_backoff,
                retry_backoff_max=30,
            ),
            policies.BearerTokenCredentialPolicy(
                credential, *credential_scopes(settings.arm_endpoint)
            ),
            BoundedBodyPolicy(
                self._watchdog,
                gate,
                timeout=settings.timeout,
                deadline=settings.deadline,
                budget=budget,
            ),
        ]
        transport = watched_transport(
            self._watchdog,
            gate,
            timeout=settings.timeout,
            verify=connection_verify(),
            concurrency=settings.concurrency,
            origin=settings.arm_endpoint,
        )
        self._client: Any = PipelineClient(
            base_url=settings.arm_endpoint, policies=chain, transport=transport
        )

    def close(self) -> None:
        self._client.close()
        self._watchdog.stop()

    def send(self, method: str, url: str, json_body: Any = None) -> _Answer:
        from azure.core.rest import HttpRequest

        holder = Body()
        kwargs: dict[str, Any] = {"stream": True, BoundedBodyPolicy.OPTION: holder}
        if self.settings.deadline is not None:
            left = self.settings.deadline - time.monotonic()
            if left <= 0:
                raise DeadlineExceeded()
            kwargs["timeout"] = left
        request = HttpRequest(method, url, json=json_body)
        response = self._client.send_request(request, **kwargs)
        return _Answer(response.status_code, dict(response.headers), holder.data)


def _error_code(body: bytes) -> str:
    try:
        doc = strict_loads(body.decode("utf-8"))
    except (UnicodeDecodeError, JsonProblem):
        return ""
    error = doc.get("error") if isinstance(doc, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return shown(code, 120) if isinstance(code, str) else ""


def _answer_problem(answer: _Answer, origin: str, deadline: float | None) -> _Failed | None:
    """None for a 2xx answer; otherwise why the resource is missing or not checked."""
    code = answer.status
    if 200 <= code < 300:
        return None
    if code in (301, 302, 303, 307, 308):
        target = str(answer.headers.get("Location") or answer.headers.get("location") or "")
        where = "to another host" if not _same_origin(target, origin) else "on the same host"
        return _Failed(
            "not_checked", f"redirect (HTTP {code}) {where} ({shown(target, 120)}); not followed"
        )
    error = _error_code(answer.body)
    suffix = f" {error}" if error else ""
    if code == 404:
        return _Failed("missing", f"not found (HTTP 404{suffix})")
    if code in (401, 403):
        return _Failed("not_checked", f"access denied (HTTP {code}{suffix})")
    if code == 429 and deadline is not None:
        left = deadline - time.monotonic()
        wait = retry_after_seconds(answer.headers)
        if left <= 0.05 or (wait is not None and wait >= left):
            after = f"; Retry-After {wait:g} s" if wait is not None else ""
            return _Failed("not_checked", f"throttled (429) until the deadline{after}")
    if code in (408, 429) or code >= 500:
        return _Failed("not_checked", f"retries exhausted (last answer HTTP {code}{suffix})")
    return _Failed("not_checked", f"unexpected answer (HTTP {code}{suffix})")


def _reason_for(exc: BaseException) -> tuple[str, str]:
    """(status, reason) for an exception; reasons never echo request headers."""
    if isinstance(exc, _Failed):
        return exc.status, exc.reason
    if isinstance(exc, DeadlineExceeded):
        return "not_checked", "export deadline exceeded"
    if isinstance(exc, ResponseRefused):
        return "not_checked", exc.reason
    if isinstance(exc, ClientAuthenticationError):
        return "not_checked", (
            "could not get an ARM token (sign in with `az login` or set IAC_GEN_ARM_TOKEN)"
        )
    if isinstance(exc, ServiceResponseError | ServiceRequestError):
        text = str(exc)
        if "timeout" in type(exc).__name__.lower() or "timed out" in text.lower():
            return "not_checked", f"timed out after retries ({type(exc).__name__})"
        if "closed before the whole answer" in text:
            return "not_checked", "incomplete answer after retries (the connection closed mid-body)"
        return "not_checked", f"connection failed after retries ({type(exc).__name__})"
    if isinstance(exc, AzureError):
        return "not_checked", f"request failed ({type(exc).__name__})"
    return "not_checked", f"request failed ({type(exc).__name__})"


def parse_body(data: bytes) -> Any:
    """A server body as strict JSON, or _Failed with the reason."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"malformed response body (not UTF-8 at byte {exc.start})"
        raise _Failed("not_checked", reason) from None
    try:
        return strict_loads(text)
    except JsonProblem as exc:
        reason = f"malformed response body ({shown(exc.message, 120)})"
        raise _Failed("not_checked", reason) from None


def _same_origin(url: str, origin: str) -> bool:
    a, b = urlsplit(url), urlsplit(origin)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def _budget() -> ByteBudget:
    return ByteBudget(live_load.MAX_BYTES)


def _as_path(path: ArmPath | str) -> ArmPath:
    return path if isinstance(path, ArmPath) else parse_id(path)


class ArmReader:
    """GET single resources and paged collections (`nextLink`) by parsed ARM path."""

    def __init__(
        self,
        credential: Any,
        subscription: str,
        settings: ClientSettings,
        budget: ByteBudget | None = None,
    ):
        self.settings = settings
        self._pipe = _Pipeline(credential, settings, budget or _budget())

    def close(self) -> None:
        self._pipe.close()

    def _url(self, path: ArmPath, api_version: str) -> str:
        query = urlencode({"api-version": api_version})
        return f"{self.settings.arm_endpoint}{path.url_path()}?{query}"

    def _get(self, url: str) -> Any:
        answer = self._pipe.send("GET", url)
        problem = _answer_problem(answer, self.settings.arm_endpoint, self.settings.deadline)
        if problem is not None:
            raise problem
        return parse_body(answer.body)

    def get(self, resource: ArmPath | str, api_version: str) -> Fetched:
        try:
            path = _as_path(resource)
            body = self._get(self._url(path, api_version))
        except BadId as exc:
            return Fetched("not_checked", reason=str(exc))
        except Exception as exc:  # classified, never re-raised: one resource, one status
            status, reason = _reason_for(exc)
            return Fetched(status, reason=reason)
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            return Fetched("not_checked", reason="malformed response body (no resource id)")
        try:
            same = parse_id(body["id"]).key() == path.key()
        except BadId:
            same = False
        if not same:
            return Fetched(
                "not_checked",
                reason=f"the answer is another resource's body (id {shown(body['id'], 200)!r})",
            )
        return Fetched("read", body=body)

    def list(self, collection: ArmPath | str, api_version: str) -> Fetched:
        """All items of a collection, following `nextLink` with loop and origin guards. Each
        item's id must be `collection/<name>`; others are left out and make it not_checked."""
        try:
            path = _as_path(collection)
        except BadId as exc:
            return Fetched("not_checked", reason=str(exc))
        origin = self.settings.arm_endpoint
        url: str | None = self._url(path, api_version)
        seen: set[str] = set()
        items: list[dict[str, Any]] = []
        refused: list[str] = []
        pages = 0
        while url:
            if url in seen:
                return Fetched("not_checked", items=items, reason="nextLink loop (same link twice)")
            if pages >= self.settings.max_pages:
                reason = f"more than {self.settings.max_pages} pages; stopped"
                return Fetched("not_checked", items=items, reason=reason)
            if not _same_origin(url, origin):
                return Fetched(
                    "not_checked", items=items, reason="nextLink leaves the ARM endpoint"
                )
            if pages and not _same_collection(url, path):
                return Fetched(
                    "not_checked",
                    items=items,
                    reason=f"nextLink {shown(url, 200)!r} is not a page of this collection",
                )
            seen.add(url)
            pages += 1
            try:
                doc = self._get(url)
            except Exception as exc:
                status, reason = _reason_for(exc)
                return Fetched(status, items=items, reason=reason)
            if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
                return Fetched("not_checked", items=items, reason="malformed list body (no value)")
            for item in doc["value"]:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    return Fetched("not_checked", items=items, reason="malformed list item (no id)")
                try:
                    parse_child(item["id"], path)
                except BadId as exc:
                    refused.append(str(exc))
                    continue
                items.append(item)
            nxt = doc.get("nextLink")
            url = nxt if isinstance(nxt, str) and nxt else None
        if refused:
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            return Fetched("not_checked", items=items, reason=f"{refused[0]}{more}")
        return Fetched("read", items=items)


def _same_collection(url: str, path: ArmPath) -> bool:
    """A nextLink must page the same collection: same segments, none of them dot segments."""
    parts = urlsplit(url)
    if parts.fragment:
        return False
    try:
        linked = parse_id(unquote(parts.path))
    except BadId:
        return False
    return linked.key() == path.key()


def parse_quota_reset(text: str | None) -> float:
    """`x-ms-user-quota-resets-after` (`hh:mm:ss[.fff]`) in seconds; unknown -> 5 s window."""
    if not text:
        return 5.0
    try:
        h, m, s = text.strip().split(":")
        seconds = int(h) * 3600 + int(m) * 60 + float(s)
    except ValueError:
        return 5.0
    return max(0.0, min(seconds, 3600.0)) if seconds == seconds else 5.0


class GraphReader:
    """Resource Graph queries with `$skipToken` paging that respects the user quota headers;
    a truncated answer (resultTruncated, or fewer rows than totalRecords) is not_checked."""

    def __init__(
        self,
        credential: Any,
        settings: ClientSettings,
        sleep: Callable[[float], None] = time.sleep,
        budget: ByteBudget | None = None,
    ):
        self.settings = settings
        self._sleep = sleep
        self._pipe = _Pipeline(credential, settings, budget or _budget())
        self.quota_waits: list[float] = []

    def close(self) -> None:
        self._pipe.close()

    def query(
        self,
        query: str,
        *,
        subscriptions: list[str] | None = None,
        management_group: str | None = None,
        page_size: int = 1000,
    ) -> Fetched:
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

        url = f"{self.settings.arm_endpoint}{GRAPH_PATH}?{urlencode({'api-version': GRAPH_API})}"
        rows: list[dict[str, Any]] = []
        token: str | None = None
        seen: set[str] = set()
        pages = 0
        while True:
            if pages >= self.settings.max_pages:
                reason = f"more than {self.settings.max_pages} Resource Graph pages; stopped"
                return Fetched("not_checked", items=rows, reason=reason)
            pages += 1
            request = QueryRequest(
                query=query,
                subscriptions=subscriptions or None,
                management_groups=[management_group] if management_group else None,
                options=QueryRequestOptions(
                    skip_token=token, top=page_size, result_format="objectArray"
                ),
            )
            try:
                answer = self._pipe.send("POST", url, json_body=request.serialize())
                problem = _answer_problem(
                    answer, self.settings.arm_endpoint, self.settings.deadline
                )
                if problem is not None:
                    raise problem
                doc = parse_body(answer.body)
            except Exception as exc:
                reason = _reason_for(exc)[1]
                return Fetched("not_checked", items=rows, reason=f"Resource Graph: {reason}")
            self._respect_quota(answer.headers)
            data = doc.get("data") if isinstance(doc, dict) else None
            if not isinstance(data, list):
                return Fetched("not_checked", items=rows, reason="Resource Graph: malformed body")
            odd = sum(1 for r in data if not isinstance(r, dict))
            if odd:
                reason = f"Resource Graph: {odd} rows that are not objects"
                return Fetched("not_checked", items=rows, reason=reason)
            rows.extend(data)
            token = doc.get("$skipToken") or doc.get("skipToken")
            if token and not isinstance(token, str):
                return Fetched("not_checked", items=rows, reason="Resource Graph: bad skipToken")
            if not token:
                return self._complete(doc, rows)
            if token in seen:
                return Fetched("not_checked", items=rows, reason="Resource Graph: skipToken loop")
            seen.add(token)

    @staticmethod
    def _complete(doc: dict[str, Any], rows: list[dict[str, Any]]) -> Fetched:
        """The last page: complete only when nothing says rows were left out."""
        if str(doc.get("resultTruncated", "false")).strip().lower() == "true":
            return Fetched(
                "not_checked",
                items=rows,
                reason="Resource Graph: result truncated (resultTruncated true, no $skipToken)",
            )
        total = doc.get("totalRecords")
        if isinstance(total, int) and not isinstance(total, bool) and total > len(rows):
            return Fetched(
                "not_checked",
                items=rows,
                reason=f"Resource Graph: {len(rows)} of {total} records read (totalRecords)",
            )
        return Fetched("read", items=rows)

    def _respect_quota(self, headers: Mapping[str, str]) -> None:
        lowered = {k.lower(): v for k, v in headers.items()}
        remaining = lowered.get("x-ms-user-quota-remaining")
        if remaining is None:
            return
        try:
            left = int(remaining)
        except ValueError:
            return
        if left > 0:
            return
        wait = parse_quota_reset(lowered.get("x-ms-user-quota-resets-after"))
        if self.settings.deadline is not None:
            wait = min(wait, max(0.0, self.settings.deadline - time.monotonic()))
        self.quota_waits.append(wait)
        self._sleep(wait)
