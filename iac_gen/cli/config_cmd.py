"""`iac-gen config`: the effective settings and where each one came from.

Settings come from the command line, `IAC_GEN_*` environment variables and the nearest
`iac-gen.toml` (or `[tool.iac-gen]` in `pyproject.toml`), in that order; this shows the
result of the last two so a pipeline's behaviour can be explained before it runs.
"""

from __future__ import annotations

import json

import typer

from iac_gen.cli.app import app


@app.command(
    "config",
    help="Show the effective settings (from IAC_GEN_* variables and iac-gen.toml or "
    "[tool.iac-gen] in pyproject.toml, found upwards from here) and where each came from.",
)
def config_command(
    as_json: bool = typer.Option(False, "--json", help="Print the settings as JSON."),
) -> None:
    from iac_gen.cli.options import settings
    from iac_gen.config import SETTINGS
    from iac_gen.spec.one_line import escape

    found = settings()
    rows = found.effective()
    if as_json:
        from iac_gen.output_files import dumps_json

        data = {
            "file": str(found.file) if found.file else None,
            "settings": {s.name: {"value": s.value, "source": s.source} for s in rows},
        }
        typer.echo(dumps_json(data), nl=False)
        return
    typer.echo(escape(f"config file: {found.file if found.file else 'none found'}"))
    width = max(len(name) for name in SETTINGS)
    for s in rows:
        shown = "(not set)" if s.value is None else json.dumps(s.value, ensure_ascii=False)
        typer.echo(escape(f"{s.name:<{width}} = {shown}  # {s.source}"))
