"""The lint runner: every selected rule over every spec, as one deterministic result.

Rules only name spec paths; here paths become `file:line:col`, findings get stable
fingerprints, per-spec suppressions are applied (a suppressed finding stays in the result,
marked, with its reason), and a rule that raises becomes an MOE000 finding instead of a
crash. The result serialises to the lint result JSON that SARIF and JUnit are rendered from.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iac_gen import __version__
from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.provenance import iso_now, sha256_file
from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.registry import all_rules
from iac_gen.rules.rule_failure import RuleFailure
from iac_gen.rules.spec_facts import is_non_production
from iac_gen.severity import SEVERITIES, severity_rank
from iac_gen.spec.model import Spec

SCHEMA_VERSION = "1.0"
UNKNOWN_RULE_CODE = "IAC350"  # --select/--ignore names no rule


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    category: str
    title: str
    message: str
    file: str
    line: int
    col: int
    path: str
    fingerprint: str
    suppressed: bool = False
    suppression_reason: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.col, self.rule, self.path, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "category": self.category,
            "title": self.title,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "path": self.path,
            "fingerprint": self.fingerprint,
            "suppressed": self.suppressed,
            "suppression_reason": self.suppression_reason,
        }

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity} {self.rule} {self.message}"


@dataclass(frozen=True)
class SuppressionUse:
    """What became of one `lint.suppress` entry: `used` (it hid n findings), `unused`
    (its rule ran and found nothing: the suppression is stale), `not_run` (its rule was
    not selected or does not apply to this environment) or `unknown_rule`."""

    rule: str
    reason: str
    file: str
    line: int
    col: int
    status: str
    matched: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "status": self.status,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class LintResult:
    rules: tuple[type[Rule], ...]
    findings: tuple[Finding, ...]
    inputs: tuple[tuple[str, str], ...] = ()  # (relative path, sha256)
    specs: int = 0
    suppressions: tuple[SuppressionUse, ...] = ()

    def active(self) -> list[Finding]:
        """Findings that count: everything not suppressed."""
        return [f for f in self.findings if not f.suppressed]

    def counts(self) -> dict[str, int]:
        counts = {sev: 0 for sev in SEVERITIES}
        for finding in self.active():
            counts[finding.severity] += 1
        counts["suppressed"] = sum(1 for f in self.findings if f.suppressed)
        return counts

    def fails(self, fail_on: str) -> bool:
        """True when an unsuppressed finding is at or above `fail_on`."""
        limit = severity_rank(fail_on)
        return any(severity_rank(f.severity) <= limit for f in self.active())

    def to_dict(self, fail_on: str | None = None, environment: str | None = None) -> dict[str, Any]:
        """The lint result JSON (schema_version 1.0); `fail_on` adds the gate's verdict."""
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "iac-gen", "version": __version__},
            "generated_at": iso_now(),
            "inputs": [{"role": "spec", "path": p, "sha256": h} for p, h in self.inputs],
            "rules": [rule.metadata() for rule in self.rules],
            "findings": [f.to_dict() for f in self.findings],
            "suppressions": [s.to_dict() for s in self.suppressions],
            "summary": {"specs": self.specs, "findings": self.counts()},
            "environment": environment,
        }
        if fail_on is not None:
            data["fail_on"] = fail_on
            data["status"] = "failed" if self.fails(fail_on) else "passed"
        return data


def fingerprint(rule_id: str, file: str, path: str, message: str) -> str:
    """Stable id of a finding: same rule, file, spec path and message -> same id."""
    text = "\0".join((rule_id, file, path, message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def display_path(file: str, base_dir: Path) -> str:
    """`file` relative to `base_dir` when inside it, with `/` separators."""
    path = Path(file)
    try:
        rel = Path(os.path.relpath(path.resolve(), base_dir.resolve()))
    except ValueError:  # another drive on Windows
        return path.as_posix()
    if rel.parts and rel.parts[0] == "..":
        return path.as_posix()
    return rel.as_posix()


def _matches(rule_id: str, patterns: Iterable[str]) -> bool:
    return any(rule_id.startswith(p) for p in patterns)


def select_rules(
    select: Sequence[str] | None = None, ignore: Sequence[str] | None = None
) -> tuple[type[Rule], ...]:
    """Rules chosen by id or id prefix; unknown ids/prefixes are an input error."""
    catalog = [type(rule) for rule in all_rules()]
    chosen_select = [s.strip().upper() for s in select or () if s.strip()]
    chosen_ignore = [s.strip().upper() for s in ignore or () if s.strip()]
    known = [RuleFailure.id, *(rule.id for rule in catalog)]
    unknown = [p for p in chosen_select + chosen_ignore if not _matches_any(p, known)]
    if unknown:
        raise InputError(
            Diagnostic(
                UNKNOWN_RULE_CODE,
                f"no lint rule matches {p!r} (see `iac-gen rules`)",
                Location("<command line>", 0, 0),
            )
            for p in unknown
        )
    rules = [
        rule
        for rule in catalog
        if (not chosen_select or _matches(rule.id, chosen_select))
        and not _matches(rule.id, chosen_ignore)
    ]
    return (RuleFailure, *rules)


def _matches_any(prefix: str, ids: Iterable[str]) -> bool:
    return any(rule_id.startswith(prefix) for rule_id in ids)


def _sha256(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:
        return ""


def _hits(rule: Rule, spec: Spec) -> tuple[type[Rule], list[RuleHit]]:
    try:
        return type(rule), list(rule.check(spec))
    except Exception as exc:  # a broken rule is reported, never a crash
        return RuleFailure, [
            RuleHit("", f"rule {rule.id} failed on this spec ({type(exc).__name__}); not checked")
        ]


def lint_spec(
    spec: Spec, rules: Sequence[type[Rule]], base_dir: Path
) -> tuple[list[Finding], list[SuppressionUse]]:
    """Findings of `rules` on one spec (suppressions applied, unsorted) and what became of
    each of the spec's suppressions."""
    suppressions = {s.rule.strip().upper(): s.reason for s in spec.suppressions}
    findings: dict[str, Finding] = {}
    ran: set[str] = set()
    for rule_class in rules:
        if rule_class is RuleFailure:
            continue
        if rule_class.production_only and is_non_production(spec):
            continue
        ran.add(rule_class.id)
        reporter, hits = _hits(rule_class(), spec)
        for hit in hits:
            loc = spec.locate(hit.path)
            file = display_path(loc.file, base_dir)
            reason = suppressions.get(reporter.id) if reporter is not RuleFailure else None
            finding = Finding(
                rule=reporter.id,
                severity=reporter.severity,
                category=reporter.category,
                title=reporter.title,
                message=hit.message,
                file=file,
                line=loc.line,
                col=loc.col,
                path=hit.path,
                fingerprint=fingerprint(reporter.id, file, hit.path, hit.message),
                suppressed=reason is not None,
                suppression_reason=reason,
            )
            findings.setdefault(finding.fingerprint, finding)
    return list(findings.values()), _suppression_uses(spec, findings.values(), ran, base_dir)


def _suppression_uses(
    spec: Spec, findings: Iterable[Finding], ran: set[str], base_dir: Path
) -> list[SuppressionUse]:
    known = {rule.id for rule in all_rules()}
    matched: dict[str, int] = {}
    for finding in findings:
        if finding.suppressed:
            matched[finding.rule] = matched.get(finding.rule, 0) + 1
    uses = []
    for index, sup in enumerate(spec.suppressions):
        rule_id = sup.rule.strip().upper()
        loc = sup.location or spec.locate(f"lint.suppress.{index}.rule")
        count = matched.get(rule_id, 0)
        if rule_id not in known:
            status = "unknown_rule"
        elif rule_id not in ran:
            status = "not_run"
        else:
            status = "used" if count else "unused"
        uses.append(
            SuppressionUse(
                rule_id,
                sup.reason,
                display_path(loc.file, base_dir),
                loc.line,
                loc.col,
                status,
                count,
            )
        )
    return uses


def run_lint(
    specs: Sequence[Spec],
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    base_dir: Path | None = None,
) -> LintResult:
    """Lint `specs` with the selected rules; file paths are shown relative to `base_dir`
    (default: the current directory) so results and fingerprints do not depend on where
    the checkout lives."""
    base = Path.cwd() if base_dir is None else Path(base_dir)
    rules = select_rules(select, ignore)
    findings: list[Finding] = []
    uses: list[SuppressionUse] = []
    inputs: dict[str, str] = {}
    for spec in specs:
        spec_findings, spec_uses = lint_spec(spec, rules, base)
        findings.extend(spec_findings)
        uses.extend(spec_uses)
        for file in spec.files or (spec.source,):
            inputs[display_path(str(file), base)] = _sha256(Path(file))
    findings.sort(key=Finding.sort_key)
    return LintResult(
        rules=rules,
        findings=tuple(findings),
        inputs=tuple(sorted(inputs.items())),
        specs=len(specs),
        suppressions=tuple(sorted(uses, key=lambda u: (u.file, u.line, u.col, u.rule))),
    )


def render_text(result: LintResult, fail_on: str) -> str:
    """One `file:line:col: severity RULE message` line per unsuppressed finding + a summary."""
    lines = [str(f) for f in result.active()]
    counts = result.counts()
    verdict = "failed" if result.fails(fail_on) else "passed"
    parts = ", ".join(f"{counts[sev]} {sev}" for sev in SEVERITIES)
    specs = f"{result.specs} spec{'s' if result.specs != 1 else ''}"
    rules = len(result.rules) - 1
    stale = sum(1 for s in result.suppressions if s.status in {"unused", "unknown_rule"})
    stale_text = f", {stale} stale suppression{'s' if stale != 1 else ''}" if stale else ""
    lines.append(
        f"lint: {specs}, {rules} rules: {parts}; {counts['suppressed']} suppressed"
        f"{stale_text} (--fail-on {fail_on}: {verdict})"
    )
    return "\n".join(lines) + "\n"
