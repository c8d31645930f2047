"""`iac-gen whatif WHATIF.json`: ARM what-if output without the changes Azure fills in.

Exit codes: 0 no change left, 1 changes, 2 not what-if output. ARM's own what-if has none.
"""

from __future__ import annotations

from pathlib import Path

import typer

from iac_gen.cli.app import app


@app.command(
    "whatif",
    help="Read `az deployment group what-if --result-format FullResourcePayloads "
    "--no-pretty-print` JSON, drop server-filled fields, defaults and spellings, print the rest.",
)
def whatif_command(
    whatif: Path = typer.Argument(..., help="What-if JSON ('-' for standard input)."),
    as_json: bool = typer.Option(False, "--json", help="Print the filtered result as JSON."),
) -> None:
    import sys

    from iac_gen.diagnostics import error
    from iac_gen.output_files import dumps_json
    from iac_gen.plan.whatif import filter_whatif
    from iac_gen.spec.one_line import escape
    from iac_gen.strict_json import JsonProblem, loads

    name = str(whatif)
    try:
        text = sys.stdin.read() if name == "-" else whatif.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error("IAC440", f"cannot read what-if output: {exc}", name) from None
    try:
        document = loads(text)
    except JsonProblem as exc:
        raise error("IAC440", f"not JSON: {exc.message}", name, exc.line, exc.col) from None
    result = filter_whatif(document, name)
    if as_json:
        typer.echo(dumps_json(result), nl=False)
    else:
        typer.echo(f"whatif: {result['status']} ({result['dropped_as_noise']} noise-only dropped)")
        for change in result["changes"]:
            typer.echo(f"  {change['change']:<11} {escape(change['resource_id'])}")
            for prop in change["properties"]:
                if "field" in prop:  # a type drift knows: its field name and severity
                    typer.echo(
                        f"      {escape(prop['field'])}: {escape(repr(prop['from']))} -> "
                        f"{escape(repr(prop['to']))} ({prop['severity']})"
                    )
                elif "from" in prop or "to" in prop:  # another type: as what-if reported it
                    typer.echo(
                        f"      {escape(prop['arm_path'])}: {prop['change']} "
                        f"{escape(repr(prop.get('from')))} -> {escape(repr(prop.get('to')))}"
                    )
                else:
                    typer.echo(f"      {escape(prop['arm_path'])}: {prop['change']}")
    raise typer.Exit(1 if result["changes"] else 0)
