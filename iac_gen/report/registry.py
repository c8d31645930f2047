"""The one list of report formats. It drives rendering, file names and the CLI's `--format`.

Adding a format is one module with `render(result) -> str` plus one line below. Format
modules are imported only when used, so listing the formats (e.g. for `--help`) is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Reporter:
    """A report format: its name on the command line, its file name, how it renders."""

    name: str
    filename: str
    description: str
    module: str
    renders_lint: bool = False
    options: tuple[str, ...] = ()

    def render(self, result: dict[str, Any], **context: Any) -> str:
        """Render a drift result (the JSON document) as text in this format.

        `context` may carry facts that are not part of the result (`provenance` for SARIF
        and HTML, `hostname` for JUnit, `ci` for HTML; see `evidence.evidence_context`);
        each format takes only the ones it names in `options`.
        """
        accepted = {k: v for k, v in context.items() if k in self.options and v is not None}
        text: str = import_module(self.module).render(result, **accepted)
        return text

    def render_bytes(self, result: dict[str, Any], **context: Any) -> bytes:
        """`render` as UTF-8, from the format's own `render_bytes` when it has one (drift.json:
        a fleet result is never held as text and bytes at once)."""
        module = import_module(self.module)
        if not hasattr(module, "render_bytes"):
            return self.render(result, **context).encode("utf-8")
        accepted = {k: v for k, v in context.items() if k in self.options and v is not None}
        data: bytes = module.render_bytes(result, **accepted)
        return data

    def render_lint(self, lint_result: dict[str, Any], **context: Any) -> str:
        """Render a lint result; only formats with `renders_lint` support it. `context` as
        for `render`."""
        if not self.renders_lint:
            raise ValueError(f"format {self.name!r} does not render lint results")
        accepted = {k: v for k, v in context.items() if k in self.options and v is not None}
        text: str = import_module(self.module).render_lint(lint_result, **accepted)
        return text


_FORMATS = (
    Reporter(
        "json",
        "drift.json",
        "canonical drift result (the source of truth)",
        "iac_gen.report.json",
        True,
    ),
    Reporter(
        "md", "drift.md", "Markdown for a change ticket or PR comment", "iac_gen.report.markdown"
    ),
    Reporter(
        "html",
        "drift.html",
        "self-contained HTML evidence page",
        "iac_gen.report.html",
        options=("provenance", "ci"),
    ),
    Reporter(
        "sarif",
        "drift.sarif",
        "SARIF 2.1.0 for code scanning",
        "iac_gen.report.sarif",
        True,
        ("provenance",),
    ),
    Reporter(
        "junit",
        "drift.junit.xml",
        "JUnit XML for CI test tabs",
        "iac_gen.report.junit",
        True,
        ("hostname",),
    ),
)

REPORTERS: dict[str, Reporter] = {r.name: r for r in _FORMATS}


def formats_help() -> str:
    """`md (Markdown for ...), html (...)`: the help text for `--format`, from the registry."""
    return "; ".join(f"{r.name}: {r.description}" for r in REPORTERS.values())


# Plan evidence (`iac-gen plan --report`): the same formats, rendered from plan.json.
_PLAN_FORMATS = (
    Reporter(
        "json", "plan.json", "canonical plan (the source of truth)", "iac_gen.report.plan_json"
    ),
    Reporter(
        "md",
        "plan.md",
        "Markdown for a change ticket or PR comment",
        "iac_gen.report.plan_markdown",
    ),
    Reporter("html", "plan.html", "self-contained HTML plan page", "iac_gen.report.plan_html"),
    Reporter(
        "sarif",
        "plan.sarif",
        "SARIF 2.1.0: planned changes and hazards",
        "iac_gen.report.plan_sarif",
    ),
    Reporter(
        "junit",
        "plan.junit.xml",
        "JUnit XML: one case per step and hazard",
        "iac_gen.report.plan_junit",
    ),
)

PLAN_REPORTERS: dict[str, Reporter] = {r.name: r for r in _PLAN_FORMATS}
