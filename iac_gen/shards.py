"""Shards of a fleet: which CI job audits which subscription (`export --graph --shard K/N`).

A tenant too large for one job is audited as N matrix jobs; job K exports (and drift judges)
only the subscriptions of shard K, and `iac-gen merge` joins the N results into one. The
assignment is a pure function of the subscription id and N (`shard_of`), so export, drift
and merge agree on it without talking to each other, and no scheduler is needed.

The spec is written `K/N` (K 1-based, as CI matrices count: `shard: [1, 2, 3, 4]`). It is
recorded in the export bundle's `scope.shard` and, from there, on the live input of the drift
result (`inputs[].shard`), which is how `merge` knows that its results are one complete,
non-overlapping set. No heavy imports: `export` parses `--shard` before anything else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_SHARDS = 1000
"""More shards than any CI matrix runs (GitHub Actions allows 256 jobs per matrix); a larger N
is a typo, and each shard repeats a little fixed work (a Resource Graph query, start-up)."""

_SPEC = re.compile(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*")


class BadShard(ValueError):
    """Why a `--shard` value is not `K/N` with 1 <= K <= N (one line, user text quoted)."""


@dataclass(frozen=True, order=True)
class Shard:
    """Shard `index` of `count` (1-based), e.g. Shard(2, 4) is written `2/4`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, subscription: str) -> bool:
        """True when `subscription` belongs to this shard."""
        return shard_of(subscription, self.count) == self.index


def parse_shard(text: str) -> Shard:
    """`K/N` as a Shard; BadShard says what is wrong (not K/N, N < 1, K outside 1..N)."""
    shown = repr(text if len(text) <= 40 else text[:40] + "...")
    match = _SPEC.fullmatch(text)
    if match is None:
        raise BadShard(f"--shard {shown} is not K/N (two whole numbers, e.g. --shard 2/4)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise BadShard(f"--shard {shown}: N must be at least 1")
    if count > MAX_SHARDS:
        raise BadShard(f"--shard {shown}: N must be at most {MAX_SHARDS}")
    if not 1 <= index <= count:
        raise BadShard(f"--shard {shown}: K must be between 1 and N ({count}); K counts from 1")
    return Shard(index, count)


def shard_of(subscription: str, count: int) -> int:
    """The 1-based shard of `subscription` among `count` shards.

    SHA-256 of the lower-case id, taken as a number, modulo `count`. Why this and not
    something simpler:
    - stable: the same subscription lands in the same shard on every machine, Python version
      and run (Python's own `hash()` of a string is salted per process);
    - independent of the other subscriptions: adding or removing one never moves another
      (round-robin over a sorted list would shift every subscription after it, so a job's
      history and its waivers' owners would change shard for no reason);
    - lower case, because ARM ids compare without regard to case and `--subscription` may be
      typed either way;
    - evenly spread for GUIDs, which are random; with few subscriptions some shards may hold
      none (an empty shard exports nothing and merges as nothing).
    """
    digest = hashlib.sha256(subscription.strip().lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(subscriptions: Iterable[str], shard: Shard) -> list[str]:
    """The subscriptions of `shard`, in the order given."""
    return [s for s in subscriptions if shard.holds(s)]


def bundle_shard(scope: Mapping[str, Any] | None) -> Shard | None:
    """The shard an export bundle's scope records, or None (an unsharded export, or a value
    that is not K/N: the bundle schema refuses those before this is asked)."""
    value = (scope or {}).get("shard")
    if not isinstance(value, str):
        return None
    try:
        return parse_shard(value)
    except BadShard:
        return None


def subscription_of(resource_id: str) -> str:
    """The subscription segment of an ARM id (`/subscriptions/<id>/...`), or ''."""
    parts = resource_id.split("/")
    return parts[2] if len(parts) > 2 and parts[1].lower() == "subscriptions" else ""


def sharded_specs(
    specs: Sequence[Any], scope: Mapping[str, Any] | None, inputs: list[dict[str, Any]]
) -> list[Any]:
    """For drift over a shard's export bundle: the specs whose target subscription the shard
    holds, and the shard written on the live entry of `inputs` (so `merge` can check its
    set). Any other live input: `specs` as they are."""
    shard = bundle_shard(scope)
    if shard is None:
        return list(specs)
    for entry in inputs:
        if entry.get("role") == "live":
            entry["shard"] = str(shard)
    return [s for s in specs if shard.holds(str(s.target.subscription or ""))]
