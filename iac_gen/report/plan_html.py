"""`plan.html`: the plan as one self-contained page (no script, no fetches).

Rendered with Jinja2 autoescaping from the redacted plan, like drift.html; a
Content-Security-Policy meta tag forbids scripts and external requests.
"""

from __future__ import annotations

import json
from typing import Any

from iac_gen.report.plan_json import redact_plan
from iac_gen.report.templating import render_template

HEADLINES = {
    "no_change": "No change: deploying the template changes nothing in Azure",
    "changes": "Changes planned",
    "incomplete": "Incomplete: some live state could not be read",
}


def shown(value: Any) -> str:
    return "(unset)" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def render(plan: dict[str, Any]) -> str:
    cleaned = redact_plan(plan)
    steps = [s for s in cleaned["steps"] if s["action"] != "no_change"]
    return render_template(
        "plan.html.j2",
        autoescape=True,
        p=cleaned,
        steps=steps,
        headline=HEADLINES[cleaned["status"]],
        shown=shown,
    )
