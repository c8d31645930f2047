"""The read_live step: live state arrives already read; record what could not be read.

The live input is read before the pipeline runs (`iac_gen.live.read_live`, one reader per
shape). This step keeps the unreadable resources that matter: those in workspaces no spec
targets are out of scope, like the resources themselves; an id that cannot be placed counts
(it may hide a designed resource). Each becomes one of the run's errors, so the run can never
be `in_sync` while something it needed could not be read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iac_gen.drift.asset_ids import parse_ml_id

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun


def step_read_live(run: DriftRun) -> None:
    workspaces = {item.key.workspace for item in run.designed}
    for entry in run.live_not_checked:
        parsed = parse_ml_id(str(entry.get("id", "")))
        if parsed is not None and parsed[0].workspace not in workspaces:
            continue
        run.errors.append(
            {"resource": str(entry.get("id", "")), "reason": str(entry.get("reason", ""))}
        )
