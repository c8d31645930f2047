"""Retry policy: exponential backoff with jitter, honouring Retry-After, capped by a deadline."""

from __future__ import annotations

import random
import time
from typing import Any

from azure.core.pipeline.policies import RetryPolicy


class JitterRetryPolicy(RetryPolicy):
    """azure-core's RetryPolicy (429, 408, 5xx, connection errors; Retry-After respected)
    plus full jitter on the backoff, and no sleep that would run past the export deadline."""

    def __init__(self, *, deadline: float | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._deadline = deadline
        self._random = random.Random()

    def get_backoff_time(self, settings: dict[str, Any]) -> float:
        base = float(super().get_backoff_time(settings))
        return self._cap(base * self._random.uniform(0.5, 1.0))

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else self._cap(float(value))

    def _cap(self, seconds: float) -> float:
        if self._deadline is None:
            return seconds
        return max(0.0, min(seconds, self._deadline - time.monotonic()))
