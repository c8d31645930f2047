"""Desired states built where they are judged: keys for matching now, bodies on first use.

Matching needs only each designed resource's key; its body is first read when its endpoint
is judged (`parts.judge_chunk`). A fleet's endpoints are judged in two processes, so a spec's
desired state built at that point is built by the process that judges it, and neither
process builds (or copies) the other half's - 10,000 native endpoints: 0.6 s of desired
states otherwise built in one process before judging starts, and their memory.

Only specs whose desired state has no companions are deferred (no autoscale, no monitoring,
no scorers: `deferrable`); a companion's key comes from its body, so those specs are built
at once, as before. The keys of an endpoint and its deployments come from the ids
`iac_gen.desired.ml` gives their bodies, placed by the same `KINDS` entry, so they are the
keys `match.designed_resources` finds in the built state.

A deferred state that cannot be built raises where it is first read, in whichever order
the endpoints are judged; the caller (`iac_gen.drift.analyse`) then runs again with every
state built first, so the error is the one a run in spec order reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from iac_gen.desired import desired_state, require_target
from iac_gen.desired.state import DesiredState
from iac_gen.drift.kinds import KINDS
from iac_gen.drift.match import Designed, Pair, designed_resources
from iac_gen.spec.model import Spec
from iac_gen.vocabulary import DEPLOYMENT_TYPE, ENDPOINT_TYPE


def deferrable(spec: Spec) -> bool:
    """Whether the desired state of `spec` holds its endpoint and deployments and no
    companion (autoscale settings, diagnostic settings, alerts, role assignments)."""
    return not spec.autoscale and spec.monitoring is None and not spec.scorers


class DeferredState:
    """A spec's desired state, built on first use (once per process)."""

    __slots__ = ("_state", "spec")

    def __init__(self, spec: Spec):
        self.spec = spec
        self._state: DesiredState | None = None

    @property
    def state(self) -> DesiredState:
        if self._state is None:
            self._state = desired_state(self.spec)
        return self._state

    def designed(self) -> list[Designed]:
        """The endpoint and its deployments, keyed for matching, bodies not yet built."""
        scope = require_target(self.spec)  # IAC320 now, as building the state would
        name = self.spec.endpoint.name
        resources = [("endpoint", ENDPOINT_TYPE, scope.endpoint_id(name))]
        for dep in self.spec.deployments:
            resources.append(("deployment", DEPLOYMENT_TYPE, scope.deployment_id(name, dep.name)))
        out: list[Designed] = []
        for kind, arm_type, resource_id in resources:
            found = KINDS[kind].place({"id": resource_id, "type": arm_type})
            if found is None:  # not an id `match` can key: the built state decides
                return _designed_now(self)
            ws, key = found
            out.append(Designed(key, kind, ws, _Later(self, resource_id), self.spec))
        return out


def _designed_now(deferred: DeferredState) -> list[Designed]:
    state = deferred.state
    return designed_resources(deferred.spec, state.resources, state.unresolved)


class _Later(Mapping[str, Any]):
    """Stands for a designed body until `built` swaps in the real one (`parts.judge_chunk`,
    before any step reads it); it reads as the body if something asks earlier."""

    __slots__ = ("deferred", "resource_id")

    def __init__(self, deferred: DeferredState, resource_id: str):
        self.deferred = deferred
        self.resource_id = resource_id

    def built(self) -> tuple[Mapping[str, Any], list[tuple[str, str]]]:
        """(the body, its unresolved (arm_path, reason) notes) from the built state."""
        state = self.deferred.state
        wanted = self.resource_id.lower()
        body = next(r for r in state.resources if str(r.get("id", "")).lower() == wanted)
        notes = [
            (item.arm_path, item.reason)
            for item in state.unresolved
            if str(item.resource_id).lower() == wanted
        ]
        return body, notes

    def __getitem__(self, key: str) -> Any:
        return self.built()[0][key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.built()[0])

    def __len__(self) -> int:
        return len(self.built()[0])


def built_pairs(pairs: Sequence[Pair]) -> list[Pair]:
    """`pairs` with every deferred designed body built, in this process.

    The new pair and designed resource are made field by field (`dataclasses.replace`
    looks every field up by name again: a tenth of a CLI v2 fleet's building)."""
    out: list[Pair] = []
    for pair in pairs:
        d = pair.designed
        if d is not None and isinstance(d.body, _Later):
            body, notes = d.body.built()
            designed = Designed(d.key, d.kind, d.ws, body, d.spec, notes)
            pair = Pair(
                pair.key,
                pair.kind,
                designed,
                pair.live,
                pair.live_ws,
                pair.not_checked,
                pair.not_compared,
            )
        out.append(pair)
    return out
