"""`iac-gen report`: re-render a saved drift (or lint) result without touching Azure."""

from __future__ import annotations

from pathlib import Path

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app
from iac_gen.report.registry import REPORTERS, formats_help


@app.command(
    "report",
    help="Re-render a saved drift result (drift.json) as Markdown, HTML, SARIF, JUnit or JSON. "
    "Lint results (iac-gen lint --format json) re-render as SARIF, JUnit or JSON.",
)
def report_command(
    result: Path = typer.Argument(
        ..., help="A drift.json (or lint JSON) written earlier.", show_default=False
    ),
    format: options.ReportFormat = typer.Option(
        ..., "--format", "-f", help=formats_help(), show_default=False
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="File to write (atomically; a FIFO or device such as /dev/stdout directly); "
        "standard output when omitted or '-'.",
    ),
) -> None:
    from iac_gen.diagnostics import error
    from iac_gen.output_files import write_file
    from iac_gen.report.evidence import evidence_context
    from iac_gen.report.load import load_result

    reporter = REPORTERS[str(format.value)]
    kind, data = load_result(result)
    # The re-rendering run's own context (its host, its CI run, the specs' repository).
    sources = [
        Path(str(i["path"]))
        for i in data.get("inputs") or []
        if isinstance(i, dict) and i.get("role") in ("spec", None) and i.get("path")
    ]
    context = evidence_context(sources[:50])
    if kind == "lint":
        if not reporter.renders_lint:
            lint_formats = ", ".join(r.name for r in REPORTERS.values() if r.renders_lint)
            raise error(
                "IAC503",
                f"a lint result renders only as {lint_formats}, not {reporter.name}",
                str(result),
            )
        text = reporter.render_lint(data, **context)
    else:
        text = reporter.render(data, **context)
    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
    else:
        write_file(output, text)
