"""Thin wrappers over the Azure SDK clients that return plain dicts and classified outcomes.

Every call yields a `Fetched`: `read` with the body, `missing` (HTTP 404), or `not_checked`
with a reason (401/403, retries exhausted, timeouts, malformed bodies, paging loops). Only
GET requests and the Resource Graph query POST are ever sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    DecodeError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from iac_gen.azure.credentials import connection_verify, credential_scopes
from iac_gen.azure.retry import JitterRetryPolicy


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


class DeadlineExceeded(Exception):
    """The overall export deadline passed before a request could be sent."""


def _transport(settings: ClientSettings) -> Any:
    import requests
    from azure.core.pipeline.transport import RequestsTransport

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=4, pool_maxsize=max(10, settings.concurrency + 2)
    )
    session.mount("https://", adapter)
    return RequestsTransport(
        session=session,
        session_owner=True,
        connection_verify=connection_verify(),
        connection_timeout=settings.timeout,
        read_timeout=settings.timeout,
    )


def _common_kwargs(settings: ClientSettings) -> dict[str, Any]:
    return {
        "base_url": settings.arm_endpoint,
        "credential_scopes": credential_scopes(settings.arm_endpoint),
        "transport": _transport(settings),
        "connection_verify": connection_verify(),
        "retry_policy": JitterRetryPolicy(
            deadline=settings.deadline,
            retry_total=settings.retries,
            retry_connect=settings.retries,
            retry_read=settings.retries,
            retry_status=settings.retries,
            retry_backoff_factor=settings.retry_backoff,
            retry_backoff_max=30,
        ),
        "logging_enable": False,
    }


def _drop_registration_policy(pipeline: Any) -> None:
    """Unlink ARMAutoResourceProviderRegistrationPolicy: on a 409 it would POST a provider
    registration, which is a write, and export must stay read-only."""
    chain = pipeline._impl_policies
    kept = [p for p in chain if type(p).__name__ != "ARMAutoResourceProviderRegistrationPolicy"]
    if len(kept) == len(chain):
        return
    for index in range(len(kept) - 1):
        kept[index].next = kept[index + 1]
    kept[-1].next = chain[-1].next
    chain[:] = kept


def _reason_for(exc: BaseException) -> tuple[str, str]:
    """(status, reason) for an SDK exception; reasons never echo request headers."""
    if isinstance(exc, DecodeError | ValueError):
        return "not_checked", "malformed response body (not valid JSON)"
    if isinstance(exc, HttpResponseError):
        code = exc.status_code
        error_code = getattr(getattr(exc, "error", None), "code", None) or ""
        suffix = f" {error_code}" if error_code else ""
        if code == 404:
            return "missing", f"not found (HTTP 404{suffix})"
        if code is None and isinstance(exc, ClientAuthenticationError):
            return "not_checked", (
                "could not get an ARM token (sign in with `az login` or set IAC_GEN_ARM_TOKEN)"
            )
        if code in (401, 403) or isinstance(exc, ClientAuthenticationError):
            return "not_checked", f"access denied (HTTP {code}{suffix})"
        if code in (408, 429) or (code is not None and code >= 500):
            return "not_checked", f"retries exhausted (last answer HTTP {code}{suffix})"
        return "not_checked", f"unexpected answer (HTTP {code}{suffix})"
    if isinstance(exc, ServiceResponseError | ServiceRequestError):
        kind = (
            "timed out"
            if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower()
            else "connection failed"
        )
        return "not_checked", f"{kind} after retries ({type(exc).__name__})"
    if isinstance(exc, DeadlineExceeded):
        return "not_checked", "export deadline exceeded"
    if isinstance(exc, AzureError):
        return "not_checked", f"request failed ({type(exc).__name__})"
    return "not_checked", f"request failed ({type(exc).__name__})"


class ArmReader:
    """GET single resources (`resources.get_by_id`) and paged collections (`nextLink`)."""

    def __init__(self, credential: Any, subscription: str, settings: ClientSettings):
        from azure.mgmt.resource.resources import ResourceManagementClient

        self.settings = settings
        self._client = ResourceManagementClient(
            credential,
            subscription or "00000000-0000-0000-0000-000000000000",
            **_common_kwargs(settings),
        )
        _drop_registration_policy(self._client._client._pipeline)

    def close(self) -> None:
        self._client.close()

    def _remaining(self) -> float | None:
        if self.settings.deadline is None:
            return None
        left = self.settings.deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded()
        return left

    def _call_kwargs(self) -> dict[str, Any]:
        left = self._remaining()
        return {} if left is None else {"timeout": left}

    def get(self, resource_id: str, api_version: str) -> Fetched:
        try:
            kwargs = self._call_kwargs()
            # stream=True skips the SDK's model deserialisation and second JSON parse; the
            # body is read and parsed once here, exactly as the service returned it.
            raw: Any = self._client.resources.get_by_id(
                resource_id.lstrip("/"),
                api_version=api_version,
                stream=True,
                cls=lambda pipeline_response, _deserialized, _headers: (
                    pipeline_response.http_response.read()
                ),
                **kwargs,
            )
            body = json.loads(raw)
        except Exception as exc:  # classified, never re-raised: one resource, one status
            status, reason = _reason_for(exc)
            return Fetched(status, reason=reason)
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            return Fetched("not_checked", reason="malformed response body (no resource id)")
        return Fetched("read", body=body)

    def list(self, path: str, api_version: str) -> Fetched:
        """All items of a collection, following `nextLink` with a loop guard."""
        from azure.core.rest import HttpRequest

        origin = self.settings.arm_endpoint
        url: str | None = f"{origin}{quote(path)}?api-version={api_version}"
        seen: set[str] = set()
        items: list[dict[str, Any]] = []
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
            seen.add(url)
            pages += 1
            try:
                kwargs = self._call_kwargs()
                response = self._client.send_request(HttpRequest("GET", url), **kwargs)
                if response.status_code != 200:
                    response.raise_for_status()
                doc = response.json()
            except Exception as exc:
                status, reason = _reason_for(exc)
                return Fetched(status, items=items, reason=reason)
            if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
                return Fetched("not_checked", items=items, reason="malformed list body (no value)")
            for item in doc["value"]:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    return Fetched("not_checked", items=items, reason="malformed list item (no id)")
                items.append(item)
            nxt = doc.get("nextLink")
            url = nxt if isinstance(nxt, str) and nxt else None
        return Fetched("read", items=items)


def _same_origin(url: str, origin: str) -> bool:
    a, b = urlsplit(url), urlsplit(origin)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def parse_quota_reset(text: str | None) -> float:
    """`x-ms-user-quota-resets-after` (`hh:mm:ss[.fff]`) in seconds; unknown -> 5 s window."""
    if not text:
        return 5.0
    try:
        h, m, s = text.strip().split(":")
        return max(0.0, int(h) * 3600 + int(m) * 60 + float(s))
    except ValueError:
        return 5.0


class GraphReader:
    """Resource Graph queries with `$skipToken` paging that respects the user quota headers."""

    def __init__(
        self,
        credential: Any,
        settings: ClientSettings,
        sleep: Callable[[float], None] = time.sleep,
    ):
        from azure.mgmt.resourcegraph import ResourceGraphClient

        self.settings = settings
        self._sleep = sleep
        self._client = ResourceGraphClient(credential, **_common_kwargs(settings))
        _drop_registration_policy(self._client._client._pipeline)
        self.quota_waits: list[float] = []

    def close(self) -> None:
        self._client.close()

    def query(
        self,
        query: str,
        *,
        subscriptions: list[str] | None = None,
        management_group: str | None = None,
        page_size: int = 1000,
    ) -> Fetched:
        from azure.mgmt.resourcegraph.models import (
            QueryRequest,
            QueryRequestOptions,
        )

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
                call: dict[str, Any] = {
                    "cls": lambda pr, _d, _h: (
                        pr.http_response.json(),
                        dict(pr.http_response.headers),
                    )
                }
                if self.settings.deadline is not None:
                    left = self.settings.deadline - time.monotonic()
                    if left <= 0:
                        raise DeadlineExceeded()
                    call["timeout"] = left
                result: Any = self._client.resources(request, **call)
                doc, headers = result
            except Exception as exc:
                status, reason = _reason_for(exc)
                if status == "missing":
                    status = "not_checked"
                return Fetched(status, items=rows, reason=f"Resource Graph: {reason}")
            self._respect_quota(headers)
            data = doc.get("data") if isinstance(doc, dict) else None
            if not isinstance(data, list):
                return Fetched("not_checked", items=rows, reason="Resource Graph: malformed body")
            rows.extend(r for r in data if isinstance(r, dict))
            token = doc.get("$skipToken") or doc.get("skipToken")
            if not token:
                return Fetched("read", items=rows)
            if token in seen:
                return Fetched("not_checked", items=rows, reason="Resource Graph: skipToken loop")
            seen.add(token)

    def _respect_quota(self, headers: dict[str, str]) -> None:
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
