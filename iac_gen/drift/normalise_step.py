"""The normalise step: both sides of every matched resource as flat, comparable maps.

`normalise.py` turns one body into canonical leaves; this step decides what goes in and what
is set aside, per resource:

- the body is shaped first (`kinds.Kind.shape`: Azure Monitor lists become maps);
- a companion the live input cannot speak for keeps its designed side only (listed as not
  comparable); alerts and role assignments (never exported) are not normalised at all;
- an unsettled live body (`match.unsettled_reason`) is not compared;
- the tables that need both sides run for the kinds that have them (`Kind.reconcile`);
- a secret the readers withheld, where the design holds a secret too, is not comparable;
- a local code folder's code id is judged by content hash later (`code_assets`), not by id;
- designed values the desired state could not resolve are not comparable, with the reason.

Lives beside `normalise.py` rather than in it: that module is the pure function both sides
go through, and knows nothing of pairs, specs or secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iac_gen.drift import code_assets
from iac_gen.drift.compare import Difference
from iac_gen.drift.kinds import KINDS
from iac_gen.drift.match import Pair
from iac_gen.drift.normalise import Flat, Path_, normalise, split
from iac_gen.secrets import REDACTED, WITHHELD_REASON, withhold

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun


@dataclass
class Side:
    """One matched resource after normalisation: both flat maps and what was set aside."""

    pair: Pair
    desired: Flat
    live: Flat | None
    not_comparable: dict[Path_, str] = field(default_factory=dict)
    notes: dict[Path_, str] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)


def step_normalise(run: DriftRun) -> None:
    for pair in run.pairs:
        if pair.designed is None:
            continue
        kind = pair.kind
        entry = KINDS[kind]
        if pair.not_compared is not None and entry.not_exported is not None:
            run.sides.append(Side(pair, {}, None))  # alerts, access: listed, never compared
            continue
        ws = pair.designed.ws or pair.live_ws
        designed_body = entry.shape(pair.designed.body)
        desired = normalise(designed_body, kind, ws)
        live_body = pair.live if pair.not_checked is None else None  # unsettled: not compared
        live = (
            normalise(entry.shape(live_body), kind, pair.live_ws or ws)
            if live_body is not None
            else None
        )
        side = Side(pair, desired, live)
        if live is not None and entry.reconcile is not None:
            side.not_comparable.update(
                entry.reconcile(kind, desired, live, designed_body, live_body)
            )
        if live is not None:
            _set_aside_withheld(side, desired, live)
        code_assets.set_aside(side)  # local code: judged by content hash in step_classify
        for arm_path, reason in pair.designed.unresolved:
            path = split(arm_path)
            side.not_comparable[path] = reason
            desired.pop(path, None)
            if live is not None:
                live.pop(path, None)
        run.sides.append(side)


def _set_aside_withheld(side: Side, desired: Flat, live: Flat) -> None:
    """A live value the readers withheld as a secret, where the design holds a secret too,
    cannot be compared: it is not comparable (never a false "changed"), and neither value
    is kept. Where the design holds a value that is *not* secret (a secret injection
    reference, a plain setting) the two differ for certain, and that stays a finding."""
    withheld = [
        path
        for path, value in live.items()
        if value == REDACTED and path in desired and withhold(desired[path], path) != desired[path]
    ]
    for path in withheld:
        side.not_comparable[path] = WITHHELD_REASON
        desired.pop(path, None)
        live.pop(path, None)
