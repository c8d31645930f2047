"""What the human-readable reports (Markdown, HTML) show, computed once from a drift result.

Templates stay simple: every count, label, sort order and chart geometry is decided here,
from the redacted result, so the two formats cannot disagree.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, overload

from iac_gen.coverage import ARM_PATH, FIELD, OUTCOME, REASON, RESOURCE, rows_of
from iac_gen.report.gate import Gate, gate
from iac_gen.report.redact import redact_result
from iac_gen.severity import SEVERITIES, rank

STATUS_LABEL = {"in_sync": "In sync", "drifted": "Drifted", "not_checked": "Not checked"}
CHANGE_LABEL = {
    "not_equal": "changed",
    "added": "added",
    "removed": "removed",
    "missing_resource": "missing resource",
    "unmanaged_resource": "unmanaged resource",
    "not_comparable": "not comparable",
}
OUTCOMES = ("matched", "drifted", "waived", "not_comparable")
RESOURCE_STATES = ("in_sync", "modified", "missing", "unmanaged", "not_checked")
WAIVER_ORDER = {"expired": 0, "active": 1, "unused": 2}
# Colour-blind friendly palette for deployments in the traffic chart.
DEPLOYMENT_COLOURS = ("#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d")
ABSENT = "(absent)"


def format_value(value: Any) -> str:
    """One readable line for any JSON value; `None` means the side has no value."""
    if value is None:
        return ABSENT
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def resource_name(ref: str | None) -> str:
    """`endpoint[/deployment]` for a resource name or a full ARM id of an online endpoint."""
    text = str(ref or "")
    if not text.startswith("/"):
        return text
    return _name_in_id(text)


@lru_cache(maxsize=65536)
def _name_in_id(text: str) -> str:
    """`resource_name` of an ARM id; cached, since a fleet report asks about every coverage
    row and finding, a few dozen times per resource."""
    parts = text.strip("/").split("/")
    lowered = [p.lower() for p in parts]
    if "onlineendpoints" in lowered:
        i = lowered.index("onlineendpoints")
        name = parts[i + 1] if i + 1 < len(parts) else ""
        if "deployments" in lowered[i:] and lowered.index("deployments", i) + 1 < len(parts):
            name += "/" + parts[lowered.index("deployments", i) + 1]
        return name
    return parts[-1] if parts else text


def endpoint_of(resource: str | None) -> str:
    """`credit-scoring/blue` (or its ARM id) -> `credit-scoring`."""
    name = resource_name(resource)
    cut = name.find("/")
    return name if cut < 0 else name[:cut]


@dataclass(frozen=True)
class FindingRow:
    id: str
    severity: str
    category: str
    resource: str
    field: str
    arm_path: str
    expected: str
    actual: str
    change: str
    change_label: str
    message: str
    waived: bool
    waiver_id: str
    location: str
    failing: bool = False
    attribution: str = ""  # who changed it, when the live input carried a change history


class FindingRows(Sequence[FindingRow]):
    """The drift findings of a report in report order (`_sorted_findings`), each row made
    when it is first read, a slice a view of the same kind. A fleet has 30,000 findings and
    the pages show a few hundred; the counts come from the findings themselves (`_view`)."""

    def __init__(self, findings: Sequence[Mapping[str, Any]], fail_rank: int) -> None:
        self._findings = findings
        self._fail_rank = fail_rank
        self._made: dict[int, FindingRow] = {}

    def __len__(self) -> int:
        return len(self._findings)

    @overload
    def __getitem__(self, index: int) -> FindingRow: ...

    @overload
    def __getitem__(self, index: slice) -> FindingRows: ...

    def __getitem__(self, index: int | slice) -> FindingRow | FindingRows:
        if isinstance(index, slice):
            return FindingRows(self._findings[index], self._fail_rank)
        size = len(self._findings)
        at = index + size if index < 0 else index
        if not 0 <= at < size:
            raise IndexError(index)
        row = self._made.get(at)
        if row is None:
            row = self._made[at] = _row(self._findings[at], self._fail_rank)
        return row

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so not hashable

    def __repr__(self) -> str:
        return f"FindingRows({list(self)!r})"


@dataclass(frozen=True)
class Segment:
    name: str
    pct: float
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class TrafficRow:
    label: str
    segments: list[Segment]
    total: float
    mirror: str


@dataclass(frozen=True)
class TrafficChart:
    endpoint: str
    rows: list[TrafficRow]
    differs: bool


@dataclass(frozen=True)
class SeverityBar:
    severity: str
    count: int
    width: float


@dataclass
class ReportView:
    status: str
    status_label: str
    banner: str  # in_sync | drifted | below_gate | waived | not_checked: the banner colour
    gate: Gate
    verdict: str
    title: str
    environment: str | None
    fail_on: str | None
    tool_name: str
    tool_version: str
    generated_at: str
    schema_version: str
    endpoints: list[str]
    findings: FindingRows
    open_by_severity: dict[str, int]
    open_count: int
    waived_count: int
    waivers: list[dict[str, Any]]
    outcomes: dict[str, int]
    not_comparable: list[dict[str, str]]
    resource_states: dict[str, int]
    resources: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    inputs: list[dict[str, Any]]
    traffic: list[TrafficChart] = field(default_factory=list)
    traffic_same: int = 0  # endpoints whose intended and live split agree (not charted)
    severity_bars: list[SeverityBar] = field(default_factory=list)
    attributed: bool = False  # some finding says who changed it: the reports add a column
    counts_note: str = ""  # why open findings and drifted properties differ, when they do


def _finding_row(f: Mapping[str, Any], fail_on: str) -> FindingRow:
    return _row(f, rank(fail_on))


# `rank` of each severity already lowered (what `FindingRow.severity` holds).
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def severity_rank(severity: Any) -> int:
    """`rank(severity)`, a dict look-up for the usual spellings: the reports sort a fleet's
    30,000 findings by it."""
    found = _RANK.get(severity) if isinstance(severity, str) else None
    return rank(severity) if found is None else found


def _row(f: Mapping[str, Any], fail_rank: int) -> FindingRow:
    """`_finding_row` with the gate's rank computed once for all findings."""
    get = f.get
    loc = get("location") or {}
    where = ""
    if loc.get("file"):
        where = str(loc["file"])
        if loc.get("line"):
            where += f":{loc['line']}"
            if loc.get("col"):
                where += f":{loc['col']}"
    waiver = get("waiver") or {}
    change = str(get("change") or "")
    severity = get("severity")
    waived = get("waived")
    failing = _failing(f, fail_rank)
    return FindingRow(
        id=str(get("id") or ""),
        severity=str(severity or "info").lower(),
        category=str(get("category") or ""),
        resource=str(get("resource") or ""),
        field=str(get("field") or get("arm_path") or ""),
        arm_path=str(get("arm_path") or ""),
        expected=format_value(get("expected")),
        actual=format_value(get("actual")),
        change=change,
        change_label=CHANGE_LABEL.get(change, change),
        message=str(get("message") or ""),
        waived=bool(waived),
        waiver_id=str(waiver.get("id") or ""),
        location=where,
        failing=failing,
        attribution=_attribution(f),
    )


def _failing(f: Mapping[str, Any], fail_rank: int) -> bool:
    """`gate.is_failing` with the gate's rank worked out once: the rows and their order."""
    return (
        not f.get("waived")
        and f.get("change") != "not_comparable"
        and severity_rank(f.get("severity")) <= fail_rank
    )


def _attribution(f: Mapping[str, Any]) -> str:
    """The finding's "changed by X via Y at T" line, or "" (results before schema 1.1, and
    live inputs without a change history, have none)."""
    found = f.get("attribution")
    return str(found.get("text") or "") if isinstance(found, Mapping) else ""


def _endpoints(result: Mapping[str, Any]) -> list[str]:
    names: set[str] = set()
    for r in result.get("resources") or []:
        names.add(str(r.get("endpoint") or endpoint_of(r.get("name"))))
    findings = result.get("findings") or []
    try:  # each resource once: a fleet has 30,000 findings on 20,000 resources
        refs: Any = {f.get("resource") for f in findings}
    except TypeError:  # a resource that cannot be a key (a hand-edited result)
        refs = [f.get("resource") for f in findings]
    names.update(map(endpoint_of, refs))
    # A fleet has a million rows: each label once.
    names.update(map(endpoint_of, set(map(itemgetter(RESOURCE), rows_of(result)))))
    for t in result.get("traffic") or []:
        names.add(str(t.get("endpoint") or ""))
    return sorted(n for n in names if n)


def _outcomes(result: Mapping[str, Any]) -> dict[str, int]:
    rows = rows_of(result)
    if rows:
        return {o: n for o, n in zip(OUTCOMES, _counted(rows, OUTCOME, OUTCOMES), strict=True)}
    props = (result.get("summary") or {}).get("properties") or {}
    return {o: int(props.get(o) or 0) for o in OUTCOMES}


def _counted(rows: Sequence[Sequence[Any]], column: int, values: Sequence[str]) -> list[int]:
    """How many rows hold each of `values` (text) in `column`: a fleet has a million rows,
    so they are counted as they are and only the distinct values are made text."""
    try:
        raw = Counter(map(itemgetter(column), rows))
    except TypeError:  # a value that cannot be a key (a list in a hand-edited result)
        raw = Counter(str(r[column]) for r in rows)
    counted: Counter[str] = Counter()
    for value, n in raw.items():
        counted[str(value)] += n
    return [counted.get(v, 0) for v in values]


def _resource_states(result: Mapping[str, Any]) -> dict[str, int]:
    resources = result.get("resources")
    if resources:
        counted = Counter(str(r.get("status")) for r in resources)
        return {s: counted.get(s, 0) for s in RESOURCE_STATES}
    summ = (result.get("summary") or {}).get("resources") or {}
    return {s: int(summ.get(s) or 0) for s in RESOURCE_STATES}


def _not_comparable(result: Mapping[str, Any]) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], str] = {}
    for r in rows_of(result):
        if r[OUTCOME] == "not_comparable":
            seen[(str(r[RESOURCE]), str(r[FIELD] or r[ARM_PATH]))] = str(r[REASON] or "")
    for f in result.get("findings") or []:
        if f.get("change") == "not_comparable":
            key = (str(f.get("resource") or ""), str(f.get("field") or f.get("arm_path") or ""))
            if not seen.get(key):
                seen[key] = str(f.get("message") or "")
    return [{"resource": r, "field": fl, "reason": why} for (r, fl), why in sorted(seen.items())]


def _traffic(result: Mapping[str, Any], width: float) -> tuple[list[TrafficChart], int]:
    """The charts of endpoints whose intended and live split differ, and how many agree.

    Only the differing ones are drawn, so only they are built (a fleet has 10,000 entries)."""
    charts = []
    same = 0
    for entry in sorted(result.get("traffic") or [], key=lambda t: str(t.get("endpoint"))):
        sides = {
            "Intended": (entry.get("intended") or {}, entry.get("intended_mirror") or {}),
            "Live": (entry.get("live") or {}, entry.get("live_mirror") or {}),
        }
        if sides["Intended"] == sides["Live"]:
            same += 1
            continue
        charts.append(_chart(str(entry.get("endpoint") or ""), sides, width))
    return charts, same


def _chart(
    endpoint: str, sides: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]], width: float
) -> TrafficChart:
    names = sorted({str(n) for split, _ in sides.values() for n in split})
    colour = {n: DEPLOYMENT_COLOURS[i % len(DEPLOYMENT_COLOURS)] for i, n in enumerate(names)}
    rows = []
    for label, (split, mirror) in sides.items():
        x = 0.0
        segments = []
        for name in names:
            pct = float(split.get(name) or 0)
            if pct <= 0:
                continue
            w = width * min(pct, 100.0) / 100.0
            segments.append(Segment(name, pct, round(x, 2), round(w, 2), colour[name]))
            x += w
        mirror_text = ", ".join(
            f"{n} {format_pct(float(p or 0))}" for n, p in sorted(mirror.items())
        )
        rows.append(TrafficRow(label, segments, sum(s.pct for s in segments), mirror_text))
    return TrafficChart(endpoint, rows, True)


def counts_note(
    clean: Mapping[str, Any], open_findings: Sequence[Mapping[str, Any]], drifted: int
) -> str:
    """Why the number of open findings and of drifted properties differ, or "" if they agree.

    A missing resource is one finding for all its declared properties; an unmanaged
    resource, or a value Azure has that the spec does not declare, is a finding with no
    declared property behind it.
    """
    if len(open_findings) == drifted:
        return ""
    missing, unmanaged, undeclared, accounted = _account(clean, open_findings)
    parts = []
    if missing:
        props = sum(n for _, n in missing)
        noun = "property" if props == 1 else "properties"
        if len(missing) == 1:
            parts.append(f"1 missing resource is one finding for its {props} declared {noun}")
        else:
            parts.append(
                f"{len(missing)} missing resources are one finding each for their {props} "
                f"declared {noun}"
            )
    if unmanaged:
        parts.append(
            f"{unmanaged} unmanaged "
            + ("resources are findings" if unmanaged > 1 else "resource is a finding")
            + " with no declared property"
        )
    if undeclared:
        parts.append(
            f"{undeclared} finding{'s' if undeclared > 1 else ''} for values the spec does not "
            "declare (no property of the spec behind them)"
        )
    if drifted > accounted:
        left = drifted - accounted
        parts.append(
            f"{left} drifted propert{'y has' if left == 1 else 'ies have'} no open finding"
        )
    plural = "finding" if len(open_findings) == 1 else "findings"
    noun = "property" if drifted == 1 else "properties"
    head = f"{len(open_findings)} open {plural} but {drifted} drifted {noun}"
    return f"{head}: " + "; ".join(parts) + "." if parts else head + "."


def _account(
    clean: Mapping[str, Any], open_findings: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[str, int]], int, int, int]:
    """The open findings sorted out for `counts_note`: (each missing resource with its drifted
    properties, unmanaged resources, findings on undeclared values, drifted properties that
    some finding accounts for)."""
    by_resource: Counter[str] = Counter()
    keys: set[tuple[str, str]] = set()
    for r in rows_of(clean):
        if r[OUTCOME] == "drifted":
            by_resource[str(r[RESOURCE])] += 1
            keys.add((str(r[RESOURCE]), str(r[FIELD] or r[ARM_PATH])))
    missing: list[tuple[str, int]] = []
    unmanaged = undeclared = accounted = 0
    for f in open_findings:
        change, resource = str(f.get("change") or ""), str(f.get("resource") or "")
        if change == "missing_resource":
            missing.append((resource, by_resource.get(resource, 0)))
            accounted += by_resource.get(resource, 0)
        elif change == "unmanaged_resource":
            unmanaged += 1
        elif (resource, str(f.get("field") or f.get("arm_path") or "")) in keys:
            accounted += 1
        else:
            undeclared += 1
    return missing, unmanaged, undeclared, accounted


def format_pct(pct: float) -> str:
    return f"{pct:g}%"


def _verdict(
    status: str,
    open_by_sev: dict[str, int],
    open_count: int,
    waived: int,
    endpoints: list[str],
    outcomes: dict[str, int],
    unreadable: int,
) -> str:
    where = ", ".join(endpoints) if len(endpoints) <= 3 else f"{len(endpoints)} endpoints"
    where = f" on {where}" if where else ""
    plural = "finding" if open_count == 1 else "findings"
    breakdown = ", ".join(f"{n} {s}" for s, n in open_by_sev.items() if n)
    waived_text = f"; {waived} waived" if waived else ""
    if status == "in_sync":
        return f"no drift{where}; {outcomes['matched']} properties matched{waived_text}"
    if status == "not_checked":
        what = "resource" if unreadable == 1 else "resources"
        found = f"; {open_count} {plural} so far" if open_count else ""
        return f"live state incomplete for {unreadable} {what}{where}; no verdict{found}"
    detail = f" ({breakdown})" if breakdown else ""
    return f"{open_count} {plural}{detail}{where}{waived_text}"


def _failed_first(clean: Mapping[str, Any]) -> str:
    """A failed deployment is what an operator must see first: named ahead of the verdict."""
    failed = sorted(
        resource_name(e.get("resource"))
        for e in clean.get("errors") or []
        if str(e.get("reason", "")).startswith("provisioningState Failed")
    )
    return f"FAILED in Azure: {', '.join(failed)}; " if failed else ""


def severity_bars(counts: Mapping[str, int], width: float) -> list[SeverityBar]:
    top = max(counts.values(), default=0) or 1
    return [
        SeverityBar(s, counts.get(s, 0), round(width * counts.get(s, 0) / top, 2))
        for s in SEVERITIES
    ]


def _no_nulls(rows: Any) -> list[dict[str, Any]]:
    """Table rows with `None` as "" (templates filter values before printing them, and a
    filter would print `None`); rows that are not objects are dropped."""
    return [
        {k: "" if v is None else v for k, v in row.items()}
        for row in rows or []
        if isinstance(row, Mapping)
    ]


def build_view(result: Mapping[str, Any], chart_width: float = 420.0) -> ReportView:
    """The redacted, sorted, counted picture of a drift result; built once per redacted
    result and width (Markdown and HTML share it when given the same redacted result)."""
    clean = redact_result(result)
    key = ("view", chart_width)
    if key not in clean.derived:
        clean.derived[key] = _view(clean, chart_width)
    view: ReportView = clean.derived[key]
    return view


def _sorted_waivers(clean: Mapping[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        _no_nulls(clean.get("waivers")),
        key=lambda w: (WAIVER_ORDER.get(str(w.get("status")), 3), str(w.get("id"))),
    )


def _sorted_resources(clean: Mapping[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        _no_nulls(clean.get("resources")),
        key=lambda r: (
            str(r.get("endpoint") or ""),
            str(r.get("name") or ""),
            str(r.get("id") or ""),
        ),
    )


def _title(endpoints: list[str], environment: Any) -> str:
    title = "Drift report: " + (
        ", ".join(endpoints) if len(endpoints) <= 3 else f"{len(endpoints)} endpoints"
    )
    return f"{title} ({environment})" if environment else title


def _status_label(status: str, open_drift: bool, the_gate: Gate) -> tuple[str, str]:
    """(label, banner) of the page's status."""
    if status == "drifted" and not open_drift:
        return "Drift waived", "waived"  # all of it accepted: not a failed run
    if status == "drifted" and the_gate.outcome == "passed":
        return "Drifted, below the gate", "below_gate"
    return STATUS_LABEL.get(status, status), status


def _sorted_findings(clean: Mapping[str, Any], fail_rank: int) -> list[Mapping[str, Any]]:
    """The findings that are drift, in the order their rows are shown: failing the gate
    first, then open drift below it, then waived drift; within each by severity, resource,
    field and id, as the rows (`_row`) spell them."""
    last = len(SEVERITIES)  # `rank` of a severity not on the scale

    def order(f: Mapping[str, Any]) -> tuple[Any, ...]:
        get = f.get
        severity = get("severity")
        return (
            not _failing(f, fail_rank),
            bool(get("waived")),
            _RANK.get(str(severity or "info").lower(), last),
            str(get("resource") or ""),
            str(get("field") or get("arm_path") or ""),
            str(get("id") or ""),
        )

    drift = [f for f in clean.get("findings") or [] if f.get("change") != "not_comparable"]
    drift.sort(key=order)
    return drift


def _view(clean: Mapping[str, Any], chart_width: float) -> ReportView:
    status = str(clean.get("status") or "not_checked")
    the_gate = gate(clean)
    fail_rank = rank(the_gate.fail_on)
    drift = _sorted_findings(clean, fail_rank)
    rows = FindingRows(drift, fail_rank)
    open_rows = [f for f in drift if not f.get("waived")]
    by_sev = Counter(str(f.get("severity") or "info").lower() for f in open_rows)
    open_by_sev = {s: by_sev.get(s, 0) for s in SEVERITIES}
    waived_count = len(drift) - len(open_rows)
    endpoints = _endpoints(clean)
    outcomes = _outcomes(clean)
    states = _resource_states(clean)
    unreadable = states["not_checked"] or len(clean.get("errors") or [])
    tool = clean.get("tool") or {}
    env = clean.get("environment")
    label, banner = _status_label(status, bool(open_rows), the_gate)
    charts, traffic_same = _traffic(clean, chart_width)
    return ReportView(
        status=status,
        status_label=label,
        banner=banner,
        gate=the_gate,
        verdict=_failed_first(clean)
        + _verdict(
            status, open_by_sev, len(open_rows), waived_count, endpoints, outcomes, unreadable
        ),
        title=_title(endpoints, env),
        environment=env,
        fail_on=clean.get("fail_on"),
        tool_name=str(tool.get("name") or "iac-gen"),
        tool_version=str(tool.get("version") or ""),
        generated_at=str(clean.get("generated_at") or ""),
        schema_version=str(clean.get("schema_version") or ""),
        endpoints=endpoints,
        findings=rows,
        open_by_severity=open_by_sev,
        open_count=len(open_rows),
        waived_count=waived_count,
        waivers=_sorted_waivers(clean),
        outcomes=outcomes,
        not_comparable=_not_comparable(clean),
        resource_states=states,
        resources=_sorted_resources(clean),
        errors=[
            dict(e, resource=resource_name(e.get("resource")), resource_id=e.get("resource"))
            for e in clean.get("errors") or []
        ],
        inputs=_no_nulls(clean.get("inputs")),
        traffic=charts,
        traffic_same=traffic_same,
        severity_bars=severity_bars(open_by_sev, chart_width),
        attributed=any(_attribution(f) for f in drift),
        counts_note=counts_note(clean, open_rows, outcomes["drifted"]),
    )
