"""The resource-kind table (`iac_gen.drift.kinds.KINDS`) is complete, used and consistent.

Complete: every resource type the desired state or a live reader produces has an entry, or is
named below as no drift resource (with the reason). Used: every entry is produced by the
desired state of some fixture spec, and every exported one is read from some live input.
Consistent: companions attach to exactly one endpoint-or-deployment kind, matched-on fields
are server-owned (never compared), and an entry has what its role needs. Each check is a
function of a table, so the last tests show they fail on a broken one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from iac_gen import vocabulary
from iac_gen.desired import desired_state
from iac_gen.diagnostics import InputError
from iac_gen.drift import kinds, tables
from iac_gen.drift.kinds import KINDS, Kind
from iac_gen.drift.policies import POLICIES
from iac_gen.live import graph_rows, read_live, shapes
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

# Types the live readers carry that are no drift resource of their own.
NOT_KINDS: dict[str, str] = {
    vocabulary.WORKSPACE_TYPE.lower(): "the scope resources sit in; placement only",
    vocabulary.CODE_VERSION_TYPE.lower(): "judged by content hash with its deployment",
    vocabulary.MODEL_VERSION_TYPE.lower(): "read beside code versions; the model id is compared",
}


@cache
def desired_types() -> frozenset[str]:
    """Lower-case resource types of the desired state of every valid fixture spec."""
    found: set[str] = set()
    for case in sorted(FIXTURES.iterdir()):
        if not case.is_dir() or case.name.startswith("invalid-"):
            continue
        config = case / "case.json"
        target = (
            json.loads(config.read_text(encoding="utf-8")).get("target")
            if config.is_file()
            else None
        )
        try:
            for spec in load_specs([case], target):
                found.update(str(body["type"]).lower() for body in desired_state(spec).resources)
        except InputError:
            continue  # a case that needs options to load or compile (lint cases, CLI v2)
    return frozenset(found)


@cache
def live_types() -> frozenset[str]:
    """Lower-case resource types the live readers produce from the fixtures' live inputs,
    and the types they know how to read (Resource Graph rows, shape checks)."""
    found: set[str] = {t.lower() for t in graph_rows.CANONICAL_TYPES.values()}
    found.update(t for t in shapes.RULES if t != "*")
    inputs = [*FIXTURES.glob("*/live.json"), *FIXTURES.glob("live-*/*.json")]
    for path in sorted(inputs):
        if path.parent.name == "live-bad":
            continue
        try:
            state = read_live(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        except InputError:
            continue
        found.update(str(body.get("type", "")).lower() for body in state.resources)
    return frozenset(found)


def unlisted(types: Iterable[str], table: Mapping[str, Kind]) -> set[str]:
    """Types produced somewhere that the table has no entry for."""
    known = {kind.arm_type.lower() for kind in table.values()}
    return {t for t in types if t not in known and t not in NOT_KINDS}


def unused(
    table: Mapping[str, Kind], designed: Iterable[str], live: Iterable[str]
) -> dict[str, str]:
    """Entries nothing produces: not in any desired state, or exported but never read (and
    entries said to be never exported that a live reader does read)."""
    designed, live = set(designed), set(live)
    out: dict[str, str] = {}
    for name, kind in table.items():
        arm_type = kind.arm_type.lower()
        if arm_type not in designed:
            out[name] = "in no fixture's desired state"
        elif kind.not_exported is None and arm_type not in live:
            out[name] = "exported, but no live input holds one"
        elif kind.not_exported is not None and arm_type in live:
            out[name] = "said to be never exported, but a live reader reads it"
    return out


def _server_owned(kind: str, path: str) -> bool:
    return any(k in ("*", kind) and p == path for k, p, _ in tables.SERVER_OWNED)


def inconsistent(table: Mapping[str, Kind]) -> list[str]:
    """What in the table contradicts itself or the other tables."""
    problems: list[str] = []
    hosts: dict[str, list[str]] = {}
    for name, kind in table.items():
        for companion in kind.companions:
            hosts.setdefault(companion, []).append(name)
    roots = [name for name, kind in table.items() if kind.root]
    if len(roots) != 1:
        problems.append(f"one kind is what a spec is about, not {roots}")
    for name, kind in table.items():
        where = hosts.get(name, [])
        if len(where) > 1:
            problems.append(f"{name} attaches to several kinds: {where}")
        for companion in kind.companions:
            if companion not in table:
                problems.append(f"{name} lists {companion}, which has no entry")
            elif table[companion].companions:
                problems.append(f"{name} lists {companion}, which has companions of its own")
        for path in kind.key_fields:
            if not _server_owned(name, path):
                problems.append(f"{name} is matched on {path}, which tables would compare")
        for policy in kind.policies:
            if policy not in POLICIES:
                problems.append(f"{name} names an unknown policy {policy}")
        if not where:  # the endpoint and its deployments
            if kind.place_designed is not None or kind.not_exported is not None:
                problems.append(f"{name} is designed and read like a companion")
            if kind.missing is None or kind.unmanaged is None or not kind.settles:
                problems.append(f"{name} needs a missing and an unmanaged verdict and settles")
            continue
        if kind.place_designed is None:
            problems.append(f"companion {name} has no designed placement")
        judged = (kind.choose, kind.missing, kind.unmanaged, kind.noun or None)
        if kind.not_exported is None and None in judged:
            problems.append(f"compared companion {name} needs choose, missing, unmanaged, noun")
        if kind.not_exported is not None and any(j is not None for j in judged):
            problems.append(f"never-compared companion {name} has verdicts nothing can reach")
    rule_kinds = {rule.kind for rule in tables.FIELD_RULES}
    rule_kinds |= {entry.kind for entry in (*tables.SERVICE_DEFAULTS, *tables.LIST_KEYS)}
    problems += [f"tables name an unknown kind {k}" for k in sorted(rule_kinds - set(table))]
    return problems


def test_every_kind_produced_has_an_entry() -> None:
    assert desired_types(), "the fixtures must yield desired resources"
    assert unlisted(desired_types() | live_types(), KINDS) == set()


def test_every_entry_is_produced() -> None:
    assert unused(KINDS, desired_types(), live_types()) == {}


def test_the_entries_agree() -> None:
    assert inconsistent(KINDS) == []


def test_derived_views_follow_the_table() -> None:
    assert set(kinds.ML_KINDS) | set(kinds.HOSTS) == set(KINDS)
    assert set(kinds.ML_KIND_OF_TYPE.values()) == set(kinds.ML_KINDS)
    assert set(kinds.COMPANION_KINDS.values()) == set(kinds.HOSTS)
    exported = {k for k in kinds.HOSTS if KINDS[k].not_exported is None}
    assert set(kinds.EXPORTED_COMPANIONS) == exported


# -- the checks can fail ---------------------------------------------------------------------
def test_a_kind_without_an_entry_is_found() -> None:
    table = {k: v for k, v in KINDS.items() if k != "alert"}
    assert unlisted(desired_types(), table) == {vocabulary.ALERT_TYPE.lower()}
    assert unlisted(["microsoft.web/sites"], KINDS) == {"microsoft.web/sites"}


def test_an_entry_nothing_produces_is_found() -> None:
    extra = dataclasses.replace(KINDS["alert"], arm_type="Microsoft.Insights/actionGroups")
    table = {**KINDS, "action_group": extra}
    assert unused(table, desired_types(), live_types()) == {
        "action_group": "in no fixture's desired state"
    }
    never_read = {**KINDS, "alert": dataclasses.replace(KINDS["alert"], not_exported=None)}
    assert unused(never_read, desired_types(), live_types()) == {
        "alert": "exported, but no live input holds one"
    }
    said_unread = dataclasses.replace(KINDS["autoscale"], not_exported="no")
    assert "autoscale" in unused({**KINDS, "autoscale": said_unread}, desired_types(), live_types())


def test_a_contradicting_entry_is_found() -> None:
    twice = dataclasses.replace(KINDS["deployment"], companions=("autoscale", "diagnostics"))
    assert inconsistent({**KINDS, "deployment": twice}) == [
        "diagnostics attaches to several kinds: ['endpoint', 'deployment']"
    ]
    compared_field = dataclasses.replace(KINDS["autoscale"], key_fields=("properties.enabled",))
    assert inconsistent({**KINDS, "autoscale": compared_field}) == [
        "autoscale is matched on properties.enabled, which tables would compare"
    ]
    unjudged = dataclasses.replace(KINDS["diagnostics"], choose=None)
    assert inconsistent({**KINDS, "diagnostics": unjudged}) == [
        "compared companion diagnostics needs choose, missing, unmanaged, noun"
    ]
    no_policy = dataclasses.replace(KINDS["endpoint"], policies=("traffic", "speed"))
    assert inconsistent({**KINDS, "endpoint": no_policy}) == [
        "endpoint names an unknown policy speed"
    ]
