"""Compile specs into the output tree: `<endpoint>/main.json, main.bicep, parameter files,
resources.json`. Pure: returns the files (relative path -> text); the CLI writes them all
or none."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from iac_gen.desired import desired_state
from iac_gen.diagnostics import Diagnostic, InputError
from iac_gen.emit.arm import render_parameters, render_template
from iac_gen.emit.bicep import render_bicep, render_bicepparam
from iac_gen.emit.jsontext import canonical_json
from iac_gen.emit.plan import build_plan
from iac_gen.spec.model import Spec

TARGETS = ("all", "arm", "bicep", "resources")

# Parameter files compile names after an environment (`_ENV_NAME` in emit/plan.py) and the
# template they belong to: a rerun that writes that template owns all of them.
_ENV_PARAMETERS = re.compile(
    r"main\.[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.(?P<kind>parameters\.json|bicepparam)"
)
_TEMPLATE_OF = {"parameters.json": "main.json", "bicepparam": "main.bicep"}


def resources_json(spec: Spec, env: str | None) -> str:
    """The desired state for `env` (None: the base values), as written to resources.json."""
    if env is not None:
        from iac_gen.spec.overlay import resolve

        spec = resolve(spec, env)
    return canonical_json(desired_state(spec).sorted_resources())


def assets_json(spec: Spec, env: str | None) -> str | None:
    """The local folders the deployments need uploaded first (see `iac-gen assets`), or None
    when there are none: deployment, role, path, content hash, blob path."""
    from iac_gen.desired.local_assets import local_assets

    if env is not None:
        from iac_gen.spec.overlay import resolve

        spec = resolve(spec, env)
    found = local_assets(spec, missing_ok=True)
    return canonical_json([a.to_dict() for a in found]) if found else None


def compile_spec(spec: Spec, *, env: str | None = None, target: str = "all") -> dict[str, str]:
    """Files for one endpoint, keyed by name inside its folder."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}")
    files: dict[str, str] = {}
    if target in ("all", "resources"):
        assets = assets_json(spec, env)
        if assets is not None:
            files["assets.json"] = assets
    if target == "resources":
        files["resources.json"] = resources_json(spec, env)
        return files
    plan = build_plan(spec)
    if target == "all":
        # The plan already holds the base desired state; reuse it unless --env asks for another.
        files["resources.json"] = (
            canonical_json(plan.desired.sorted_resources())
            if env is None
            else resources_json(spec, env)
        )
    if target in ("all", "arm"):
        files["main.json"] = render_template(plan)
        files["main.parameters.json"] = render_parameters(plan, None)
        for name in plan.environments:
            files[f"main.{name}.parameters.json"] = render_parameters(plan, name)
    if target in ("all", "bicep"):
        files["main.bicep"] = render_bicep(plan)
        files["main.bicepparam"] = render_bicepparam(plan, None)
        for name in plan.environments:
            files[f"main.{name}.bicepparam"] = render_bicepparam(plan, name)
    return files


def compile_specs(
    specs: Sequence[Spec], *, env: str | None = None, target: str = "all"
) -> dict[str, str]:
    """Files for every endpoint, keyed `<endpoint>/<file>`; two specs for one endpoint fail."""
    # By lower-cased name: `Credit/` and `credit/` are one folder on the file systems of
    # macOS and Windows, where a pipeline's artifacts are often opened.
    seen: dict[str, Spec] = {}
    clashes: list[Diagnostic] = []
    for spec in specs:
        name = spec.endpoint.name
        first = seen.get(name.lower())
        if first is not None:
            spelled = first.endpoint.name
            also = "" if spelled == name else f" as {spelled!r} (folders differ only in case)"
            clashes.append(
                Diagnostic(
                    "IAC321",
                    f"endpoint {name!r} is also declared in {first.source}{also}",
                    spec.locate("name"),
                )
            )
        seen[name.lower()] = spec
    if clashes:
        raise InputError(clashes)
    from iac_gen.desired.local_assets import one_reading

    with one_reading():  # assets.json and the desired state share one hash of each folder
        per_spec = _compile_shared(specs, env, target) if _worth_sharing(specs) else None
        if per_spec is None:
            per_spec = [compile_spec(spec, env=env, target=target) for spec in specs]
    files: dict[str, str] = {}
    for spec, spec_files in zip(specs, per_spec, strict=True):
        for rel, text in spec_files.items():
            files[f"{spec.endpoint.name}/{rel}"] = text
    return files


# Compiling many specs is pure CPU work whose results are plain text (cheap to send between
# processes), so from this many specs on, a forked second process compiles from the end of
# the list while this one compiles from the front (`iac_gen.parallel`). Any failure there
# and everything is compiled here again, so errors are exactly those of a sequential run.
SHARE_FROM_SPECS = 200


def _worth_sharing(specs: Sequence[Spec]) -> bool:
    from iac_gen.parallel import worth_sharing

    return worth_sharing(len(specs), SHARE_FROM_SPECS)


def _compile_shared(
    specs: Sequence[Spec], env: str | None, target: str
) -> list[dict[str, str]] | None:
    """Files of every spec, compiled by two processes; None when the worker failed."""
    from functools import partial

    from iac_gen.parallel import shared_map

    return shared_map(partial(compile_spec, env=env, target=target), specs)


def stale_rule(files: Mapping[str, str]) -> Callable[[str], bool]:
    """Which existing files a compile writing `files` owns (see `write_tree`'s `stale`):
    in an endpoint folder it writes, the environment parameter files of each template kind
    it writes (`main.json` -> `main.<env>.parameters.json`, `main.bicep` ->
    `main.<env>.bicepparam`). So a rerun after an environment was removed drops its files;
    nothing else in the folder (a user's files, the other template kind) is touched."""

    def owned(rel: str) -> bool:
        endpoint, _, name = rel.rpartition("/")
        match = _ENV_PARAMETERS.fullmatch(name)
        if not endpoint or "/" in endpoint or match is None:
            return False
        return f"{endpoint}/{_TEMPLATE_OF[match['kind']]}" in files

    return owned


def write_compiled(out_dir: Path, files: Mapping[str, str]) -> list[Path]:
    """Write compile's files under `out_dir`, all or none, removing in the same commit the
    parameter files of environments the specs no longer define (`stale_rule`)."""
    from iac_gen.output_files import write_tree

    return write_tree(out_dir, files, stale=stale_rule(files))
