"""The spec's environments: names that can name a parameters file, and each one's state.

Each environment's desired state is computed with the *base* target, so comparing it with
the base state shows only the values the overlay changes (`parameters.overlay_parameters`);
the target values it changes (workspace, location) are kept apart, as its `Scope`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from iac_gen.desired import DesiredState, desired_state
from iac_gen.desired.ids import Scope
from iac_gen.spec.model import Spec

_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")  # \Z: `$` allows a final newline

# Environment -> (its target, its desired state computed with the base target).
States = dict[str, tuple[Scope, DesiredState]]


def environment_names(spec: Spec) -> list[str]:
    """The environments, sorted; a name that cannot name a parameters file is IAC322."""
    from iac_gen.diagnostics import error

    names = sorted(spec.environments)
    for name in names:
        if not _ENV_NAME.match(name):
            loc = spec.locate(f"environments.{name}")
            raise error(
                "IAC322",
                f"environment name {name!r} cannot name a parameters file",
                loc.file,
                loc.line,
                loc.col,
            )
    return names


def environment_states(spec: Spec, envs: list[str], base: DesiredState) -> States:
    """Each environment's target and its desired state computed with the *base* target, so the
    comparison sees only the values the overlay changes."""
    if not envs:
        return {}
    from iac_gen.spec.overlay import resolve

    out: States = {}
    for env in envs:
        if not spec.environments[env]:  # an empty overlay changes nothing
            out[env] = (Scope.of(spec.target), base)
            continue
        resolved = resolve(spec, env)
        env_scope = Scope.of(
            replace(spec.target, **{k: v for k, v in vars(resolved.target).items() if v})
        )
        out[env] = (env_scope, desired_state(replace(resolved, target=spec.target)))
    return out
