"""Fault injection for the ARM emulator, configured per test.

A `Fault` matches requests by method and a regular expression on the lower-cased path and
then answers with an error status, delays, truncates the body, or serves a `nextLink` that
points back at the same page. `rate` injects on a seeded random share of matching requests;
`times` limits how many requests it affects (None = every matching one).

`provisioning_state` is a transition rather than an error: every resource whose id matches
`path` is served in that state (`Creating`, `Updating`, `Failed`, ...) for its first `times`
GETs (single reads, list pages and Resource Graph rows alike), then as stored.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    path: str = ".*"  # regex searched in the lower-cased request path
    method: str | None = None  # GET / POST / None for any
    status: int | None = None  # e.g. 401, 403, 404, 429, 500, 503
    retry_after: str | None = None  # Retry-After header value sent with the status
    error_code: str | None = None  # ARM error code in the body (default from the status)
    message: str = "Injected fault"  # ARM error message in the body
    delay: float = 0.0  # seconds to wait before answering
    truncate: bool = False  # send a cut-off JSON body with status 200
    next_link_loop: bool = False  # list pages link back to themselves
    rate: float = 1.0  # share of matching requests affected
    times: int | None = None  # at most this many injections
    provisioning_state: str | None = None  # serve matching resources in this state
    hits: int = field(default=0, compare=False)
    seen: dict[str, int] = field(default_factory=dict, compare=False)  # GETs per resource

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        allowed = {f for f in cls.__dataclass_fields__ if f not in ("hits", "seen")}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        return cls(**data)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return re.search(self.path, path.lower()) is not None


class FaultPlan:
    """Ordered faults plus a seeded random source; thread-safe."""

    def __init__(self, faults: list[Fault] | None = None, seed: int = 7):
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.faults: list[Fault] = list(faults or [])

    def set(self, faults: list[Fault], seed: int = 7) -> None:
        with self._lock:
            self.faults = list(faults)
            self._random = random.Random(seed)

    def pick(self, method: str, path: str) -> list[Fault]:
        """The faults that fire for this request (each counted as one hit)."""
        fired: list[Fault] = []
        with self._lock:
            for fault in self.faults:
                if fault.provisioning_state is not None or not fault.matches(method, path):
                    continue
                if fault.times is not None and fault.hits >= fault.times:
                    continue
                if fault.rate < 1.0 and self._random.random() >= fault.rate:
                    continue
                fault.hits += 1
                fired.append(fault)
                if fault.status is not None or fault.truncate:
                    break  # one answer per request
        return fired

    def state_for(self, resource_id: str) -> str | None:
        """The provisioning state to serve for this resource on this GET, if a transition
        fault still holds it (counted per resource)."""
        rid = resource_id.lower()
        with self._lock:
            for fault in self.faults:
                if fault.provisioning_state is None or re.search(fault.path, rid) is None:
                    continue
                count = fault.seen.get(rid, 0)
                if fault.times is not None and count >= fault.times:
                    continue
                fault.seen[rid] = count + 1
                fault.hits += 1
                return fault.provisioning_state
        return None
