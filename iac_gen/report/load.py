"""Read a saved drift or lint result back, recognised by shape, for `iac-gen report`.

The file comes from outside (an archive, a hand edit), so it is read with the strict JSON
reader (no NaN, duplicate keys, deep nesting, huge integers or lone surrogates) and checked
before anything renders it: a drift result against `schemas/drift.schema.json` (or, when
that schema does not ship, the minimal shape every renderer relies on) and then against
itself - its `status` and `summary` must follow from its resources, findings, coverage and
errors, as `iac_gen.drift.analysis` computes them; a lint result against the shape the lint
renderers read. Problems are `InputError`s, one line each:

- IAC501 unreadable: missing, not UTF-8, not strict JSON, nested too deeply
- IAC502 not a drift or lint result, or not a valid one
- IAC503 a lint result asked for in a format that renders only drift results (`cli/report`)
- IAC504 a drift result whose status or summary counts contradict its own content
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from iac_gen.diagnostics import error
from iac_gen.severity import SEVERITIES

ResultKind = Literal["drift", "lint"]
DRIFT_SCHEMA = "drift.schema.json"
_STATUSES = ("in_sync", "drifted", "not_checked")
# Far beyond what a result holds (ARM bodies nest about ten levels), well below what the
# renderers' recursion (and Python's stack) can take.
MAX_DEPTH = 128
MAX_MESSAGE = 300  # characters of a schema error shown (it may quote a whole section)


def result_kind(data: Any) -> ResultKind | None:
    """`drift`, `lint`, or None when the document is neither."""
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        return None
    if "rules" in data:  # only lint results carry their rule catalog
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
    for key in ("findings", "resources", "waivers", "inputs", "traffic", "errors"):
        if key in data and not isinstance(data[key], list):
            problems.append(f"{key} must be an array")
    problems += _coverage_shape(data)
    for i, f in enumerate(data.get("findings") or []):
        if not isinstance(f, dict) or "severity" not in f or "resource" not in f:
            problems.append(f"findings[{i}] must be an object with resource and severity")
            break
    return problems


def _coverage_shape(data: dict[str, Any]) -> list[str]:
    """The coverage encoding the schema version promises: objects (1.x) or a table (2.0)."""
    from iac_gen.coverage import COLUMNS

    if "coverage" not in data:
        return []
    cov, version = data["coverage"], str(data.get("schema_version") or "")
    if version.startswith("1."):
        return [] if isinstance(cov, list) else [f"coverage must be an array in schema {version}"]
    if not isinstance(cov, dict) or cov.get("columns") != list(COLUMNS):
        return [f"coverage must be a table with columns {', '.join(COLUMNS)}"]
    rows = cov.get("rows")
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) == len(COLUMNS) for r in rows
    ):
        return [f"coverage.rows must be an array of {len(COLUMNS)}-item arrays"]
    return []


def _is_tie(err: Any) -> bool:
    """A schema error from the rules tying `status` to the content (top-level `allOf`)."""
    path = list(err.schema_path)
    return bool(path) and path[0] == "allOf"


# jsonschema took 55 s over a 10,000-endpoint result (110 MB: 40,000 resources, 860,000
# coverage rows), so `report` and `merge` ask the compiled evaluator first (1.4 s there;
# `schema_subset.verdict`) and give only an invalid result to jsonschema, for its messages.


def _schema_problems(data: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """(shape problems, status-tie problems) from the drift schema; None when not shipped."""
    from iac_gen.resources import schemas_dir

    if not (schemas_dir() / DRIFT_SCHEMA).is_file():
        return None
    from iac_gen.spec.schema_subset import verdict

    if verdict(DRIFT_SCHEMA)(data):  # valid: jsonschema would find nothing either
        return [], []
    import jsonschema

    from iac_gen.resources import load_schema

    schema = load_schema(DRIFT_SCHEMA)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))

    def text(e: Any) -> str:
        # jsonschema quotes the offending value whole: a million coverage rows on one line
        message = e.message if len(e.message) <= MAX_MESSAGE else e.message[:MAX_MESSAGE] + "..."
        return f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {message}"

    return [text(e) for e in errors if not _is_tie(e)], [text(e) for e in errors if _is_tie(e)]


def consistency_problems(data: dict[str, Any]) -> list[str]:
    """Where a well-formed drift result contradicts itself: `status` and each `summary`
    count recomputed from resources, findings, coverage and errors, as the analysis does."""
    from iac_gen.coverage import OUTCOME, rows_of
    from iac_gen.drift.analysis import OUTCOMES, RESOURCE_STATUSES, is_drift

    problems: list[str] = []
    by_status = dict.fromkeys(RESOURCE_STATUSES, 0)
    for resource in data["resources"]:
        by_status[resource["status"]] += 1
    by_severity = dict.fromkeys((*SEVERITIES, "waived"), 0)
    for finding in data["findings"]:
        by_severity["waived" if finding["waived"] else finding["severity"]] += 1
    by_outcome = dict.fromkeys(OUTCOMES, 0)
    for r in rows_of(data):
        by_outcome[r[OUTCOME]] += 1
    if by_status["not_checked"] or data["errors"]:
        status = "not_checked"
    elif any(is_drift(f) for f in data["findings"]):
        status = "drifted"
    else:
        status = "in_sync"
    if data["status"] != status:
        problems.append(
            f"status {data['status']!r} contradicts its content, which says {status!r} "
            f"({len(data['errors'])} errors, {by_status['not_checked']} resources not checked, "
            f"{sum(1 for f in data['findings'] if is_drift(f))} drift findings)"
        )
    for section, counted in (
        ("resources", by_status),
        ("findings", by_severity),
        ("properties", by_outcome),
    ):
        recorded = data["summary"][section]
        for key, count in counted.items():
            if recorded.get(key) != count:
                problems.append(
                    f"summary.{section}.{key} is {recorded.get(key)} but the result holds {count}"
                )
    for i, finding in enumerate(data["findings"]):
        if bool(finding["waived"]) != (finding["waiver"] is not None):
            problems.append(
                f"findings[{i}]: waived is {finding['waived']} but waiver is "
                f"{'set' if finding['waiver'] is not None else 'null'}"
            )
    return problems


# -- lint results: the shape `render_lint` of every format reads ---------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


_FINDING_FIELDS: dict[str, Callable[[Any], bool]] = {
    "rule": lambda v: isinstance(v, str),
    "severity": lambda v: v in SEVERITIES,
    "category": lambda v: v is None or isinstance(v, str),
    "title": lambda v: v is None or isinstance(v, str),
    "message": lambda v: v is None or isinstance(v, str),
    "file": lambda v: v is None or isinstance(v, str),
    "path": lambda v: v is None or isinstance(v, str),
    "fingerprint": lambda v: v is None or isinstance(v, str),
    "line": lambda v: v is None or _is_int(v),
    "col": lambda v: v is None or _is_int(v),
    "suppressed": lambda v: isinstance(v, bool),
    "suppression_reason": lambda v: v is None or isinstance(v, str),
}
_FINDING_REQUIRED = ("rule", "severity")
_RULE_FIELDS: dict[str, Callable[[Any], bool]] = {
    "id": lambda v: isinstance(v, str) and bool(v),
    "title": lambda v: v is None or isinstance(v, str),
    "severity": lambda v: v is None or v in SEVERITIES,
    "category": lambda v: v is None or isinstance(v, str),
    "rationale": lambda v: v is None or isinstance(v, str),
    "docs": lambda v: v is None or isinstance(v, str),
    "source": lambda v: v is None or isinstance(v, str),
    "production_only": lambda v: isinstance(v, bool),
}
_TOP_FIELDS: dict[str, Callable[[Any], bool]] = {
    "schema_version": lambda v: isinstance(v, str),
    "tool": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    "generated_at": lambda v: isinstance(v, str),
    "environment": lambda v: v is None or isinstance(v, str),
    "fail_on": lambda v: v in SEVERITIES,
    "status": lambda v: v in ("passed", "failed"),
    "summary": lambda v: isinstance(v, dict),
    "inputs": lambda v: (
        isinstance(v, list)
        and all(
            isinstance(i, dict) and all(isinstance(i.get(k, ""), str) for k in ("path", "sha256"))
            for i in v
        )
    ),
    "suppressions": lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
}


def lint_problems(data: dict[str, Any]) -> list[str]:
    """Why a lint-shaped document cannot be rendered (empty when it can)."""
    problems = []
    for key, valid in _TOP_FIELDS.items():
        if key in data and not valid(data[key]):
            problems.append(f"{key} has the wrong type or value")
    if not isinstance(data.get("rules"), list):
        problems.append("rules must be an array")
    else:
        for i, rule in enumerate(data["rules"]):
            problems += _record_problems(f"rules[{i}]", rule, _RULE_FIELDS, ("id",))
    for i, finding in enumerate(data["findings"]):
        problems += _record_problems(f"findings[{i}]", finding, _FINDING_FIELDS, _FINDING_REQUIRED)
    return problems


def _record_problems(
    label: str,
    record: Any,
    fields: dict[str, Callable[[Any], bool]],
    required: tuple[str, ...],
) -> list[str]:
    if not isinstance(record, dict):
        return [f"{label} must be an object"]
    problems = [f"{label}: {key} is required" for key in required if key not in record]
    problems += [
        f"{label}: {key} has the wrong type or value"
        for key, valid in fields.items()
        if key in record and not valid(record[key])
    ]
    return problems


def _one(code: str, problems: list[str], what: str, name: str) -> Exception:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return error(code, f"{what}: {problems[0]}{more}", name)


def load_result(path: Path) -> tuple[ResultKind, dict[str, Any]]:
    """Parse and check a saved result; raise InputError with one line per problem."""
    from iac_gen.spec.one_line import escape
    from iac_gen.strict_json import JsonProblem, loads, nested_deeper_than

    name = escape(str(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("IAC501", "file not found", name) from None
    except UnicodeDecodeError:
        raise error("IAC501", "not UTF-8 text", name) from None
    except OSError as exc:
        raise error("IAC501", f"cannot read: {exc.strerror or type(exc).__name__}", name) from None
    try:
        data = loads(text)
    except JsonProblem as exc:
        raise error(
            "IAC501", f"invalid JSON: {escape(exc.message)}", name, exc.line, exc.col
        ) from None
    raw = text.encode("utf-8")
    del text  # a fleet's result is 100 MB of text: held once at a time beside its data
    deep = nested_deeper_than(raw, data, MAX_DEPTH)
    del raw
    if deep:
        raise error("IAC501", f"nested deeper than {MAX_DEPTH} levels", name)
    kind = result_kind(data)
    if kind is None:
        raise error(
            "IAC502",
            "not a drift or lint result (expected `findings` with `status` or `rules`)",
            name,
        )
    if kind == "lint":
        problems = lint_problems(data)
        if problems:
            raise _one("IAC502", [escape(p) for p in problems], "not a valid lint result", name)
        return kind, data
    encoding = _coverage_shape(data)  # said plainly, before the schema quotes the table
    if encoding:
        raise _one("IAC502", encoding, "not a valid drift result", name)
    checked = _schema_problems(data)
    shape, ties = checked if checked is not None else (_shape_problems(data), [])
    if shape:
        raise _one("IAC502", [escape(p) for p in shape], "not a valid drift result", name)
    try:
        contradictions = consistency_problems(data) or ties
    except (KeyError, TypeError, AttributeError):  # only without the schema: shapes unchecked
        raise error(
            "IAC502", "not a valid drift result: missing or malformed sections", name
        ) from None
    if contradictions:
        raise _one(
            "IAC504", [escape(p) for p in contradictions], "drift result contradicts itself", name
        )
    return kind, data
