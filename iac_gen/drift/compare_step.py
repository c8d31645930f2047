"""The compare step: the leaf differences of every resource with both sides present.

`compare.py` compares two flat maps; this step runs it over the normalised, policy-adjusted
sides, so only real differences reach `classify`. A resource without a live side (missing,
not read, not compared) has no differences: `classify` judges it as a whole. Lives beside
`compare.py` rather than in it: that module knows flat maps, not the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iac_gen.drift.compare import compare

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun


def step_compare(run: DriftRun) -> None:
    for side in run.sides:
        if side.live is not None:
            side.differences = compare(side.desired, side.live)
