"""The JSON types the drift engine relies on in live resource bodies, checked once for all
readers.

Azure always returns objects where these paths say object, lists where they say array, whole
numbers for traffic shares, ISO 8601 durations the engine can compare and whole-number strings
Azure Monitor uses for capacities. A hand-edited or hostile file can hold anything (`"properties":
"x"`, `"traffic": true`, a duration of 10^40 days); without this check such a value surfaced as
AttributeError or decimal.InvalidOperation deep in the drift engine. A body that breaks one of
these rules is a bad item (IAC415), named by resource id and path; the value itself is never
echoed (it may be a secret). Values of the right type are never judged here: a wrong but
well-formed value is drift, for the engine to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from iac_gen import vocabulary
from iac_gen.diagnostics import error
from iac_gen.durations import parse_duration

OBJECT = "an object"
ARRAY = "an array"
WHOLE = "a whole number"
DURATION = "an ISO 8601 duration"
NUMBER_TEXT = "a whole number (or its digits as text)"

ML = vocabulary.WORKSPACE_TYPE.lower()
ENDPOINT = vocabulary.ENDPOINT_TYPE.lower()
DEPLOYMENT = vocabulary.DEPLOYMENT_TYPE.lower()
AUTOSCALE = vocabulary.AUTOSCALE_TYPE.lower()
DIAGNOSTICS = vocabulary.DIAGNOSTICS_TYPE.lower()

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_RULE = "properties.profiles[].rules[]."
# Longest duration compared exactly (about 31.7 million years); Decimal arithmetic on larger
# ones fails, and no Azure setting comes near.
MAX_DURATION_SECONDS = Decimal(10) ** 15
MAX_NUMBER_DIGITS = 40

# (path, what it must be when present and not null). `[]` is every item of an array, `*`
# every value of an object. Parents come before their children.
RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "*": (
        ("properties", OBJECT),
        ("sku", OBJECT),
        ("identity", OBJECT),
        ("identity.userAssignedIdentities", OBJECT),
        ("tags", OBJECT),
        ("systemData", OBJECT),
    ),
    ENDPOINT: (
        ("properties.traffic", OBJECT),
        ("properties.traffic.*", WHOLE),
        ("properties.mirrorTraffic", OBJECT),
        ("properties.mirrorTraffic.*", WHOLE),
        ("properties.properties", OBJECT),
    ),
    DEPLOYMENT: (
        ("properties.requestSettings", OBJECT),
        ("properties.requestSettings.requestTimeout", DURATION),
        ("properties.requestSettings.maxQueueWait", DURATION),
        *((f"properties.{p}", OBJECT) for p in _PROBES),
        *(
            (f"properties.{p}.{name}", DURATION)
            for p in _PROBES
            for name in ("initialDelay", "period", "timeout")
        ),
        ("properties.scaleSettings", OBJECT),
        ("properties.scaleSettings.pollingInterval", DURATION),
        ("properties.codeConfiguration", OBJECT),
        ("properties.environmentVariables", OBJECT),
        ("properties.properties", OBJECT),
        ("properties.dataCollector", OBJECT),
        ("properties.containerResourceRequirements", OBJECT),
    ),
    AUTOSCALE: (
        ("properties.profiles", ARRAY),
        ("properties.profiles[]", OBJECT),
        ("properties.profiles[].capacity", OBJECT),
        *(
            (f"properties.profiles[].capacity.{k}", NUMBER_TEXT)
            for k in ("minimum", "maximum", "default")
        ),
        ("properties.profiles[].rules", ARRAY),
        ("properties.profiles[].rules[]", OBJECT),
        (_RULE + "metricTrigger", OBJECT),
        (_RULE + "metricTrigger.timeGrain", DURATION),
        (_RULE + "metricTrigger.timeWindow", DURATION),
        (_RULE + "metricTrigger.dimensions", ARRAY),
        (_RULE + "scaleAction", OBJECT),
        (_RULE + "scaleAction.cooldown", DURATION),
        (_RULE + "scaleAction.value", NUMBER_TEXT),
        ("properties.notifications", ARRAY),
        ("properties.predictiveAutoscalePolicy", OBJECT),
    ),
    DIAGNOSTICS: (
        ("properties.logs", ARRAY),
        ("properties.logs[]", OBJECT),
        ("properties.metrics", ARRAY),
        ("properties.metrics[]", OBJECT),
    ),
}


class _Node:
    """One step of the rule paths, so a body is walked once along the keys it has.

    `steps` is `children` as `_clear` reads it, built once: `(how, key, wants, steps below)`
    per child, `how` one of `_KEY`, `_ITEMS` (`[]`) and `_VALUES` (`*`)."""

    __slots__ = ("children", "steps", "wants")

    def __init__(self) -> None:
        self.wants: list[str] = []
        self.children: dict[str, _Node] = {}
        self.steps: tuple[tuple[int, str, tuple[str, ...], tuple[Any, ...]], ...] = ()


_KEY, _ITEMS, _VALUES = 0, 1, 2
_OBJECT_ONLY = (OBJECT,)
"""The wants of most steps, one tuple, so `_clear` tests it inline."""


def _tree(*rule_sets: tuple[tuple[str, str], ...]) -> _Node:
    root = _Node()
    for rules in rule_sets:
        for path, want in rules:
            node = root
            for part in path.replace("[]", ".[]").split("."):
                node = node.children.setdefault(part, _Node())
            node.wants.append(want)
    _compile(root)
    return root


def _compile(node: _Node) -> None:
    """Fill in `steps` below `node`, once, so `_clear` reads tuples rather than a dict of
    children and compares no strings to tell keys from `[]` and `*`."""
    for child in node.children.values():
        _compile(child)
    node.steps = tuple(
        (
            {"[]": _ITEMS, "*": _VALUES}.get(part, _KEY),
            part,
            _OBJECT_ONLY if child.wants == [OBJECT] else tuple(child.wants),
            child.steps,
        )
        for part, child in node.children.items()
    )


_COMMON = _tree(RULES["*"])
_TREES = {rtype: _tree(RULES["*"], rules) for rtype, rules in RULES.items() if rtype != "*"}


def check_shapes(resources: Sequence[dict[str, Any]], file: str) -> None:
    """Raise IAC415 for the first body (in the given order) that breaks a rule.

    Each body is first cleared by `_clear` (no paths built, values that cannot break a rule
    not judged); only a body it cannot clear is walked by `_walk`, which finds the problem,
    if any, and its path, as `check_shapes_reference` does for every body."""
    for body in resources:
        tree = _TREES.get(str(body.get("type", "")).lower(), _COMMON)
        if _clear(body, tree.steps):
            continue
        _refuse(body, _walk(body, tree, []), file)


def check_shapes_reference(resources: Sequence[dict[str, Any]], file: str) -> None:
    """`check_shapes` by `_walk` alone: the definition it must agree with (a property test
    compares them)."""
    for body in resources:
        tree = _TREES.get(str(body.get("type", "")).lower(), _COMMON)
        _refuse(body, _walk(body, tree, []), file)


def _refuse(body: dict[str, Any], found: tuple[str, str, str] | None, file: str) -> None:
    """IAC415 for `body` when `_walk` found a problem in it."""
    if found is not None:
        where, problem, want = found
        raise error(
            "IAC415",
            f"live resource {body.get('id')}: `{where}` is {problem}; expected {want}",
            file,
        )


def _walk(value: Any, node: _Node, trail: list[str]) -> tuple[str, str, str] | None:
    """(path, problem, wanted) of the first value below `value` that breaks a rule."""
    for part, child in node.children.items():
        if part == "[]":
            if type(value) is list:
                for index, item in enumerate(value):
                    found = _visit(item, child, [*trail[:-1], f"{trail[-1]}[{index}]"])
                    if found is not None:
                        return found
        elif part == "*":
            if type(value) is dict:
                for key, item in value.items():
                    found = _visit(item, child, [*trail, str(key)])
                    if found is not None:
                        return found
        elif type(value) is dict and part in value:
            found = _visit(value[part], child, [*trail, part])
            if found is not None:
                return found
    return None


def _visit(value: Any, node: _Node, trail: list[str]) -> tuple[str, str, str] | None:
    if value is None:  # absent and null are alike: "not set"
        return None
    for want in node.wants:
        problem = _problem(value, want)
        if problem:
            return ".".join(trail), problem, want
    return _walk(value, node, trail) if node.children else None


def _problem(value: Any, want: str) -> str | None:
    """What is wrong with `value` for `want`, in words, or None."""
    if want == OBJECT:
        return None if isinstance(value, dict) else _kind(value)
    if want == ARRAY:
        return None if isinstance(value, list) else _kind(value)
    if want == WHOLE:
        return None if type(value) is int else _kind(value)
    if want == NUMBER_TEXT:
        if type(value) is int or isinstance(value, float):
            return None
        if isinstance(value, str):
            digits = value.strip().lstrip("-")
            if digits.isdigit() and not (digits.isascii() and len(digits) <= MAX_NUMBER_DIGITS):
                return f"text of {len(digits)} digit characters"
            return None
        return _kind(value)
    if want == DURATION and isinstance(value, str):
        seconds = parse_duration(value)
        if seconds is not None and abs(seconds) > MAX_DURATION_SECONDS:
            return "a duration longer than 10^15 seconds"
    return None


# A duration longer than 10^15 seconds has a number of 9 digits or more (eight-digit numbers
# of at most five units of at most a week come to under 5 x 10^8 x 604800 s, about 3 x 10^14 s),
# so it takes at least 11 characters (`P`, nine digits, a unit); shorter text needs no parsing.
_LONG_DURATION_CHARS = 11


def _clear(
    value: Any, steps: tuple[tuple[int, str, tuple[str, ...], tuple[Any, ...]], ...]
) -> bool:
    """True when `_walk` would find nothing below `value` (`steps` from its node), found
    cheaply: no trail is built, and a value is judged by `_problem` only when a quick test
    (`_suspect`) says it may break its rule. False means only "perhaps": `_walk` decides."""
    for how, part, wants, below in steps:
        if how is _KEY:
            if type(value) is not dict:
                continue
            item = value.get(part)
            if item is None:  # absent and null are alike, as in `_visit`
                continue
            if wants is _OBJECT_ONLY:
                if not isinstance(item, dict):
                    return False
            elif wants and _suspect(item, wants):
                return False
            if below and not _clear(item, below):
                return False
            continue
        if how is _ITEMS:
            if type(value) is not list:
                continue
            items: Any = value
        elif type(value) is dict:
            items = value.values()
        else:
            continue
        for item in items:
            if item is None:
                continue
            if wants and _suspect(item, wants):
                return False
            if below and not _clear(item, below):
                return False
    return True


def _suspect(value: Any, wants: tuple[str, ...]) -> bool:
    """Whether `_problem(value, want)` may say something for one of `wants` (never False when
    it would): the type tests it makes, and the text tests only for text that can fail them."""
    for want in wants:
        if want is OBJECT:
            bad = not isinstance(value, dict)
        elif want is ARRAY:
            bad = not isinstance(value, list)
        elif want is WHOLE:
            bad = type(value) is not int
        elif want is DURATION:
            bad = isinstance(value, str) and len(value) >= _LONG_DURATION_CHARS
        elif want is NUMBER_TEXT:  # ASCII text of at most 40 characters has at most 40 digits
            bad = not (
                type(value) is int
                or isinstance(value, float)
                or (isinstance(value, str) and len(value) <= MAX_NUMBER_DIGITS and value.isascii())
            )
        else:
            bad = True
        if bad and _problem(value, want) is not None:
            return True
    return False


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return ARRAY
    if isinstance(value, dict):
        return OBJECT
    return "null"
