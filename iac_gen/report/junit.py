"""`drift.junit.xml`: every checked property as a test case, so CI test tabs show evidence.

One test suite per endpoint; one test case per coverage entry (matched passes, drifted
fails with expected/actual, waived and not-comparable are skipped with the reason), plus a
failing case for findings without a coverage entry (missing or unmanaged resources) and an
error case for every resource that could not be read. Built with `xml.etree`, so every
value is escaped by the XML writer, never by hand.

Fleet mode: above MAX_PROPERTY_CASES coverage entries (a fleet run: 10,000 endpoints make
30,000 or more) a per-property report would be tens of megabytes that CI test tabs cannot
show, so each resource (endpoint or deployment) becomes one test case instead: it fails
when any of its findings is open, listing them (worst first, at most MAX_LISTED) in the
failure text; is skipped when all of them are waived; is an error when its live state could
not be read; and passes otherwise. The case name gives the number of properties checked;
all cases sit in one suite (the fleet, its shared properties once, `cases: one per
resource`); per-spec input hashes stay in drift.json and manifest.json. The mode is chosen
from the result's size alone, so the same result always renders the same way. The document
is built one suite at a time (`render_chunks`), never as one tree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from iac_gen import coverage
from iac_gen.coverage import ARM_PATH, FIELD, OUTCOME, REASON, RESOURCE
from iac_gen.report.gate import gate
from iac_gen.report.redact import redact_result
from iac_gen.report.sarif import drift_rule_id
from iac_gen.report.view import endpoint_of, format_value, resource_name, severity_rank
from iac_gen.severity import rank

UNKNOWN_HOST = "unknown"
MAX_PROPERTY_CASES = 10_000  # coverage entries; above this, one test case per resource
MAX_LISTED = 50  # findings listed in one resource's failure text in fleet mode
FLEET_MODE = "one per resource (fleet mode: more than 10000 properties checked)"
# Characters XML 1.0 cannot carry at all, not even escaped (C0 controls, surrogates, ...).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(value: Any) -> str:
    """Text safe for an XML attribute or element: forbidden characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(value))


def _timestamp(generated_at: Any) -> str:
    """JUnit timestamps carry no zone (windyroad XSD); `generated_at` is always UTC."""
    text = str(generated_at or "1970-01-01T00:00:00Z")
    return text[:-1] if text.endswith("Z") else text.split("+")[0]


class _Suite:
    def __init__(self, name: str, properties: Mapping[str, Any] | None = None) -> None:
        self.name = name
        self.properties = dict(properties or {})
        self.cases: list[ET.Element] = []
        self.failures = self.errors = self.skipped = 0

    def counts(self) -> dict[str, int]:
        return {
            "tests": len(self.cases),
            "failures": self.failures,
            "errors": self.errors,
            "skipped": self.skipped,
        }

    def case(self, name: str, classname: str, file: str | None, line: Any) -> ET.Element:
        attrs = {"name": _x(name), "classname": _x(classname), "time": "0"}
        if file:
            attrs["file"] = _x(file)
        if isinstance(line, int) and line >= 1:
            attrs["line"] = str(line)
        element = ET.Element("testcase", attrs)
        self.cases.append(element)
        return element

    def fail(self, case: ET.Element, message: str, type_: str, text: str) -> None:
        ET.SubElement(case, "failure", {"message": _x(message), "type": _x(type_)}).text = _x(text)
        self.failures += 1

    def error(self, case: ET.Element, message: str, type_: str, text: str) -> None:
        ET.SubElement(case, "error", {"message": _x(message), "type": _x(type_)}).text = _x(text)
        self.errors += 1

    def skip(self, case: ET.Element, message: str) -> None:
        ET.SubElement(case, "skipped", {"message": _x(message)})
        self.skipped += 1


def _suite_element(index: int, suite: _Suite, package: str, timestamp: str, hostname: str) -> str:
    """One `<testsuite>` as indented text; built and dropped one at a time to bound memory."""
    element = ET.Element(
        "testsuite",
        {
            "name": _x(suite.name),
            "id": str(index),
            "package": package,
            "timestamp": timestamp,
            "hostname": _x(hostname),
            "time": "0",
            **{k: str(n) for k, n in suite.counts().items()},
        },
    )
    props = ET.SubElement(element, "properties")
    for key, value in suite.properties.items():
        ET.SubElement(props, "property", {"name": _x(key), "value": _x(value)})
    ET.SubElement(element, "system-out")
    ET.SubElement(element, "system-err")
    ET.indent(element, space="  ", level=1)
    text = ET.tostring(element, encoding="unicode")
    if not suite.cases:
        return text
    # The cases go between `</properties>` and `<system-out />`, written as ElementTree
    # writes them once indented (`_case_text`): a fleet suite has 40,000 cases, and the
    # tree's own serialiser took half of the JUnit report's time. `<` is escaped in every
    # attribute, so the first `<system-out` is the element.
    at = text.index("<system-out")
    cases = "".join(_case_text(case) + _CASE_GAP for case in suite.cases)
    return text[:at] + cases + text[at:]


_CASE_GAP = "\n    "  # the indentation before each child of a suite (ET.indent, level 1)
_CHILD_GAP = "\n      "  # before each child of a case


# ElementTree's escaping, in its order (tests/report/test_junit_text.py compares the output)
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (
    *_TEXT_ESCAPES,
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, entity in escapes:
        if char in text:
            text = text.replace(char, entity)
    return text


_ATTRIBUTE_SPECIAL = re.compile("[" + "".join(char for char, _ in _ATTRIBUTE_ESCAPES) + "]")
_ATTRIBUTE = ' {}="{}"'.format


def _start(element: ET.Element) -> str:
    attrib = element.attrib
    if _ATTRIBUTE_SPECIAL.search("".join(attrib.values())) is None:
        # Nothing to escape in any value (the usual case: 70,000 elements in a fleet).
        return f"<{element.tag}" + "".join(map(_ATTRIBUTE, attrib.keys(), attrib.values()))
    attrs = "".join(f' {k}="{_escaped(v, _ATTRIBUTE_ESCAPES)}"' for k, v in attrib.items())
    return f"<{element.tag}{attrs}"


def _case_text(case: ET.Element) -> str:
    """A `<testcase>` (its children have no children of their own) as `ET.tostring` writes
    it after `ET.indent(level=2)`."""
    if not len(case):
        return _start(case) + " />"
    parts = [_start(case), ">"]
    for child in case:
        parts.append(_CHILD_GAP)
        parts.append(_start(child))
        if child.text:
            parts += [">", _escaped(child.text, _TEXT_ESCAPES), f"</{child.tag}>"]
        else:
            parts.append(" />")
    parts.append("\n    </testcase>")
    return "".join(parts)


def _document(name: str, suites: Iterable[_Suite], timestamp: str, hostname: str) -> str:
    """The whole report as one string (see `_chunks`)."""
    return "".join(_chunks(name, suites, timestamp, hostname))


def _chunks(name: str, suites: Iterable[_Suite], timestamp: str, hostname: str) -> Iterator[str]:
    """The report as text pieces. Suites arrive lazily; each is serialised, counted and
    released, so memory holds text, never the tree of a fleet. The `<testsuites>` totals
    come first in the file, so the suites' text waits until they are all counted."""
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    chunks: list[str] = []
    for i, suite in enumerate(suites):
        for k, n in suite.counts().items():
            totals[k] += n
        chunks.append(_suite_element(i, suite, name, timestamp, hostname))
    root = ET.Element("testsuites", {"name": _x(name), **{k: str(n) for k, n in totals.items()}})
    root.set("time", "0")
    empty = ET.tostring(root, encoding="unicode", xml_declaration=True)
    if not chunks:
        yield empty + "\n"
        return
    yield empty[: -len(" />")] + ">"
    for chunk in chunks:
        yield "\n  " + chunk
    yield "\n</testsuites>\n"


def _detail(f: Mapping[str, Any]) -> str:
    lines = [
        f"resource: {f.get('resource')}",
        f"resource_id: {f.get('resource_id')}",
        f"field: {f.get('field')}",
        f"arm_path: {f.get('arm_path')}",
        f"expected: {format_value(f.get('expected'))}",
        f"actual: {format_value(f.get('actual'))}",
        f"severity: {f.get('severity')} ({f.get('category')})",
        f"finding: {f.get('id')}",
    ]
    attribution = f.get("attribution")
    if isinstance(attribution, Mapping) and attribution.get("text"):
        lines.append(f"who: {attribution['text']}")
    return "\n".join(lines)


def _waiver_text(waiver: Mapping[str, Any] | None) -> str:
    w = waiver or {}
    return (
        f"waived: {w.get('reason') or 'no reason given'} (waiver {w.get('id')}, approver "
        f"{w.get('approver')}, ticket {w.get('ticket')}, expires {w.get('expires')})"
    )


def _classname(resource: str) -> str:
    return "drift." + resource.replace("/", ".")


def render(result: dict[str, Any], hostname: str | None = None) -> str:
    """JUnit XML for a drift result (see `render_chunks`)."""
    return "".join(render_chunks(result, hostname))


def render_bytes(result: dict[str, Any], hostname: str | None = None) -> bytes:
    """`render` as UTF-8, encoded a suite at a time (the evidence writer keeps bytes)."""
    return b"".join(chunk.encode("utf-8") for chunk in render_chunks(result, hostname))


def render_chunks(result: dict[str, Any], hostname: str | None = None) -> Iterator[str]:
    """JUnit XML for a drift result; counts equal the coverage and finding totals.

    `hostname` names the machine that ran the check (the result does not record it). Each
    suite lists the hashes of the inputs it was checked against: its own spec file and every
    non-spec input (live state, waivers), so a fleet report stays linear in size.
    """
    clean = redact_result(result)
    findings = list(clean.get("findings") or [])
    inputs = [i for i in clean.get("inputs") or [] if i.get("path")]
    specs = [str(i["path"]) for i in inputs if i.get("role") == "spec"]
    rows = coverage.rows_of(clean)
    fleet = len(rows) > MAX_PROPERTY_CASES
    tool = clean.get("tool") or {}
    shared = {
        "tool": f"{tool.get('name', 'iac-gen')} {tool.get('version', '')}".strip(),
        "status": clean.get("status"),
        "environment": clean.get("environment") or "",
        "gate": gate(clean).line,
    }
    if fleet:
        shared["cases"] = FLEET_MODE
    suites = _Suites(
        groups=_groups(clean, rows, findings, fleet),
        fleet=fleet,
        shared=shared,
        spec_of=_spec_files(clean, findings),
        default_spec=specs[0] if len(specs) == 1 else None,
        spec_inputs={
            str(i["path"]): {f"input.spec.{i['path']}": i.get("sha256")}
            for i in inputs
            if i.get("role") == "spec"
        },
        other_inputs={
            f"input.{i.get('role')}.{i.get('path')}": i.get("sha256")
            for i in inputs
            if i.get("role") != "spec"
        },
    )
    return _chunks(
        "iac-gen drift",
        suites.each(),
        _timestamp(clean.get("generated_at")),
        hostname or UNKNOWN_HOST,
    )


def _spec_files(clean: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The spec file of each endpoint: from its resources, else from its findings' locations."""
    spec_of: dict[str, str] = {}
    for r in clean.get("resources") or []:
        if r.get("spec"):
            spec_of.setdefault(endpoint_of(r.get("name")), str(r["spec"]))
    for f in findings:
        loc = f.get("location") or {}
        if loc.get("file"):
            spec_of.setdefault(endpoint_of(f.get("resource")), str(loc["file"]))
    return spec_of


def _groups(
    clean: Mapping[str, Any],
    rows: Sequence[Sequence[Any]],
    findings: Sequence[Mapping[str, Any]],
    fleet: bool,
) -> dict[str, _Group]:
    """Each endpoint's coverage (in fleet mode only its count per resource), findings and
    errors, a resource not checked counted as an error unless one already names it."""
    groups: dict[str, _Group] = {}

    def group(resource: Any) -> _Group:
        ep = endpoint_of(resource) or "(unknown)"
        found = groups.get(ep)
        if found is None:
            found = groups[ep] = _Group()
        return found

    if fleet:  # a case per resource: only how many properties each had checked
        for label, count in Counter(map(itemgetter(RESOURCE), rows)).items():
            group(label).checked[label] += count
    else:
        for r in rows:
            group(r[RESOURCE]).coverage.append(r)
    for f in findings:
        group(f.get("resource")).findings.append(f)
    errors = [dict(e, resource=resource_name(e.get("resource"))) for e in clean.get("errors") or []]
    reported = {str(e.get("resource")) for e in errors}
    unread = [
        {"resource": r.get("name"), "reason": r.get("reason") or "live state could not be read"}
        for r in clean.get("resources") or []
        if r.get("status") == "not_checked" and resource_name(r.get("name")) not in reported
    ]
    for e in errors + unread:
        group(resource_name(e.get("resource"))).errors.append(e)
    return groups


@dataclass
class _Suites:
    """The drift report's suites, made one at a time as they are written."""

    groups: dict[str, _Group]
    fleet: bool
    shared: dict[str, Any]
    spec_of: Mapping[str, str]
    default_spec: str | None
    spec_inputs: Mapping[str, Mapping[str, Any]]
    other_inputs: Mapping[str, Any]

    def each(self) -> Iterator[_Suite]:
        """Fleet mode: one suite, the shared properties once (not once per endpoint); else a
        suite per endpoint with its own spec file's hash. Each group is dropped once made."""
        groups = self.groups
        if self.fleet:
            merged, endpoints = _Group(), len(groups)
            for ep in sorted(groups):
                found = groups.pop(ep)
                merged.checked.update(found.checked)
                merged.findings += found.findings
                merged.errors += found.errors
            yield merged.per_resource(
                f"fleet ({endpoints} endpoints)",
                {**self.shared, **self.other_inputs},
                self.default_spec,
                self.spec_of,
            )
            return
        for ep in sorted(groups):
            spec = self.spec_of.get(ep) or self.default_spec
            own = self.spec_inputs.get(spec, {}) if spec else {}
            found = groups.pop(ep)
            yield found.suite(ep, {**self.shared, **own, **self.other_inputs}, spec)


class _Group:
    """What one endpoint's suite is made of, gathered before its test cases are built."""

    def __init__(self) -> None:
        self.coverage: list[Sequence[Any]] = []  # coverage rows
        self.checked: Counter[str] = Counter()  # fleet mode: rows per resource label
        self.findings: list[Mapping[str, Any]] = []
        self.errors: list[Mapping[str, Any]] = []

    def per_resource(
        self,
        name: str,
        properties: Mapping[str, Any],
        spec: str | None,
        spec_of: Mapping[str, str],
    ) -> _Suite:
        """Fleet mode: one test case per resource, its findings aggregated; each case names
        its endpoint's spec file."""
        s = _Suite(name, properties)
        checked: dict[str, int] = {}
        for label, count in self.checked.items():
            key = resource_name(str(label))
            checked[key] = checked.get(key, 0) + count
        mine: dict[str, list[Mapping[str, Any]]] = {}
        for f in self.findings:
            mine.setdefault(resource_name(str(f.get("resource"))), []).append(f)
        broken: dict[str, list[Mapping[str, Any]]] = {}
        for e in self.errors:
            broken.setdefault(resource_name(e.get("resource")), []).append(e)
        for resource in sorted(set(checked) | set(mine) | set(broken)):
            found = sorted(
                mine.get(resource, []),
                key=lambda f: (
                    severity_rank(f.get("severity")),
                    str(f.get("field")),
                    str(f.get("id")),
                ),
            )
            open_ = [
                f for f in found if not f.get("waived") and f.get("change") != "not_comparable"
            ]
            waived = sum(1 for f in found if f.get("waived"))
            loc = next((f.get("location") for f in found if f.get("location")), None) or {}
            n = checked.get(resource, 0)
            title = f"{resource} ({n} {'property' if n == 1 else 'properties'} checked)"
            file = loc.get("file") or spec_of.get(endpoint_of(resource)) or spec
            case = s.case(title, _classname(resource), file, loc.get("line"))
            if broken.get(resource):
                reasons = "; ".join(str(e.get("reason")) for e in broken[resource])
                s.error(case, f"not checked: {reasons}", "not_checked", reasons)
            elif open_:
                worst = open_[0].get("severity")
                message = f"{len(open_)} finding{'s' if len(open_) != 1 else ''} (worst {worst})"
                if waived:
                    message += f", {waived} waived"
                listed = [(f, drift_rule_id(f)) for f in open_[:MAX_LISTED]]
                lines = [
                    f"{f.get('severity')} {f.get('field') or f.get('change')}: "
                    f"{format_value(f.get('expected'))} -> {format_value(f.get('actual'))} "
                    f"[{rule}, finding {f.get('id')}]"
                    for f, rule in listed
                ]
                if len(open_) > MAX_LISTED:
                    lines.append(f"... and {len(open_) - MAX_LISTED} more in drift.json")
                s.fail(case, message, listed[0][1], "\n".join(lines))
            elif waived:
                s.skip(case, f"{waived} finding{'s' if waived != 1 else ''} waived")
        return s

    def suite(self, name: str, properties: Mapping[str, Any], spec: str | None) -> _Suite:
        """One test case per coverage entry, then one per finding no entry covers, then one
        per resource whose live state could not be read."""
        s = _Suite(name, properties)
        covered, missing_props = self._coverage_cases(s, spec)
        self._finding_cases(s, spec, covered, missing_props)
        for e in sorted(self.errors, key=lambda e: str(e.get("resource"))):
            resource = resource_name(e.get("resource"))
            case = s.case(f"{resource} (live state)", _classname(resource), spec, None)
            s.error(case, f"not checked: {e.get('reason')}", "not_checked", str(e.get("reason")))
        return s

    def _coverage_cases(
        self, s: _Suite, spec: str | None
    ) -> tuple[set[tuple[str, str]], dict[str, int]]:
        """A case per coverage entry, failed by the finding on its property (or on its
        missing or unmanaged resource); (the properties covered, the properties of each
        missing resource, counted into its one failure instead)."""
        by_key: dict[tuple[str, ...], Mapping[str, Any]] = {}
        whole: dict[str, Mapping[str, Any]] = {}  # missing/unmanaged resource findings
        for f in self.findings:
            resource, field = str(f.get("resource")), str(f.get("field"))
            by_key.setdefault((resource, field, str(f.get("arm_path"))), f)
            by_key.setdefault((resource, field), f)
            if f.get("change") in ("missing_resource", "unmanaged_resource"):
                whole.setdefault(resource, f)
        covered: set[tuple[str, str]] = set()
        missing_props: dict[str, int] = {}
        for c in sorted(self.coverage, key=lambda c: (str(c[RESOURCE]), str(c[FIELD]))):
            resource, field = str(c[RESOURCE]), str(c[FIELD] or c[ARM_PATH])
            arm_path = str(c[ARM_PATH] or "")
            covered.add((resource, field))
            hit = by_key.get((resource, field, arm_path)) or by_key.get((resource, field))
            if hit is None and resource in whole:
                # A missing resource is one failure (below), not one failure per property.
                missing_props[resource] = missing_props.get(resource, 0) + 1
                continue
            loc = (hit or whole.get(resource) or {}).get("location") or {}
            name = f"{field} [{arm_path}]" if arm_path else field
            case = s.case(name, _classname(resource), loc.get("file") or spec, loc.get("line"))
            outcome = c[OUTCOME]
            if outcome == "drifted":
                if hit:
                    message = f"{hit.get('severity')}: {hit.get('message') or 'value differs'}"
                    s.fail(case, message, drift_rule_id(hit), _detail(hit))
                elif resource in whole:
                    parent = whole[resource]
                    why = c[REASON] or parent.get("message") or parent.get("change")
                    message = f"{parent.get('severity')}: {why}"
                    s.fail(case, message, drift_rule_id(parent), _detail(parent))
                else:
                    s.fail(
                        case,
                        "value differs from the spec",
                        "drift",
                        f"arm_path: {c[ARM_PATH]}",
                    )
            elif outcome == "waived":
                s.skip(case, _waiver_text((hit or {}).get("waiver")))
            elif outcome == "not_comparable":
                s.skip(
                    case,
                    "not comparable: "
                    + str(c[REASON] or (hit or {}).get("message") or "no reason given"),
                )
        return covered, missing_props

    def _finding_cases(
        self,
        s: _Suite,
        spec: str | None,
        covered: set[tuple[str, str]],
        missing_props: Mapping[str, int],
    ) -> None:
        """A case per finding on a property no coverage entry covers (a missing resource,
        an unmanaged one, a code judgement)."""
        for f in sorted(
            self.findings,
            key=lambda f: (rank(f.get("severity")), str(f.get("resource")), str(f.get("field"))),
        ):
            resource, field = str(f.get("resource")), str(f.get("field"))
            if (resource, field) in covered:
                continue
            loc = f.get("location") or {}
            case = s.case(
                field or resource, _classname(resource), loc.get("file") or spec, loc.get("line")
            )
            if f.get("waived"):
                s.skip(case, _waiver_text(f.get("waiver")))
            elif f.get("change") == "not_comparable":
                s.skip(case, f"not comparable: {f.get('message') or 'no reason given'}")
            else:
                message = f"{f.get('severity')}: {f.get('message') or f.get('change')}"
                detail = _detail(f)
                if missing_props.get(resource):
                    detail += f"\ndeclared properties not found: {missing_props[resource]}"
                s.fail(case, message, drift_rule_id(f), detail)


def render_lint(lint_result: dict[str, Any], hostname: str | None = None) -> str:
    """JUnit XML for a lint result: one suite per spec file, a case per finding, a passing
    case per rule that found nothing in that file, suppressed findings skipped. A finding
    fails only at or above the result's `fail_on` (the gate `lint --fail-on` applied)."""
    clean = redact_result(lint_result)
    fail_on = str(clean.get("fail_on") or "").lower() or None
    rules = sorted(clean.get("rules") or [], key=lambda r: str(r.get("id")))
    findings = list(clean.get("findings") or [])
    files = {str(f.get("file") or "(no file)") for f in findings}
    files |= {str(i["path"]) for i in clean.get("inputs") or [] if i.get("path")}
    tool = clean.get("tool") or {}
    properties = {"tool": f"{tool.get('name', 'iac-gen')} {tool.get('version', '')}".strip()}
    if fail_on:
        outcome = str(clean.get("status") or "")
        code = 1 if outcome == "failed" else 0
        properties["gate"] = f"fail on {fail_on}: {outcome} (exit {code})"
    suites: list[_Suite] = []
    for file in sorted(files):
        s = _Suite(file, properties)
        mine = sorted(
            (f for f in findings if str(f.get("file") or "(no file)") == file),
            key=lambda f: (int(f.get("line") or 0), int(f.get("col") or 0), str(f.get("rule"))),
        )
        for f in mine:
            sev = str(f.get("severity")).upper()
            name = f"[{sev}][{f.get('rule')}] {f.get('title') or ''} @ {f.get('path') or ''}"
            case = s.case(name.strip(), f"lint.{f.get('rule')}", file, f.get("line"))
            if f.get("suppressed"):
                s.skip(case, f"suppressed: {f.get('suppression_reason') or 'no reason given'}")
            elif fail_on and rank(f.get("severity")) > rank(fail_on):
                # Below --fail-on: the gate passes, so the test passes; the finding is kept
                # as the case's output so it is still seen.
                where = f"{file}:{f.get('line')}:{f.get('col')}"
                ET.SubElement(case, "system-out").text = _x(
                    f"below --fail-on {fail_on}: {where}: {f.get('message')}"
                )
            else:
                where = f"{file}:{f.get('line')}:{f.get('col')}"
                text = f"{where}: {f.get('message')}\npath: {f.get('path')}"
                s.fail(case, str(f.get("message") or f.get("title")), str(f.get("rule")), text)
        hit = {str(f.get("rule")) for f in mine}
        for r in rules:
            if str(r.get("id")) not in hit:
                name = f"[{str(r.get('severity')).upper()}][{r.get('id')}] {r.get('title') or ''}"
                s.case(name.strip(), f"lint.{r.get('id')}", file, None)
        suites.append(s)
    return _document(
        "iac-gen lint", suites, _timestamp(clean.get("generated_at")), hostname or UNKNOWN_HOST
    )
