"""Retry policy: exponential backoff with jitter, honouring Retry-After, capped by a deadline."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping
from typing import Any

from azure.core.pipeline.policies import RetryPolicy

# Headers that say how long to wait, in the order azure-core reads them, with their unit.
_RETRY_HEADERS = (("retry-after-ms", 0.001), ("x-ms-retry-after-ms", 0.001), ("retry-after", 1.0))


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds a server asks us to wait, or None when it says nothing usable.

    An unparsable value (`Retry-After: soon-ish`) is treated as absent, so the normal backoff
    applies; azure-core's own parser raises ValueError for it, which used to end the resource
    as "malformed response body" after one request.
    """
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    for name, unit in _RETRY_HEADERS:
        value = lowered.get(name, "").strip()
        if not value:
            continue
        seconds: float | None
        try:
            seconds = float(value) * unit
        except ValueError:
            seconds = _http_date_delay(value) if unit == 1.0 else None
        if seconds is not None and math.isfinite(seconds):
            return max(0.0, seconds)
    return None


def _http_date_delay(value: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp() - time.time()


class JitterRetryPolicy(RetryPolicy):
    """azure-core's RetryPolicy (429, 408, 5xx, connection errors; Retry-After respected)
    plus full jitter on the backoff, no sleep that would run past the export deadline, and
    no retry once the deadline is reached or a Retry-After points beyond it: the last answer
    is returned as it is, so the caller can say "throttled (429) until the deadline"."""

    def __init__(self, *, deadline: float | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._deadline = deadline
        self._random = random.Random()

    def get_backoff_time(self, settings: dict[str, Any]) -> float:
        base = float(super().get_backoff_time(settings))
        return self._cap(base * self._random.uniform(0.5, 1.0))

    def get_retry_after(self, response: Any) -> float | None:
        value = retry_after_seconds(response.http_response.headers)
        return None if value is None else self._cap(value)

    def increment(self, settings: dict[str, Any], response: Any = None, error: Any = None) -> bool:
        if not super().increment(settings, response=response, error=error):
            return False
        if self._deadline is None:
            return True
        left = self._deadline - time.monotonic()
        if left <= 0:
            return False
        if error is None and response is not None:  # an answer (not a request) to retry
            wait = retry_after_seconds(response.http_response.headers)
            if wait is not None and wait >= left:
                return False
        return True

    def _cap(self, seconds: float) -> float:
        if self._deadline is None:
            return seconds
        return max(0.0, min(seconds, self._deadline - time.monotonic()))
