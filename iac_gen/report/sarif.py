"""`drift.sarif`: SARIF 2.1.0 for GitHub code scanning and Azure DevOps.

Rule ids are stable and bounded: `DRIFT-<CATEGORY>-<PROPERTY>` where PROPERTY is the spec
field without the deployment name and without map keys (`deployments.blue.instance_count`
-> `DRIFT-CAPACITY-INSTANCE-COUNT`, `traffic.green` -> `DRIFT-ROUTING-TRAFFIC`), plus
`DRIFT-RESOURCE-MISSING`, `DRIFT-RESOURCE-UNMANAGED` and `DRIFT-NOT-COMPARABLE`.
Every result points at the spec line (GitHub needs a physical location), names the ARM
resource as a logical location, and carries the finding id as its fingerprint, so a
re-run updates alerts instead of duplicating them. Waived findings become accepted
external suppressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from iac_gen.output_files import dumps_json
from iac_gen.report import links
from iac_gen.report.drift_rule_docs import anchor as drift_rule_anchor
from iac_gen.report.gate import gate
from iac_gen.report.redact import redact_result
from iac_gen.report.severity import SARIF_LEVEL, SECURITY_SEVERITY
from iac_gen.report.view import format_value, severity_rank
from iac_gen.severity import worst

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = links.HOMEPAGE
DRIFT_FINGERPRINT = "iacGenDriftFinding/v1"
LINT_FINGERPRINT = "iacGenLintFinding/v1"
COMPACT_ABOVE = 5_000

# Spec fields whose next segment is a user-chosen key (deployment, tag or variable name).
_MAP_FIELDS = frozenset(
    {
        "traffic",
        "mirror_traffic",
        "tags",
        "environment_variables",
        "properties",
        "user_assigned_identities",
    }
)
_PER_DEPLOYMENT = frozenset({"deployments", "autoscale"})
_RESOURCE_RULES = {
    "missing_resource": (
        "DRIFT-RESOURCE-MISSING",
        "A resource declared in the spec does not exist in Azure.",
    ),
    "unmanaged_resource": (
        "DRIFT-RESOURCE-UNMANAGED",
        "A resource exists in Azure but is not declared in the spec.",
    ),
    "not_comparable": (
        "DRIFT-NOT-COMPARABLE",
        "A declared value cannot be compared with Azure (such as a local code folder).",
    ),
}
_ARTIFACT_ROLE = {
    "spec": "analysisTarget",
    "live": "analysisTarget",
    "waivers": "userSpecifiedConfiguration",
}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-") or "VALUE"


def property_kind(field: str) -> str:
    """The stable part of a spec field: no deployment name, no map key, at most two levels."""
    parts = [p for p in field.split(".") if p]
    if len(parts) > 2 and parts[0] in _PER_DEPLOYMENT:
        parts = parts[2:]
    kept: list[str] = []
    for part in parts:
        kept.append(part)
        if part in _MAP_FIELDS or len(kept) == 2:
            break
    return ".".join(kept)


def drift_rule_id(finding: Mapping[str, Any]) -> str:
    """`DRIFT-SECURITY-AUTH-MODE`, `DRIFT-RESOURCE-MISSING`, ..."""
    change = str(finding.get("change") or "")
    if change in _RESOURCE_RULES:
        return _RESOURCE_RULES[change][0]
    category = str(finding.get("category") or "configuration")
    return _rule_id(category, str(finding.get("field") or finding.get("arm_path") or ""))


@lru_cache(maxsize=65536)
def _rule_id(category: str, field: str) -> str:
    """Cached: a fleet's findings share a few hundred (category, field) pairs, and SARIF,
    JUnit and the view each ask for every finding's rule."""
    return f"DRIFT-{_slug(category)}-{_slug(property_kind(field))}"


@lru_cache(maxsize=65536)
def artifact_uri(path: str) -> str:
    """A relative path stays relative (repository-relative for GitHub); absolute -> file URI."""
    if PureWindowsPath(path).drive:
        return PureWindowsPath(path).as_uri()
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return posix.as_uri()
    return str(posix)


def _physical(file: str, line: Any, col: Any) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if isinstance(line, int) and line >= 1:
        region: dict[str, Any] = {"startLine": line}
        if isinstance(col, int) and col >= 1:
            region["startColumn"] = col
        physical["region"] = region
    return physical


def _https(value: Any) -> str | None:
    text = str(value or "")
    return text if re.match(r"^https://\S+$", text) else None


def _log(run: dict[str, Any]) -> str:
    """Indented for review; compact above COMPACT_ABOVE results (GitHub caps uploads)."""
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    if len(run.get("results") or []) > COMPACT_ABOVE:
        from iac_gen.report.json import compact_json

        return compact_json(log)
    return dumps_json(log)


def _driver(tool: Mapping[str, Any], rules: list[dict[str, Any]]) -> dict[str, Any]:
    version = str(tool.get("version") or "0")
    driver: dict[str, Any] = {
        "name": str(tool.get("name") or "iac-gen"),
        "version": version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    if re.match(r"^\d+\.\d+\.\d+", version):
        driver["semanticVersion"] = version
    return driver


def _artifacts(inputs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    artifacts = []
    for item in inputs:
        if not item.get("path"):
            continue
        artifact: dict[str, Any] = {"location": {"uri": artifact_uri(str(item["path"]))}}
        if item.get("sha256"):
            artifact["hashes"] = {"sha-256": str(item["sha256"])}
        role = _ARTIFACT_ROLE.get(str(item.get("role")))
        if role:
            artifact["roles"] = [role]
        artifacts.append(artifact)
    return artifacts


def _drift_rule(rule_id: str, findings: list[Mapping[str, Any]]) -> dict[str, Any]:
    first = findings[0]
    category = str(first.get("category") or "configuration")
    # `worst` of every finding's severity, each distinct spelling ranked once (a fleet's
    # rules gather thousands of findings); tests/report compares the two.
    severity = worst(list(dict.fromkeys(str(f.get("severity")) for f in findings)))
    change = str(first.get("change") or "")
    if change in _RESOURCE_RULES:
        short = _RESOURCE_RULES[change][1]
        full = short
    else:
        prop = property_kind(str(first.get("field") or first.get("arm_path") or ""))
        short = f"{category.capitalize()} drift in {prop}"
        full = (
            f"The value running in Azure for `{prop}` differs from the spec. "
            f"Category {category}; an unapproved change to it is {severity} severity."
        )
    help_text = (
        "Redeploy the compiled template to restore the declared state, or, if the change was "
        "intended, update the spec; a temporary exception needs a waiver with owner and expiry."
    )
    help_markdown = (
        f"**{short}**\n\n{full}\n\n{help_text}\n\n"
        "Run `iac-gen drift SPEC --live FILE --report DIR` again after the fix; "
        "`drift.json` in the evidence folder holds the expected and actual values."
    )
    properties: dict[str, Any] = {"tags": sorted({"drift", category}), "precision": "very-high"}
    if category == "security":
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    name = "".join(part.capitalize() for part in rule_id.lower().split("-"))
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": links.drift_rule_uri(drift_rule_anchor(rule_id, category, change)),
        "defaultConfiguration": {
            "level": "none" if change == "not_comparable" else SARIF_LEVEL[severity]
        },
        "properties": properties,
    }


def _drift_result(
    f: Mapping[str, Any], rule_index: int, fallback_file: str | None, rule_id: str | None = None
) -> dict[str, Any]:
    """One SARIF result; `rule_id` is `drift_rule_id(f)` when the caller has it already."""
    if rule_id is None:
        rule_id = drift_rule_id(f)
    severity = str(f.get("severity") or "info").lower()
    change = str(f.get("change") or "")
    expected, actual = format_value(f.get("expected")), format_value(f.get("actual"))
    message = str(f.get("message") or f"{f.get('field')} differs")
    values = f"field {f.get('field')}; expected {expected}; actual {actual}"
    text = f"{f.get('resource')}: {message} ({values})"
    attribution = f.get("attribution")
    if isinstance(attribution, Mapping) and attribution.get("text"):
        text += f"; {attribution['text']}"
    result: dict[str, Any] = {"ruleId": rule_id, "ruleIndex": rule_index, "message": {"text": text}}
    if change == "not_comparable":
        result.update(kind="informational", level="none")
    else:
        result.update(kind="fail", level=SARIF_LEVEL.get(severity, "note"))
    loc = f.get("location") or {}
    file = loc.get("file") or fallback_file
    location: dict[str, Any] = {}
    if file:
        location["physicalLocation"] = _physical(str(file), loc.get("line"), loc.get("col"))
    logical: dict[str, Any] = {"name": str(f.get("resource") or ""), "kind": "resource"}
    if f.get("resource_id"):
        logical["fullyQualifiedName"] = str(f["resource_id"])
    location["logicalLocations"] = [logical]
    result["locations"] = [location]
    if f.get("id"):
        result["partialFingerprints"] = {DRIFT_FINGERPRINT: str(f["id"])}
    result["properties"] = {
        "severity": severity,
        "category": f.get("category"),
        "change": change,
        "field": f.get("field"),
        "armPath": f.get("arm_path"),
        "expected": f.get("expected"),
        "actual": f.get("actual"),
    }
    if isinstance(attribution, Mapping):
        result["properties"]["attribution"] = dict(attribution)
    if f.get("waived"):
        _suppress(result, f.get("waiver") or {})
    return result


def _suppress(result: dict[str, Any], waiver: Mapping[str, Any]) -> None:
    """A waived finding's result: accepted by its waiver, linked to the ticket."""
    justification = (
        f"{waiver.get('reason') or 'waived'} (waiver {waiver.get('id')}, approved by "
        f"{waiver.get('approver')}, ticket {waiver.get('ticket')}, "
        f"expires {waiver.get('expires')})"
    )
    result["suppressions"] = [
        {
            "kind": "external",
            "status": "accepted",
            "justification": justification,
            "properties": {k: waiver.get(k) for k in ("id", "approver", "ticket", "expires")},
        }
    ]
    uri = _https(waiver.get("ticket"))
    if uri:
        result["workItemUris"] = [uri]


def _rules(
    findings: list[Mapping[str, Any]], rule_of: list[str]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rules, sorted by id, and each id's index; `rule_of[i]` is findings[i]'s rule."""
    by_rule: dict[str, list[Mapping[str, Any]]] = {}
    for f, rid in zip(findings, rule_of, strict=True):
        by_rule.setdefault(rid, []).append(f)
    rule_ids = sorted(by_rule)
    rules = [_drift_rule(rid, by_rule[rid]) for rid in rule_ids]
    return rules, {rid: i for i, rid in enumerate(rule_ids)}


def render(result: dict[str, Any], provenance: Mapping[str, Any] | None = None) -> str:
    """A SARIF 2.1.0 log with one run for a drift result.

    `provenance` ({repository_uri, revision_id, branch}, e.g. from
    `manifest.git_source`) becomes `versionControlProvenance`; the result itself has none.
    """
    clean = redact_result(result)
    findings = sorted(
        clean.get("findings") or [],
        key=lambda f: (
            severity_rank(f.get("severity")),
            str(f.get("resource")),
            str(f.get("field")),
            str(f.get("id")),
        ),
    )
    rule_of = [drift_rule_id(f) for f in findings]
    rules, index = _rules(findings, rule_of)
    specs = [
        str(i["path"])
        for i in clean.get("inputs") or []
        if i.get("role") == "spec" and i.get("path")
    ]
    fallback = specs[0] if specs else None
    results = [
        _drift_result(f, index[rid], fallback, rid)
        for f, rid in zip(findings, rule_of, strict=True)
    ]
    status = str(clean.get("status") or "not_checked")
    the_gate = gate(clean)
    invocation: dict[str, Any] = {
        "executionSuccessful": status != "not_checked",
        "exitCode": the_gate.exit_code,
    }
    notes = [
        {"level": "error", "message": {"text": f"{e.get('resource')}: {e.get('reason')}"}}
        for e in clean.get("errors") or []
    ]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run: dict[str, Any] = {
        "tool": {"driver": _driver(clean.get("tool") or {}, rules)},
        "automationDetails": {"id": f"iac-gen/drift/{clean.get('environment') or 'default'}/"},
        "invocations": [invocation],
        "artifacts": _artifacts(clean.get("inputs") or []),
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "status": status,
            "gate": the_gate.line,
            "generatedAt": clean.get("generated_at"),
            "summary": clean.get("summary") or {},
        },
    }
    _add_provenance(run, provenance)
    return _log(run)


def _add_provenance(run: dict[str, Any], provenance: Mapping[str, Any] | None) -> None:
    """`versionControlProvenance` from {repository_uri, revision_id, branch}, when known."""
    provenance = provenance or {}
    if provenance.get("repository_uri"):
        vcp: dict[str, Any] = {"repositoryUri": str(provenance["repository_uri"])}
        if provenance.get("revision_id"):
            vcp["revisionId"] = str(provenance["revision_id"])
        if provenance.get("branch"):
            vcp["branch"] = str(provenance["branch"])
        run["versionControlProvenance"] = [vcp]


def _lint_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A rule descriptor: title, rationale, how to fix (`docs`) and where it comes from."""
    severity = str(rule.get("severity") or "medium").lower()
    category = str(rule.get("category") or "")
    title = str(rule.get("title") or rule.get("id"))
    rationale = str(rule.get("rationale") or title)
    docs, source = rule.get("docs"), rule.get("source")
    help_parts = [rationale]
    if docs and not _https(docs):
        help_parts.append(str(docs))
    if source and not _https(source):
        help_parts.append(f"Source: {source}")
    anchor = str(rule["id"]).lower()
    md_parts = [f"**{title}**", rationale]
    if docs:
        md_parts.append(str(docs) if not _https(docs) else f"Documentation: <{docs}>")
    if source:
        md_parts.append(f"Source: {source}" if not _https(source) else f"Source: <{source}>")
    md_parts.append(f"See `docs/rules.md#{anchor}` in the iac-gen repository (`iac-gen rules`).")
    descriptor: dict[str, Any] = {
        "id": str(rule["id"]),
        "name": "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", title) if w),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rationale},
        "help": {"text": "\n\n".join(help_parts), "markdown": "\n\n".join(md_parts)},
        "defaultConfiguration": {"level": SARIF_LEVEL.get(severity, "warning")},
        "properties": {"tags": sorted({t for t in ("lint", category) if t}), "precision": "high"},
    }
    # The rule's page in the repository's docs; its external sources stay in the help text.
    descriptor["helpUri"] = links.lint_rule_uri(str(rule["id"]))
    if category == "security":
        descriptor["properties"]["security-severity"] = SECURITY_SEVERITY.get(severity, "5.5")
    return descriptor


def render_lint(lint_result: dict[str, Any], provenance: Mapping[str, Any] | None = None) -> str:
    """A SARIF 2.1.0 log for a lint result: rules from `rules`, results from `findings`;
    `provenance` as for `render`."""
    clean = redact_result(lint_result)
    rules_by_id = {str(r["id"]): r for r in clean.get("rules") or [] if r.get("id")}
    findings = sorted(
        clean.get("findings") or [],
        key=lambda f: (
            str(f.get("file")),
            int(f.get("line") or 0),
            int(f.get("col") or 0),
            str(f.get("rule")),
            str(f.get("fingerprint")),
        ),
    )
    for f in findings:  # a finding of an unlisted rule still needs a descriptor
        rid = str(f.get("rule"))
        rules_by_id.setdefault(
            rid,
            {
                "id": rid,
                "title": f.get("title") or rid,
                "severity": f.get("severity"),
                "category": f.get("category"),
            },
        )
    rule_ids = sorted(rules_by_id)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = [_lint_result(f, rules_by_id, index) for f in findings]
    run: dict[str, Any] = {
        "tool": {
            "driver": _driver(
                clean.get("tool") or {}, [_lint_rule(rules_by_id[r]) for r in rule_ids]
            )
        },
        "automationDetails": {"id": "iac-gen/lint/"},
        "invocations": [_lint_invocation(clean)],
        "artifacts": _artifacts(clean.get("inputs") or []),
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    _add_provenance(run, provenance)
    return _log(run)


def _lint_result(
    f: Mapping[str, Any], rules_by_id: Mapping[str, Mapping[str, Any]], index: Mapping[str, int]
) -> dict[str, Any]:
    """One lint finding as a SARIF result: level, message, where, fingerprint, suppression."""
    rid = str(f.get("rule"))
    severity = str(f.get("severity") or rules_by_id[rid].get("severity") or "medium").lower()
    res: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "kind": "fail",
        "level": SARIF_LEVEL.get(severity, "warning"),
        "message": {"text": str(f.get("message") or f.get("title") or rid)},
    }
    location: dict[str, Any] = {}
    if f.get("file"):
        location["physicalLocation"] = _physical(str(f["file"]), f.get("line"), f.get("col"))
    if f.get("path"):
        location["logicalLocations"] = [{"fullyQualifiedName": str(f["path"]), "kind": "member"}]
    if location:
        res["locations"] = [location]
    if f.get("fingerprint"):
        res["partialFingerprints"] = {LINT_FINGERPRINT: str(f["fingerprint"])}
    res["properties"] = {"severity": severity, "category": f.get("category")}
    if f.get("suppressed"):
        res["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": str(f.get("suppression_reason") or "suppressed"),
            }
        ]
    return res


def _lint_invocation(clean: Mapping[str, Any]) -> dict[str, Any]:
    """The run's outcome; with a gate (`lint --fail-on`) its exit code and verdict too."""
    invocation: dict[str, Any] = {"executionSuccessful": True}
    fail_on, status = clean.get("fail_on"), clean.get("status")
    if fail_on and status in ("passed", "failed"):
        invocation["exitCode"] = 1 if status == "failed" else 0
        invocation["properties"] = {"gate": f"fail on {fail_on}: {status}"}
    return invocation
