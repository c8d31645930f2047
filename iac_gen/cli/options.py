"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

import typer

from iac_gen.severity import SEVERITIES

if TYPE_CHECKING:
    from iac_gen.config import Config

SPECS = typer.Argument(
    ...,
    help="Native spec files, Azure ML CLI v2 YAML files, or folders of them (recursive).",
    show_default=False,
)
SUBSCRIPTION = typer.Option(
    None, "--subscription", help="Subscription id where the spec names none."
)
RESOURCE_GROUP = typer.Option(
    None, "--resource-group", help="Resource group where the spec names none."
)
WORKSPACE = typer.Option(None, "--workspace", help="Azure ML workspace where the spec names none.")
LOCATION = typer.Option(None, "--location", help="Azure region where the spec names none.")
ENV = typer.Option(None, "--env", help="Apply this environment overlay from the spec.")
TRAFFIC = typer.Option(
    None,
    "--traffic",
    help='Traffic split, as `az ml online-endpoint update --traffic`: "blue=90 green=10". '
    "Replaces the spec's traffic (one endpoint).",
)
MIRROR_TRAFFIC = typer.Option(
    None,
    "--mirror-traffic",
    help='Mirrored traffic, as `az ml online-endpoint update --mirror-traffic`: "green=10". '
    "Replaces the spec's mirror_traffic (one endpoint).",
)


POLICY = typer.Option(
    [],
    "--policy",
    help="Drift intent, as the spec's `policies:` (repeatable), e.g. `traffic=sum` during a "
    "staged rollout or `instance_count=exact`. Replaces that policy of every spec given.",
    show_default=False,
)


def policy_choices() -> dict[str, tuple[str, ...]]:
    """Each policy and its values, read from the spec schema (the one place they are listed)."""
    from iac_gen.resources import load_schema

    props = load_schema("spec.schema.json")["properties"]["policies"]["properties"]
    return {name: tuple(entry["enum"]) for name, entry in props.items()}


def parse_policies(given: list[str]) -> dict[str, str]:
    """`["traffic=sum"]` -> {"traffic": "sum"}; a usage error (IAC342) for anything else."""
    choices = policy_choices()
    chosen: dict[str, str] = {}
    for item in given:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or name not in choices or value not in choices[name]:
            known = "; ".join(f"{k}={'|'.join(v)}" for k, v in choices.items())
            raise typer.BadParameter(f"{item!r} is not a policy ({known})", param_hint="--policy")
        chosen[name] = value
    return chosen


def with_policies(specs: list[Any], chosen: dict[str, str]) -> list[Any]:
    """The specs with the command line's policies in place of their own."""
    if not chosen:
        return specs
    from dataclasses import replace

    return [replace(s, policies=replace(s.policies, **chosen)) for s in specs]


def traffic_overrides(traffic: str | None, mirror_traffic: str | None) -> dict[str, str]:
    """`--traffic` / `--mirror-traffic` as given; `load_specs` parses and checks them."""
    given = {"traffic": traffic, "mirror_traffic": mirror_traffic}
    return {k: v for k, v in given.items() if v is not None}


def target_overrides(
    subscription: str | None,
    resource_group: str | None,
    workspace: str | None,
    location: str | None,
) -> dict[str, str]:
    """The target values given on the command line, keyed like the spec's `target:` block."""
    given = {
        "subscription": subscription,
        "resource_group": resource_group,
        "workspace": workspace,
        "location": location,
    }
    found = settings()  # IAC_GEN_* and iac-gen.toml fill what the command line leaves out
    chosen = {k: found.pick(k, v or None) for k, v in given.items()}
    return {k: v for k, v in chosen.items() if v}


def settings() -> Config:
    """The project settings (`iac-gen.toml`, `[tool.iac-gen]`, `IAC_GEN_*`) for this run.

    Read again on every call: cheap (one small file), and never stale in tests that change
    the working folder.
    """
    from iac_gen.config import load

    return load()


# `--fail-on` choices, most severe first: the one scale lint and drift share.
Severity = StrEnum("Severity", {name: name for name in SEVERITIES})  # type: ignore[misc]

# Formats printed to standard output for a CI system, never written as report files:
# GitHub workflow commands, Azure Pipelines logging commands, or whichever the environment
# shows (`auto`: GITHUB_ACTIONS=true -> github, TF_BUILD=True -> azure, else text).
CI_FORMATS = ("github", "azure", "auto")


def _format_enums() -> dict[str, Any]:
    """`ReportFormat` and `DriftFormat`: the report formats come from the one report
    registry; the CLI never lists them itself."""
    from iac_gen.report.registry import REPORTERS

    return {
        "ReportFormat": Enum("ReportFormat", {name: name for name in REPORTERS}, type=str),
        "DriftFormat": Enum(
            "DriftFormat", {name: name for name in (*REPORTERS, *CI_FORMATS)}, type=str
        ),
    }


if TYPE_CHECKING:
    ReportFormat = Enum("ReportFormat", {})  # type: ignore[misc]
    DriftFormat = Enum("DriftFormat", {})  # type: ignore[misc]


def __getattr__(name: str) -> Any:
    """The format enums, built when a command that offers them is registered (`validate`
    never imports the report registry)."""
    if name in ("ReportFormat", "DriftFormat"):
        built = _format_enums()
        globals().update(built)  # built once: later lookups find them in the module
        return built[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
