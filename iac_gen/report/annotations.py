"""CI-native findings: GitHub Actions workflow commands and Azure Pipelines logging commands.

One line per finding, printed to standard output, so the platform shows it at the spec line
(an annotation on the pull request's diff, an issue on the pipeline run).

GitHub (workflow commands, https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
"Setting an error message"; escaping as `escapeData` / `escapeProperty` in actions/toolkit
packages/core/src/command.ts): `::error file=F,line=L,col=C,title=T::MESSAGE`; in the message
`%` -> `%25`, CR -> `%0D`, LF -> `%0A`; in a property also `:` -> `%3A` and `,` -> `%2C`.

Azure Pipelines (logging commands, https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
"LogIssue"; escaping as in microsoft/azure-pipelines-task-lib node/taskcommand.ts):
`##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=X]MESSAGE`;
`%` -> `%AZP25`, CR -> `%0D`, LF -> `%0A` everywhere, and in a property also `;` -> `%3B`
and `]` -> `%5D`.

Findings at or above the gate are errors, the others warnings; suppressed lint findings,
waived drift and not-comparable values are not annotated (they do not ask for action).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iac_gen.report.gate import is_failing
from iac_gen.report.markdown_text import visible
from iac_gen.report.redact import redact_result
from iac_gen.report.view import format_value
from iac_gen.severity import rank

CI_FORMATS = ("github", "azure")


@dataclass(frozen=True)
class Annotation:
    level: str  # error | warning
    message: str
    title: str
    code: str
    file: str | None = None
    line: int | None = None
    col: int | None = None


def detect(env: Mapping[str, str]) -> str:
    """`--format auto`: github under GitHub Actions, azure under Azure Pipelines, else text.

    GitHub sets `GITHUB_ACTIONS=true` on every runner; Azure Pipelines sets `TF_BUILD=True`.
    """
    if env.get("GITHUB_ACTIONS", "").lower() == "true":
        return "github"
    if env.get("TF_BUILD", "").lower() == "true":
        return "azure"
    return "text"


def _position(value: Any) -> int | None:
    return value if isinstance(value, int) and value >= 1 else None


def lint_annotations(lint_result: Mapping[str, Any]) -> list[Annotation]:
    """Unsuppressed lint findings; errors at or above the result's `fail_on`."""
    clean = redact_result(dict(lint_result))
    fail_on = str(clean.get("fail_on") or "high")
    out = []
    for f in clean.get("findings") or []:
        if f.get("suppressed"):
            continue
        severity = str(f.get("severity") or "medium")
        level = "error" if rank(severity) <= rank(fail_on) else "warning"
        rule = str(f.get("rule") or "")
        out.append(
            Annotation(
                level,
                f"{severity} {rule}: {f.get('message') or f.get('title') or ''}",
                f"{rule} {f.get('title') or ''}".strip(),
                rule,
                str(f["file"]) if f.get("file") else None,
                _position(f.get("line")),
                _position(f.get("col")),
            )
        )
    return out


def drift_annotations(result: Mapping[str, Any]) -> list[Annotation]:
    """Unwaived drift findings at their spec line; errors when they fail the gate."""
    from iac_gen.report.sarif import drift_rule_id

    clean = redact_result(dict(result))
    fail_on = str(clean.get("fail_on") or "info")
    specs = [i.get("path") for i in clean.get("inputs") or [] if i.get("role") == "spec"]
    fallback = str(specs[0]) if len(specs) == 1 and specs[0] else None
    out = []
    for f in clean.get("findings") or []:
        if f.get("waived") or f.get("change") == "not_comparable":
            continue
        loc = f.get("location") or {}
        severity = str(f.get("severity") or "info")
        code = drift_rule_id(f)
        expected, actual = format_value(f.get("expected")), format_value(f.get("actual"))
        message = (
            f"{severity} drift in {f.get('resource')}: {f.get('field')} - "
            f"{f.get('message') or 'value differs'} (expected {expected}, actual {actual})"
        )
        out.append(
            Annotation(
                "error" if is_failing(f, fail_on) else "warning",
                message,
                f"{code} {f.get('resource')}",
                code,
                str(loc.get("file") or fallback or "") or None,
                _position(loc.get("line")),
                _position(loc.get("col")),
            )
        )
    for e in clean.get("errors") or []:
        out.append(
            Annotation(
                "error",
                f"not checked: {e.get('resource')}: {e.get('reason')}",
                "live state incomplete",
                "not_checked",
            )
        )
    return out


def _gh_data(text: str) -> str:
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(annotations: list[Annotation]) -> str:
    lines = []
    for a in annotations:
        props = []
        if a.file:
            props.append(f"file={_gh_property(a.file)}")
            if a.line:
                props.append(f"line={a.line}")
                if a.col:
                    props.append(f"col={a.col}")
        if a.title:
            props.append(f"title={_gh_property(a.title)}")
        head = f"::{a.level} {','.join(props)}" if props else f"::{a.level}"
        lines.append(f"{head}::{_gh_data(a.message)}")
    return "".join(line + "\n" for line in lines)


def _az_data(text: str) -> str:
    return visible(text).replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def _az_property(text: str) -> str:
    return _az_data(text).replace(";", "%3B").replace("]", "%5D")


def azure(annotations: list[Annotation]) -> str:
    lines = []
    for a in annotations:
        props = [f"type={a.level}"]
        if a.file:
            props.append(f"sourcepath={_az_property(a.file)}")
            if a.line:
                props.append(f"linenumber={a.line}")
                if a.col:
                    props.append(f"columnnumber={a.col}")
        if a.code:
            props.append(f"code={_az_property(a.code)}")
        lines.append(f"##vso[task.logissue {';'.join(props)}]{_az_data(a.message)}")
    return "".join(line + "\n" for line in lines)


def render(annotations: list[Annotation], platform: str) -> str:
    if platform == "github":
        return github(annotations)
    if platform == "azure":
        return azure(annotations)
    raise ValueError(f"unknown CI platform {platform!r}")
