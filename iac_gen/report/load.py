"""Read a saved drift or lint result back, recognised by shape, for `iac-gen report`.

A drift result is checked against `schemas/drift.schema.json` when that schema ships,
otherwise against the minimal shape every renderer relies on. Problems are `InputError`s
(IAC501 unreadable, IAC502 not a drift or lint result).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from iac_gen.diagnostics import error

ResultKind = Literal["drift", "lint"]
DRIFT_SCHEMA = "drift.schema.json"
_STATUSES = ("in_sync", "drifted", "not_checked")


def result_kind(data: Any) -> ResultKind | None:
    """`drift`, `lint`, or None when the document is neither."""
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        return None
    if isinstance(data.get("rules"), list):  # only lint results carry their rule catalog
        return "lint"
    if "status" in data:
        return "drift"
    return None


def _shape_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(data.get("schema_version"), str):
        problems.append("schema_version must be a string")
    if data.get("status") not in _STATUSES:
        problems.append(f"status must be one of {', '.join(_STATUSES)}")
    if not isinstance(data.get("tool"), dict):
        problems.append("tool must be an object")
    for key in ("findings", "resources", "coverage", "waivers", "inputs", "traffic", "errors"):
        if key in data and not isinstance(data[key], list):
            problems.append(f"{key} must be an array")
    for i, f in enumerate(data.get("findings") or []):
        if not isinstance(f, dict) or "severity" not in f or "resource" not in f:
            problems.append(f"findings[{i}] must be an object with resource and severity")
            break
    return problems


def _schema_problems(data: dict[str, Any]) -> list[str] | None:
    from iac_gen.resources import schemas_dir

    if not (schemas_dir() / DRIFT_SCHEMA).is_file():
        return None
    import jsonschema

    from iac_gen.resources import load_schema

    schema = load_schema(DRIFT_SCHEMA)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


def load_result(path: Path) -> tuple[ResultKind, dict[str, Any]]:
    """Parse and check a saved result; raise InputError with one line per problem."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("IAC501", "file not found", name) from None
    except UnicodeDecodeError:
        raise error("IAC501", "not UTF-8 text", name) from None
    except OSError as exc:
        raise error("IAC501", f"cannot read: {exc.strerror}", name) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error("IAC501", f"invalid JSON: {exc.msg}", name, exc.lineno, exc.colno) from None
    kind = result_kind(data)
    if kind is None:
        raise error(
            "IAC502",
            "not a drift or lint result (expected `findings` with `status` or `rules`)",
            name,
        )
    if kind == "drift":
        problems = _schema_problems(data)
        if problems is None:
            problems = _shape_problems(data)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise error("IAC502", f"not a valid drift result: {problems[0]}{more}", name)
    return kind, data
