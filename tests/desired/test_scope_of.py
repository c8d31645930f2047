"""`Scope.of` gives one scope per target, so the ids it caches are built once per target."""

from __future__ import annotations

from iac_gen.desired.ids import Scope
from iac_gen.spec.model import Target


def test_equal_targets_share_one_scope_and_its_ids() -> None:
    first = Scope.of(Target("s", "g", "w", "westeurope"))
    again = Scope.of(Target("s", "g", "w", "westeurope"))
    other = Scope.of(Target("s", "g", "w2", "westeurope"))
    assert first is again and first is not other
    assert first.workspace_id == (
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w"
    )
    assert "workspace_id" in vars(again)  # built once, read from the instance afterwards
    assert other.workspace_id.endswith("/workspaces/w2")
    assert Scope.of(Target()) == Scope("", "", "", "")
