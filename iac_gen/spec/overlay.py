"""Environment overlays: named sets of changed values (dev, test, prod) over one spec.

An overlay only changes values of keys and deployments the base spec already has; it never
adds structure, so every environment deploys the same shape. Deployments are keyed by name.
Free-form maps (tags, properties, traffic, mirror_traffic, environment_variables) and lists
are values: an overlay replaces them whole. The resolved document goes through the same
checks as the base spec.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.spec.model import Spec
from iac_gen.spec.schema_check import did_you_mean

WHOLE_VALUES = frozenset(
    {"tags", "properties", "traffic", "mirror_traffic", "environment_variables"}
)

Locate = Callable[[str], Location]


def _deployments_by_name(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in data.get("deployments") or ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.setdefault(item["name"], item)
    return out


def structure_diagnostics(
    base: Mapping[str, Any], overlay: Mapping[str, Any], env: str, locate: Locate
) -> list[Diagnostic]:
    """Keys and deployments the overlay adds (it may only change existing ones)."""
    diags: list[Diagnostic] = []
    root = f"environments.{env}"

    def walk(base_map: Mapping[str, Any], over: Mapping[str, Any], path: str) -> None:
        for key, value in over.items():
            here = f"{path}.{key}"
            if key not in base_map:
                shown = here[len(root) + 1 :]
                diags.append(
                    Diagnostic(
                        "IAC224",
                        f"environment '{env}' sets '{shown}', which the base spec does not "
                        f"have; overlays may only change existing keys"
                        f"{did_you_mean(key, base_map.keys())}",
                        locate(here),
                    )
                )
                continue
            if key in WHOLE_VALUES:
                continue
            if isinstance(value, dict) and isinstance(base_map[key], dict):
                walk(base_map[key], value, here)

    for key, value in overlay.items():
        if key == "deployments" and isinstance(value, dict):
            existing = _deployments_by_name(base)
            declared = ", ".join(sorted(existing)) or "(none)"
            for name, changes in value.items():
                here = f"{root}.deployments.{name}"
                if name not in existing:
                    diags.append(
                        Diagnostic(
                            "IAC225",
                            f"environment '{env}' changes deployment '{name}', which the base "
                            f"spec does not declare; declared: {declared}",
                            locate(here),
                        )
                    )
                elif isinstance(changes, dict):
                    if "name" in changes and changes["name"] != name:
                        diags.append(
                            Diagnostic(
                                "IAC224",
                                f"environment '{env}' renames deployment '{name}'; overlays "
                                "may not rename deployments",
                                locate(f"{here}.name"),
                            )
                        )
                    walk(existing[name], changes, here)
            continue
        walk(base, {key: value}, root)
    return diags


def _copy(value: Any) -> Any:
    """Deep copy of plain YAML data (dicts, lists, scalars): `copy.deepcopy` costs a third of
    loading a spec with environments. Anything else still goes through `copy.deepcopy`."""
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def apply_overlay(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A new document: `base` with the overlay's values (see module docstring)."""
    out = _copy(dict(base))

    def merge(target: dict[str, Any], over: Mapping[str, Any]) -> None:
        for key, value in over.items():
            if key in WHOLE_VALUES or not (
                isinstance(value, dict) and isinstance(target.get(key), dict)
            ):
                target[key] = _copy(value)
            else:
                merge(target[key], value)

    for key, value in overlay.items():
        if key == "deployments" and isinstance(value, dict):
            existing = _deployments_by_name(out)
            for name, changes in value.items():
                if name in existing and isinstance(changes, dict):
                    merge(existing[name], changes)
            continue
        merge(out, {key: value})
    out.pop("environments", None)
    return out


def overlay_locations(locations: Mapping[str, Location], env: str) -> Mapping[str, Location]:
    """Base locations, with values the overlay sets pointing into the overlay (built on first
    use, like the base table: loading checks every environment of every spec)."""
    from iac_gen.spec.document import LazyLocations

    return LazyLocations(lambda: _overlay_locations(locations, env))


def _overlay_locations(locations: Mapping[str, Location], env: str) -> dict[str, Location]:
    prefix = f"environments.{env}."
    out = {k: v for k, v in locations.items() if not k.startswith("environments.")}
    for key, loc in locations.items():
        if key.startswith(prefix):
            out[key[len(prefix) :]] = loc
    return out


def resolve_checked(spec: Spec, env: str) -> tuple[Spec | None, list[Diagnostic]]:
    """Apply environment `env` and check the result; (resolved spec or None, problems)."""
    from iac_gen.spec.check import check_document
    from iac_gen.spec.document import locator

    overlay = spec.environments.get(env)
    if overlay is None:
        return None, [
            Diagnostic(
                "IAC311",
                f"environment '{env}' is not defined in the spec; defined: "
                f"{', '.join(sorted(spec.environments)) or '(none)'}"
                f"{did_you_mean(env, spec.environments.keys())}",
                spec.locate("environments"),
            )
        ]
    locate = locator(spec.locations, Location(str(spec.source), 1, 1))
    diags = structure_diagnostics(spec.document, overlay or {}, env, locate)
    if diags:
        return None, diags
    data = apply_overlay(spec.document, overlay or {})
    data["environments"] = _copy(dict(spec.environments))
    resolved, diags = check_document(
        data,
        overlay_locations(spec.locations, env),
        source=spec.source,
        format=spec.format,
        files=spec.files,
        environment=env,
        prefix=f"environment '{env}': ",
        implied_endpoint=spec.implied_endpoint,
    )
    return resolved, diags


def resolve(spec: Spec, env: str | None) -> Spec:
    """`spec` with environment overlay `env` applied (None: unchanged); InputError if invalid."""
    if env is None:
        return spec
    resolved, diags = resolve_checked(spec, env)
    if diags or resolved is None:
        from iac_gen.spec.one_line import one_line

        raise InputError(one_line(diags))
    return resolved
