"""`plan.junit.xml`: the plan as test cases, so a CI test tab shows what a deploy changes.

One suite per endpoint; one case per step: no change passes, a planned change fails (with
from -> to), a resource left running is skipped with the reason, a resource that could not
be read is an error. Every hazard is a failing case of its own. Built with `xml.etree`, so
the XML writer escapes every value.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from iac_gen.report.plan_json import redact_plan

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _shown(value: Any) -> str:
    return "(unset)" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Suites:
    """One `testsuite` per endpoint, with its counts."""

    def __init__(self) -> None:
        self.suites: dict[str, ET.Element] = {}
        self.counts: dict[str, dict[str, int]] = {}

    def case(self, endpoint: str, name: str, classname: str) -> ET.Element:
        if endpoint not in self.suites:
            self.suites[endpoint] = ET.Element("testsuite", {"name": _x(f"plan {endpoint}")})
            self.counts[endpoint] = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        self.counts[endpoint]["tests"] += 1
        return ET.SubElement(
            self.suites[endpoint],
            "testcase",
            {"name": _x(name), "classname": _x(classname), "time": "0"},
        )

    def root(self, generated_at: str) -> ET.Element:
        root = ET.Element("testsuites", {"name": "iac-gen plan"})
        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for endpoint in sorted(self.suites):
            element = self.suites[endpoint]
            for key, value in self.counts[endpoint].items():
                element.set(key, str(value))
                totals[key] += value
            element.set("timestamp", generated_at.removesuffix("Z"))
            root.append(element)
        for key in ("tests", "failures", "errors"):
            root.set(key, str(totals[key]))
        return root


def _step_case(suites: _Suites, s: dict[str, Any]) -> None:
    """A step: passes unchanged, skipped when left alone, an error unread, else a failure."""
    endpoint = s["resource"].split("/", 1)[0]
    element = suites.case(endpoint, f"{s['phase']} {s['resource']}", f"plan.{s['phase']}")
    counts = suites.counts[endpoint]
    if s["action"] == "no_change":
        return
    if s["action"] == "left_alone":
        counts["skipped"] += 1
        ET.SubElement(element, "skipped", {"message": _x("not in the spec; left running")})
    elif s["action"] == "not_checked":
        counts["errors"] += 1
        ET.SubElement(element, "error", {"message": _x("live state could not be read")})
    else:
        counts["failures"] += 1
        lines = [f"{c['field']}: {_shown(c['from'])} -> {_shown(c['to'])}" for c in s["changes"]]
        failure = ET.SubElement(
            element,
            "failure",
            {
                "message": _x(f"{s['action']} ({len(s['changes'])} changes)"),
                "type": s["action"],
            },
        )
        failure.text = _x("\n".join(lines))


def render(plan: dict[str, Any]) -> str:
    p = redact_plan(plan)
    suites = _Suites()
    for s in p["steps"]:
        _step_case(suites, s)
    for h in p["hazards"]:
        endpoint = h["resource"].split("/", 1)[0]
        element = suites.case(endpoint, f"{h['hazard']} {h['resource']}", "plan.hazard")
        suites.counts[endpoint]["failures"] += 1
        failure = ET.SubElement(
            element, "failure", {"message": _x(h["title"]), "type": _x(h["severity"])}
        )
        failure.text = _x(h["message"])
    root = suites.root(str(p["generated_at"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
