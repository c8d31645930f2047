"""Waivers: accepted drift with an owner, a reason and an end date.

A waived finding stays in every report (marked `waived`, with its waiver) but no longer fails
the gate. A waiver past its `expires` date stops applying and is listed as `expired`, so
accepted drift cannot silently become permanent. A waiver without a reason, approver or
expiry is invalid input (exit 2, `file:line:col` message), like any other bad file.

File format (JSON Schema `schemas/waivers.schema.json`):

    waivers:
      - id: W-001
        resource: credit-scoring/blue        # fnmatch glob on endpoint[/deployment]
        field: deployments.blue.instance_count  # fnmatch glob on the spec field
        reason: Capacity raised during the incident INC-881
        approver: sre-lead@contoso.com
        ticket: CHG-20419
        expires: 2026-12-31                  # last day the waiver applies
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iac_gen.diagnostics import Diagnostic, InputError, Location, error

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun

MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Waiver:
    id: str
    resource: str
    field: str
    reason: str
    approver: str
    ticket: str | None
    expires: date
    location: Location

    def matches(self, resource: str, spec_field: str) -> bool:
        return fnmatch.fnmatchcase(resource.lower(), self.resource.lower()) and fnmatch.fnmatchcase(
            spec_field.lower(), self.field.lower()
        )

    def expired(self, today: date) -> bool:
        return today > self.expires

    @property
    def blanket(self) -> bool:
        """True when it waives every field of every resource (`resource: "*"`, `field: "*"`)."""
        return not self.resource.strip("*") and not self.field.strip("*")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "approver": self.approver,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
        }


@dataclass(frozen=True)
class WaiverSet:
    path: Path | None
    waivers: tuple[Waiver, ...] = ()


def load_waivers(path: Path) -> WaiverSet:
    """Read and validate a waivers file; every problem becomes one `file:line:col` diagnostic.

    The YAML is read by the spec reader (`iac_gen.spec.yaml_source`): bounded size, nesting
    and alias expansion, duplicate keys refused, no tags beyond the plain scalars, no
    recursion. Its diagnostics are re-coded into the waivers range (IAC420, IAC422).
    """
    from iac_gen.spec.one_line import one_line
    from iac_gen.spec.yaml_source import DUPLICATE_KEY, parse_yaml_text

    name = str(path)
    try:
        with Path(path).open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
            regular = stat.S_ISREG(os.fstat(fh.fileno()).st_mode)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise error("IAC420", f"cannot read waivers file: {reason}", name) from None
    if len(raw) > MAX_BYTES:
        raise error("IAC420", f"waivers file is larger than {MAX_BYTES} bytes", name)
    if not regular:  # a stream (`--waivers <(...)`): the evidence hashes what was read
        from iac_gen.provenance import remember_stream

        remember_stream(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error("IAC420", "waivers file is not UTF-8", name) from None
    try:
        documents = parse_yaml_text(text, name)
    except InputError as exc:
        # The spec reader's codes, as waiver codes: a duplicate key keeps its own code
        # (IAC422); everything else about reading the YAML is IAC420.
        raise InputError(
            one_line(
                Diagnostic("IAC422" if d.code == DUPLICATE_KEY else "IAC420", d.message, d.location)
                for d in exc.diagnostics
            )
        ) from None
    except (KeyError, ValueError, TypeError, RecursionError):
        # a tagged scalar the YAML constructor cannot build (e.g. `!!bool maybe`)
        raise error("IAC420", "invalid YAML: a tagged value cannot be read", name, 1, 1) from None
    if not documents or (len(documents) == 1 and documents[0].data is None):
        return WaiverSet(Path(path), ())
    if len(documents) > 1:
        raise error("IAC420", "several YAML documents; a waivers file holds one", name, 1, 1)
    document = documents[0]
    positions = {p: (loc.line, loc.col) for p, loc in document.positions.items()}
    data = document.data
    _refuse_lone_surrogates(data, positions, name)
    _validate(data, positions, name)
    return WaiverSet(Path(path), _build(data, positions, name))


def _refuse_lone_surrogates(
    data: Any, positions: Mapping[tuple[Any, ...], tuple[int, int]], name: str
) -> None:
    """A string no UTF-8 file can hold would fail much later, when a report is written."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*where, k), v) for k, v in value.items())
            texts = list(value)
        elif isinstance(value, list):
            stack.extend(((*where, i), v) for i, v in enumerate(value))
            continue
        else:
            texts = [value] if isinstance(value, str) else []
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                line, col = positions.get(where, (1, 1))
                label = _label(where)
                raise error(
                    "IAC420",
                    f"{label + ': ' if label else ''}a lone UTF-16 surrogate is not valid text",
                    name,
                    line,
                    col,
                ) from None


def _validate(data: Any, positions: Mapping[tuple[Any, ...], tuple[int, int]], name: str) -> None:
    from iac_gen.spec.schema_subset import verdict

    if verdict("waivers.schema.json")(data):  # valid: jsonschema, slow to import, not needed
        return
    from jsonschema import Draft202012Validator

    from iac_gen.resources import load_schema

    validator = Draft202012Validator(load_schema("waivers.schema.json"))
    diagnostics = []
    for err in validator.iter_errors(data):
        where = tuple(err.absolute_path)
        line, col = positions.get(where, (1, 1))
        label = _label(where)
        message = err.message
        if err.validator == "required":
            message = f"{message} (a waiver needs an id, reason, approver and expiry)"
        diagnostics.append(
            Diagnostic(
                "IAC421", f"{label}: {message}" if label else message, Location(name, line, col)
            )
        )
    if diagnostics:
        raise InputError(diagnostics)


def _label(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _build(
    data: Mapping[str, Any], positions: Mapping[tuple[Any, ...], tuple[int, int]], name: str
) -> tuple[Waiver, ...]:
    out: list[Waiver] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(data.get("waivers", [])):
        line, col = positions.get(("waivers", i), (1, 1))
        wid = str(entry["id"])
        if wid in seen:
            raise error("IAC423", f"duplicate waiver id {wid!r}", name, line, col)
        seen[wid] = i
        try:
            expires = date.fromisoformat(str(entry["expires"]))
        except ValueError as exc:
            eline, ecol = positions.get(("waivers", i, "expires"), (line, col))
            raise error(
                "IAC421",
                f"waivers[{i}].expires: {entry['expires']!r} is not a date (YYYY-MM-DD)",
                name,
                eline,
                ecol,
            ) from exc
        out.append(
            Waiver(
                id=wid,
                resource=str(entry["resource"]),
                field=str(entry["field"]),
                reason=str(entry["reason"]),
                approver=str(entry["approver"]),
                ticket=None if entry.get("ticket") is None else str(entry["ticket"]),
                expires=expires,
                location=Location(name, line, col),
            )
        )
    return tuple(out)


@dataclass
class WaiverBook:
    """Waivers bound to a run: which apply today, and how often each matched."""

    waivers: tuple[Waiver, ...]
    today: date

    def __post_init__(self) -> None:
        self.matched: dict[str, int] = {w.id: 0 for w in self.waivers}

    def find(self, resource: str, spec_field: str) -> Waiver | None:
        """The first active waiver covering this finding; expired ones are counted, not used."""
        chosen = None
        for waiver in self.waivers:
            if not waiver.matches(resource, spec_field):
                continue
            self.matched[waiver.id] += 1
            if chosen is None and not waiver.expired(self.today):
                chosen = waiver
        return chosen

    def report(self) -> list[dict[str, Any]]:
        out = []
        for waiver in self.waivers:
            if waiver.expired(self.today):
                status = "expired"
            elif self.matched[waiver.id]:
                status = "active"
            else:
                status = "unused"
            entry = waiver.as_dict()
            entry.update(
                resource=waiver.resource,
                field=waiver.field,
                status=status,
                matched=self.matched[waiver.id],
            )
            out.append(entry)
        return sorted(out, key=lambda w: w["id"])


def step_bind_waivers(run: DriftRun) -> None:
    """The bind_waivers step: expiry is judged once, against the run's date, before any
    finding exists; `classify` then looks each finding up in the book."""
    if run.waivers is not None:
        run.book = WaiverBook(run.waivers.waivers, run.today)


BLANKET_CODE = "IAC424"


def blanket_warnings(waivers: WaiverSet | None) -> list[Diagnostic]:
    """A warning for each waiver that matches everything: accepted, but never silently."""
    from iac_gen.spec.one_line import one_line

    found = [
        Diagnostic(
            BLANKET_CODE,
            f"waiver {w.id} waives every field of every resource (resource {w.resource!r}, "
            f"field {w.field!r}), security findings and missing resources included",
            w.location,
            "warning",
        )
        for w in (waivers.waivers if waivers is not None else ())
        if w.blanket
    ]
    return one_line(found)


def waived_lines(result: Mapping[str, Any], limit: int = 20) -> list[str]:
    """Console lines naming, for each waiver in use, the findings it waived."""
    from iac_gen.spec.one_line import escape

    by_waiver: dict[str, list[Mapping[str, Any]]] = {}
    for finding in result.get("findings") or []:
        waiver = finding.get("waiver") if finding.get("waived") else None
        if isinstance(waiver, Mapping):
            by_waiver.setdefault(str(waiver.get("id")), []).append(finding)
    lines = []
    for wid in sorted(by_waiver):
        findings = by_waiver[wid]
        waiver = findings[0]["waiver"]
        named = [f"{f['resource']}: {f['field']}" for f in findings[:limit]]
        if len(findings) > limit:
            named.append(f"... and {len(findings) - limit} more")
        lines.append(
            escape(
                f"  waived by {wid} (approver {waiver.get('approver')}, expires "
                f"{waiver.get('expires')}): " + "; ".join(named)
            )
        )
    return lines
