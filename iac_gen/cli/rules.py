"""`iac-gen rules`: list the lint rule catalog (text, JSON, or the Markdown of docs/rules.md)."""

from __future__ import annotations

from enum import StrEnum

import typer

from iac_gen.cli.app import app


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command("rules", help="List the lint rules: id, severity, category, title.")
def rules_command(
    output_format: RulesFormat = typer.Option(
        RulesFormat.text, "--format", help="text, json, or markdown (the source of docs/rules.md)."
    ),
) -> None:
    from iac_gen.rules import catalog_listing
    from iac_gen.rules.base import Rule
    from iac_gen.rules.registry import all_rules
    from iac_gen.rules.rule_failure import RuleFailure

    rules: list[type[Rule]] = [RuleFailure, *(type(rule) for rule in all_rules())]
    render = {
        RulesFormat.text: catalog_listing.render_text,
        RulesFormat.json: catalog_listing.render_json,
        RulesFormat.markdown: catalog_listing.render_markdown,
    }[output_format]
    typer.echo(render(rules), nl=False)
