"""docs/normalisation.md, generated from the normalisation tables (entry, reason, source).

An auditor reads there exactly what drift ignores or respells, and why, with the recording or
document each entry rests on; an entry with no source says `unverified`. Regenerate it with
`make docs` (a test fails when the file is stale).
"""

from __future__ import annotations

from dataclasses import dataclass

from iac_gen.drift import tables


@dataclass(frozen=True)
class Row:
    table: str
    kind: str
    entry: str
    reason: str
    source: str


_TITLES = {
    "server_owned": "Server-owned fields (never compared)",
    "system_property_keys": "System keys of `properties.properties` (never compared)",
    "service_written_keys": "Keys the service writes into maps (not drift unless declared)",
    "defaults": "Service defaults (filled on both sides when a body is silent)",
    "kept_when_unset": "Kept when the design leaves them unset (shown as not comparable)",
    "shape_omitted": "Fields some live shapes never carry",
    "api_versioned": "Fields of some api-versions only",
    "provisioning": "Settled state (anything else is not checked)",
    "enums": "Enums (compared case-insensitively, reported in ARM casing)",
    "case_insensitive": "Case-insensitive strings",
    "durations": "Durations (compared by value: PT90S = PT1M30S)",
    "number_strings": "Whole numbers spelled as strings",
    "quantities": "Kubernetes quantities (compared as quantities)",
    "asset_ids": "Asset references (compared across id forms)",
    "maps": "Maps compared key by key",
    "list_keys": "Lists compared as maps",
}


def _code(text: str) -> str:
    return f"`{text}`"


def entries() -> list[Row]:
    """Every normalisation table entry, in table order."""
    return [*_dropped_rows(), *_defaulted_rows(), *_compared_rows()]


def _dropped_rows() -> list[Row]:
    """What the comparison leaves out: fields and keys the service owns or writes."""
    src = tables.source_of
    rows: list[Row] = []
    for kind, path, why in tables.SERVER_OWNED:
        rows.append(Row("server_owned", kind, _code(path), why, src("server_owned", kind, path)))
    for key in tables.SYSTEM_PROPERTY_KEYS:
        rows.append(
            Row(
                "system_property_keys",
                "*",
                _code(key),
                "added by the service to properties.properties",
                src("system_property_keys", "*", key),
            )
        )
    for w in tables.SERVICE_WRITTEN_KEYS:
        rows.append(
            Row("service_written_keys", w.kind, _code(f"{w.path}.{w.key}"), w.reason, w.source)
        )
    return rows


def _defaulted_rows() -> list[Row]:
    """Values the service fills in or keeps, fields a shape or an api-version lacks, and
    provisioning states that are not compared yet."""
    src = tables.source_of
    rows: list[Row] = []
    for d in tables.SERVICE_DEFAULTS:
        entry = f"{_code(d.path)} = {_code(str(d.value))}"
        if d.when is not None:
            condition = "absent" if d.when[1] is None else str(d.when[1])
            entry += f" when {_code(d.when[0])} is {condition}"
        rows.append(
            Row("defaults", d.kind, entry, d.source, src("defaults", d.kind, d.path, d.url))
        )
    for k in tables.KEPT_WHEN_UNSET:
        entry = f"{_code(k.path)} when {_code(k.when[0])} is {k.when[1]}"
        rows.append(Row("kept_when_unset", k.kind, entry, k.reason, k.source))
    for o in tables.SHAPE_OMITTED:
        rows.append(Row("shape_omitted", o.kind, _code(o.path), o.reason, o.source))
    for v in tables.API_VERSIONED:
        span = f"{v.since or '...'} to before {v.until}" if v.until else f"from {v.since}"
        rows.append(Row("api_versioned", v.kind, f"{_code(v.path)} ({span})", v.reason, v.source))
    for state, why in tables.UNSETTLED_STATES.items():
        rows.append(
            Row(
                "provisioning",
                "endpoint, deployment",
                f"{_code(tables.PROVISIONING_STATE)} = {_code(state)}",
                f"not_checked: {why}",
                tables.PROVISIONING_SOURCE,
            )
        )
    return rows


def _compared_rows() -> list[Row]:
    """How values that are compared are compared: spellings, units, ids, maps, lists."""
    src = tables.source_of
    rows: list[Row] = []
    for path, members in tables.ENUMS.items():
        rows.append(Row("enums", "*", _code(path), " / ".join(members), src("enums", "*", path)))
    for table, paths, why in (
        ("case_insensitive", tables.CASE_INSENSITIVE, "Azure treats it case-insensitively"),
        ("durations", tables.DURATIONS, "ISO 8601 duration"),
        ("number_strings", tables.NUMBER_STRINGS, "Azure Monitor spells it as a string"),
    ):
        for path in paths:
            rows.append(Row(table, "*", _code(path), why, src(table, "*", path)))
    for q in tables.QUANTITIES:
        rows.append(Row("quantities", "deployment", _code(q.path), q.reason, q.source))
    for path, collection in tables.ASSET_IDS.items():
        rows.append(
            Row(
                "asset_ids",
                "*",
                _code(path),
                f"`azureml:name:version`, workspace ARM id and registry id of {collection}",
                src("asset_ids", "*", path),
            )
        )
    for m in tables.MAPS:
        how = f"keys compared {m.key_case}"
        if m.presence:
            how += "; only which keys exist matters"
        if m.drop_zero:
            how += "; 0 is the same as absent"
        rows.append(Row("maps", "*", _code(m.path), how, src("maps", "*", m.path)))
    for lk in tables.LIST_KEYS:
        rows.append(
            Row(
                "list_keys",
                lk.kind,
                _code(lk.path),
                f"entries keyed by {lk.key}",
                src("list_keys", lk.kind, lk.path),
            )
        )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _source_cell(source: str) -> str:
    if source == tables.UNVERIFIED:
        return "**unverified**"
    label = source.rsplit("/", 1)[-1] or source
    return f"[{_cell(label)}]({source})"


def render() -> str:
    rows = entries()
    unverified = sum(1 for r in rows if r.source == tables.UNVERIFIED)
    out = [
        "# Drift normalisation tables",
        "",
        "Generated from `iac_gen/drift/tables.py` by `make docs`;"
        " do not edit by hand (a test fails when this file is stale).",
        "",
        f"Normalisation version **{tables.NORMALISATION_VERSION}** (recorded in every drift "
        f"report). {len(rows)} entries, {unverified} of them `unverified` (no recording or "
        "document shows them yet). Where documentation and recordings disagree, recordings "
        "win: the recordings are listed in `fixtures/recorded-*/README.md`.",
        "",
    ]
    by_table: dict[str, list[Row]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row)
    for table, title in _TITLES.items():
        group = by_table.get(table)
        if not group:
            continue
        out += [f"## {title}", "", "| Kind | Entry | Reason | Source |", "|---|---|---|---|"]
        for r in group:
            out.append(
                f"| {_cell(r.kind)} | {_cell(r.entry)} | {_cell(r.reason)} | "
                f"{_source_cell(r.source)} |"
            )
        out.append("")
    return "\n".join(out)
