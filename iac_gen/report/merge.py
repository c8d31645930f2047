"""`iac-gen merge`: one drift result from the results of N shard jobs.

Each shard job runs `export --graph --shard K/N` and `drift` over its bundle; its result's
live input carries the shard (`inputs[].shard`), and drift judged only the specs whose
subscription the shard holds (`iac_gen.shards`). Shards partition the fleet, so the union of
their resources, findings, coverage, traffic and errors is what one run over the whole fleet
finds, and the counts, status and gate follow from that union exactly as the analysis
computes them (`iac_gen.drift.analysis.build_result`, reused here, not re-implemented).

Merged only when the shards are one complete set, refused otherwise with one line each:
- IAC510 a result that is not a shard's drift result (no shard on its live input);
- IAC511 not one complete set: different N, a K given twice, a K missing;
- IAC512 shards of different designs: spec or waivers files (path and sha256), environment
  or fail_on differ;
- IAC513 shards judged by another iac-gen or normalisation version than this merge;
- IAC514 shards that overlap: one resource or finding in two shards;
- IAC515 a shard result that does not match the sha256 its own manifest.json records.

Coverage is read through `iac_gen.coverage.rows_of` (which knows every encoding drift.json
has used: shards of schema 1.x and 2.0 merge alike) and re-encoded by `build_result`.
Library code: raises InputError, never prints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import InputError, error
from iac_gen.shards import BadShard, Shard, parse_shard

DESIGN_ROLES = ("spec", "waivers")
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class ShardResult:
    """One shard's drift result as read: where, its digest, its shard, its manifest."""

    path: Path
    sha256: str
    size: int
    data: dict[str, Any]
    shard: Shard
    manifest: Path | None = None  # the manifest.json beside it that vouches for it


def _name(path: Path) -> str:
    from iac_gen.spec.one_line import escape

    return escape(str(path))


def read_shard(path: Path) -> ShardResult:
    """Load one result (`iac_gen.report.load.load_result` checks it) and find its shard."""
    from iac_gen.report.load import load_result

    kind, data = load_result(path)
    name = _name(path)
    if kind != "drift":
        raise error("IAC510", "a lint result, not a shard's drift result", name)
    lives = [i for i in data.get("inputs") or [] if i.get("role") == "live"]
    shards = [i.get("shard") for i in lives]
    if len(lives) != 1 or not isinstance(shards[0], str):
        raise error(
            "IAC510",
            "not a shard result: its live input names no shard "
            "(drift over a bundle from `iac-gen export --graph --shard K/N`)",
            name,
        )
    try:
        shard = parse_shard(shards[0])
    except BadShard as exc:
        raise error("IAC510", f"not a shard result: {exc}", name) from None
    blob = Path(path).read_bytes()
    digest = hashlib.sha256(blob).hexdigest()
    return ShardResult(Path(path), digest, len(blob), data, shard, _vouching_manifest(path, digest))


def _vouching_manifest(path: Path, digest: str) -> Path | None:
    """The manifest.json beside `path` when it lists `path` among its outputs; IAC515 when it
    lists it with another sha256 (the result was changed after its run wrote it)."""
    manifest = Path(path).parent / MANIFEST_NAME
    if not manifest.is_file():
        return None
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    outputs = doc.get("outputs") if isinstance(doc, dict) else None
    for entry in outputs if isinstance(outputs, list) else []:
        if isinstance(entry, dict) and entry.get("path") == Path(path).name:
            if entry.get("sha256") != digest:
                raise error(
                    "IAC515",
                    f"does not match the sha256 its {MANIFEST_NAME} records "
                    f"({str(entry.get('sha256'))[:12]}..., file {digest[:12]}...): changed "
                    "after its drift run wrote it",
                    _name(path),
                )
            return manifest
    return None


def _design(data: Mapping[str, Any]) -> tuple[Any, ...]:
    inputs = sorted(
        (str(i.get("role")), str(i.get("path")), str(i.get("sha256")))
        for i in data.get("inputs") or []
        if i.get("role") in DESIGN_ROLES
    )
    return (tuple(inputs), data.get("environment"), data.get("fail_on"))


def check_set(shards: Sequence[ShardResult]) -> list[ShardResult]:
    """The shards in K order when they are one complete, non-overlapping set judged alike;
    otherwise InputError (IAC511-IAC514, see the module docstring)."""
    from iac_gen import __version__
    from iac_gen.drift.tables import NORMALISATION_VERSION

    counts = sorted({s.shard.count for s in shards})
    if len(counts) > 1:
        listed = ", ".join(f"{_name(s.path)} is {s.shard}" for s in shards[:4])
        raise error("IAC511", f"shards of different N ({listed}): merge one set", "iac-gen merge")
    count = counts[0]
    seen: dict[int, ShardResult] = {}
    for s in shards:
        if s.shard.index in seen:
            raise error(
                "IAC511",
                f"shard {s.shard} given twice ({_name(seen[s.shard.index].path)}, {_name(s.path)})",
                "iac-gen merge",
            )
        seen[s.shard.index] = s
    missing = [str(Shard(k, count)) for k in range(1, count + 1) if k not in seen]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        shown = ", ".join(missing[:5]) + more
        raise error(
            "IAC511",
            f"shard {shown} missing: merge needs every shard 1/{count}..{count}/{count} once",
            "iac-gen merge",
        )
    ordered = [seen[k] for k in range(1, count + 1)]
    first = ordered[0]
    for s in ordered:
        tool = (s.data.get("tool") or {}).get("version")
        norm = s.data.get("normalisation_version")
        if tool != __version__ or norm != NORMALISATION_VERSION:
            raise error(
                "IAC513",
                f"judged by iac-gen {tool} (normalisation {norm}); this merge is iac-gen "
                f"{__version__} (normalisation {NORMALISATION_VERSION}): merge with the "
                "version that judged the shards",
                _name(s.path),
            )
        if _design(s.data) != _design(first.data):
            raise error("IAC512", _design_difference(first, s), _name(s.path))
    _check_disjoint(ordered)
    return ordered


def _design_difference(first: ShardResult, other: ShardResult) -> str:
    a, b = _design(first.data), _design(other.data)
    if a[1] != b[1]:
        return f"environment {b[1]!r}, but {_name(first.path)} has {a[1]!r}"
    if a[2] != b[2]:
        return f"fail_on {b[2]!r}, but {_name(first.path)} has {a[2]!r}"
    mine = {(r, p): h for r, p, h in b[0]}
    theirs = {(r, p): h for r, p, h in a[0]}
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key) != theirs.get(key):
            role, path = key
            how = (
                "is not among its inputs"
                if key not in mine
                else "is not among the inputs of " + _name(first.path)
                if key not in theirs
                else "has another sha256 than in " + _name(first.path)
            )
            return f"judged another design: {role} file {_name(Path(path))} {how}"
    return f"judged another design than {_name(first.path)}"


def _check_disjoint(shards: Sequence[ShardResult]) -> None:
    owner: dict[tuple[str, str], Shard] = {}
    for s in shards:
        keys = [("resource", str(r["id"]).lower()) for r in s.data.get("resources") or []]
        keys += [("finding", str(f["id"])) for f in s.data.get("findings") or []]
        for key in keys:
            if key in owner and owner[key] != s.shard:
                raise error(
                    "IAC514",
                    f"shards {owner[key]} and {s.shard} overlap: both judge {key[0]} "
                    f"{_name(Path(key[1]))} (were they made with the same N?)",
                    "iac-gen merge",
                )
            owner[key] = s.shard


@dataclass
class _Union:
    """What `build_result` reads from a drift run, gathered from the shards."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[Sequence[Any]] = field(default_factory=list)  # rows (iac_gen.coverage)
    traffic: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    book: Any = None


class _Waivers:
    """The waivers section of the union: each waiver's matches summed over the shards;
    `expired` if any shard judged it so (shards may run on either side of midnight)."""

    def __init__(self, shards: Sequence[ShardResult]):
        merged: dict[str, dict[str, Any]] = {}
        for s in shards:
            for w in s.data.get("waivers") or []:
                entry = merged.setdefault(str(w["id"]), {**w, "matched": 0, "status": "unused"})
                entry["matched"] += int(w.get("matched") or 0)
                if w.get("status") == "expired":
                    entry["status"] = "expired"
        for entry in merged.values():
            if entry["status"] != "expired":
                entry["status"] = "active" if entry["matched"] else "unused"
        self._entries = [merged[k] for k in sorted(merged)]

    def report(self) -> list[dict[str, Any]]:
        return [dict(e) for e in self._entries]


def merge_results(shards: Sequence[ShardResult], now: datetime | None = None) -> dict[str, Any]:
    """The drift result of the whole fleet from a checked set (`check_set`)."""
    from iac_gen.coverage import rows_of
    from iac_gen.drift import clock
    from iac_gen.drift.analysis import build_result
    from iac_gen.report.redact import redact_result

    union = _Union()
    seen_errors: set[tuple[str, str]] = set()
    for s in shards:
        union.findings.extend(s.data.get("findings") or [])
        union.resources.extend(s.data.get("resources") or [])
        union.coverage.extend(rows_of(s.data))
        union.traffic.extend(s.data.get("traffic") or [])
        for e in s.data.get("errors") or []:
            key = (str(e.get("resource")), str(e.get("reason")))
            if key not in seen_errors:  # one failed read told by two shards is one error
                seen_errors.add(key)
                union.errors.append(e)
    first = shards[0].data
    design = [i for i in first.get("inputs") or [] if i.get("role") == "spec"]
    lives = [i for s in shards for i in s.data.get("inputs") or [] if i.get("role") == "live"]
    waivers = [i for i in first.get("inputs") or [] if i.get("role") == "waivers"]
    union.meta = {
        "generated_at": (now or clock()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": first.get("environment"),
        "fail_on": first.get("fail_on", "info"),
        "inputs": [dict(i) for i in (*design, *lives, *waivers)],
    }
    if any(s.data.get("waivers") for s in shards):  # one waivers file: all or none have them
        union.book = _Waivers(shards)
    return redact_result(build_result(union))  # type: ignore[arg-type]


def merge_files(paths: Sequence[Path]) -> tuple[dict[str, Any], list[ShardResult]]:
    """(merged result, the shards in K order) for result files; InputError with every
    unreadable file's line, else the first set problem."""
    problems = []
    shards: list[ShardResult] = []
    for path in paths:
        try:
            shards.append(read_shard(Path(path)))
        except InputError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise InputError(problems)
    ordered = check_set(shards)
    return merge_results(ordered), ordered
