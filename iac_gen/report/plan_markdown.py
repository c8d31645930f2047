"""`plan.md`: the plan for a change ticket or a PR comment (secrets withheld first)."""

from __future__ import annotations

from typing import Any

from iac_gen.report.plan_json import redact_plan


def render(plan: dict[str, Any]) -> str:
    from iac_gen.plan.markdown import render as markdown

    return markdown(redact_plan(plan))
