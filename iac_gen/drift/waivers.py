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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, InputError, Location, error

MAX_BYTES = 1_000_000
MAX_NODES = 100_000


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
    """Read and validate a waivers file; every problem becomes one `file:line:col` diagnostic."""
    import yaml

    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise error("IAC420", f"cannot read waivers file: {exc.strerror}", name) from exc
    if len(raw) > MAX_BYTES:
        raise error("IAC420", f"waivers file is larger than {MAX_BYTES} bytes", name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error("IAC420", "waivers file is not UTF-8", name) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error("IAC420", f"invalid YAML: {problem}", name, line, col) from exc
    if node is None:
        return WaiverSet(Path(path), ())
    positions: dict[tuple[Any, ...], tuple[int, int]] = {}
    data = _to_python(node, (), positions, name, [0])
    _validate(data, positions, name)
    return WaiverSet(Path(path), _build(data, positions, name))


def _to_python(
    node: Any,
    path: tuple[Any, ...],
    positions: dict[tuple[Any, ...], tuple[int, int]],
    name: str,
    count: list[int],
) -> Any:
    import yaml

    count[0] += 1
    if count[0] > MAX_NODES:
        raise error("IAC420", f"waivers file has more than {MAX_NODES} values", name)
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                raise error("IAC422", f"duplicate key {key!r}", name, line, col)
            out[key] = _to_python(value_node, (*path, key), positions, name, count)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*path, i), positions, name, count)
            for i, item in enumerate(node.value)
        ]
    if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        return str(node.value)
    return yaml.SafeLoader("").construct_object(node)


def _validate(data: Any, positions: Mapping[tuple[Any, ...], tuple[int, int]], name: str) -> None:
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
