"""Judge endpoints in chunks, and a large fleet's chunks in two processes: the same result.

After `match`, each endpoint is judged on its own. Its pairs - the endpoint, its deployments
and their companions, all keyed by workspace and endpoint name (`Pair.key`) - go through the
per-endpoint steps (`pipeline.PER_ENDPOINT`: normalise ... classify) without reading any
other endpoint's pairs: the only lookups across pairs (`classify.Outcomes`: live traffic and
the declaring spec per endpoint) are by that same key. So the pairs are cut into chunks of
whole endpoints, and the steps run chunk by chunk:

- memory: a chunk's flat maps (both sides of every resource, the largest thing the steps
  build) are freed before the next chunk is normalised, instead of all living until
  `classify` has finished;
- both cores: from `SHARE_FROM_PAIRS` on, a forked worker (`iac_gen.parallel.shared_map`)
  judges chunks from the end of the list while this process judges from the front - unless
  this process is already so large that the worker's copy of its pages would cost more memory
  than the time is worth (`SHARE_UP_TO_RESIDENT_MIB`).

Each chunk's findings, coverage, resources, traffic, errors and waiver matches are joined on
the run. Why the result is byte for byte that of one pass over all pairs: every entry comes
from its own endpoint's pairs alone, finding ids are content hashes, waiver match counts add
up, and `analysis` sorts findings, resources, coverage, traffic and errors by content, so
neither the chunks nor the order they are joined in can show. A test compares one pass with
one-endpoint chunks on every drift fixture, and the two processes with one on a generated
fleet. Any failure in the worker and every chunk is judged here, so errors are exactly those
of a sequential run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from iac_gen.drift.match import Pair

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun

Step = tuple[str, Callable[["DriftRun"], None]]

CHUNK_PAIRS = 2000
"""Pairs judged together (about 500 endpoints with three deployments): enough that the steps'
per-chunk set-up does not show, few enough that their flat maps stay small."""

SHARE_FROM_PAIRS = 4000
"""From two chunks on, the second core judges its share of them: below this the fork, and sending
the findings and coverage back, cost more than the second core saves."""

SHARE_UP_TO_RESIDENT_MIB = 640
"""The worker soon holds its own copy of the pages its share of the fleet reads (bodies, specs:
about half this process, `iac_gen.parallel`). Up to this size here a second process is worth
its memory. 10,000 native endpoints with three deployments are within it (about 425 MiB when
judging starts; 2,000 CLI v2 folders: 170 MiB). Measured at 10,000 endpoints, 1 % drifted:
the pipeline took 1.8 s with a worker against 2.35 s alone, and the peak summed over both
processes was 795-810 MiB; a fleet where every deployment drifts (the worker then reads
each finding's location in the specs too): 929 MiB."""


def chunks_by_endpoint(pairs: Sequence[Pair], size: int) -> list[list[Pair]]:
    """Chunks of about `size` pairs (more when one endpoint has more), each holding every pair
    of its endpoints; endpoints in the order first met, pairs in the order given."""
    by_endpoint: dict[tuple[str, str, str], list[Pair]] = {}
    for pair in pairs:
        by_endpoint.setdefault(pair.key.endpoint_key, []).append(pair)
    chunks: list[list[Pair]] = []
    current: list[Pair] = []
    for group in by_endpoint.values():
        if current and len(current) + len(group) > size:
            chunks.append(current)
            current = []
        current.extend(group)
    if current:
        chunks.append(current)
    return chunks


class Judged(NamedTuple):
    """What the per-endpoint steps add to a run, for one chunk. A worker sends it back as a
    plain tuple: plain values travel as `marshal` data (`iac_gen.parallel`)."""

    findings: list[dict[str, Any]]
    coverage: list[Any]
    resources: list[dict[str, Any]]
    traffic: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    matched: dict[str, int] | None  # waiver id -> findings it matched; None without waivers


def judge_chunk(run: DriftRun, steps: Sequence[Step], pairs: list[Pair]) -> tuple[Any, ...]:
    """Run `steps` over `pairs` alone, on a fresh run sharing `run`'s inputs: a `Judged` as a
    plain tuple."""
    from iac_gen.drift.deferred import built_pairs

    part = dataclasses.replace(
        run,
        pairs=built_pairs(pairs),  # desired states deferred until now are built here
        sides=[],
        findings=[],
        coverage=[],
        resources=[],
        traffic=[],
        errors=[],
    )
    for _name, step in steps:
        step(part)
    matched = part.book.matched if part.book is not None else None
    return tuple(
        Judged(part.findings, part.coverage, part.resources, part.traffic, part.errors, matched)
    )


def judge_by_endpoint(run: DriftRun, steps: Sequence[Step]) -> bool:
    """Run the per-endpoint `steps` on `run`, chunk by chunk; True when a second process
    judged some of the chunks."""
    chunks = chunks_by_endpoint(run.pairs, CHUNK_PAIRS)
    judge = partial(judge_chunk, run, steps)
    judged = None
    if len(run.pairs) >= SHARE_FROM_PAIRS and len(chunks) >= 2:  # small runs import nothing
        from iac_gen.parallel import shared_map, worth_sharing

        if worth_sharing(len(run.pairs), SHARE_FROM_PAIRS, SHARE_UP_TO_RESIDENT_MIB):
            judged = shared_map(judge, chunks)
    shared = judged is not None
    if judged is None:
        judged = [judge(pairs) for pairs in chunks]
    _join(run, [Judged(*part) for part in judged])
    return shared


def _join(run: DriftRun, judged: Sequence[Judged]) -> None:
    """The chunks' additions on `run`, as if its steps had run over all pairs at once. The
    one piece of run state the steps keep (the waiver book, built by `bind_waivers` from the
    run's waivers and date alone) is built here too and given the chunks' match counts."""
    for part in judged:
        run.findings.extend(part.findings)
        run.coverage.extend(part.coverage)
        run.resources.extend(part.resources)
        run.traffic.extend(part.traffic)
        run.errors.extend(part.errors)
    if run.waivers is not None:
        from iac_gen.drift.waivers import step_bind_waivers

        step_bind_waivers(run)
        assert run.book is not None
        for part in judged:
            for waiver_id, count in (part.matched or {}).items():
                run.book.matched[waiver_id] += count
