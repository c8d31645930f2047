"""`read_live`'s fast paths give exactly what the reference paths give.

Three shortcuts make a large live file cheaper to read, each beside the code it stands for:
- the nesting depth is read from the text (`strict_json.nested_within_text`) rather than by walking
  the parsed containers (`strict_json.nested_within`);
- a body with nothing to withhold is kept as parsed (`secrets.withholds_nothing`, through
  `scrub_owned`) rather than copied by `withhold`;
- the shape rules clear a body without building paths (`shapes.check_shapes`), and only a
  body they cannot clear is walked by `shapes.check_shapes_reference`'s `_walk`.
Each is compared with its reference on generated values, and `read_live` as a whole with the
same function run on the reference paths, on generated live files holding secrets, nesting
around the depth limit, bad and huge durations, bad number texts, wrong types and duplicate
keys: the same `LiveState` (bodies compared with types and key order) or the same
diagnostics.
"""

from __future__ import annotations

import contextlib
import json
import string
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen import secrets, strict_json
from iac_gen.diagnostics import InputError
from iac_gen.live import load, read_live, shapes
from iac_gen.live import secrets as live_secrets
from iac_gen.live.readers import common
from iac_gen.live.state import LiveState
from iac_gen.strict_json import loads
from tests.live.test_scrub_equivalence import BODIES, HARMLESS, NAMES, SECRETS, _keys, _same

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- Nesting read from the text ----------------------------------------------------------------

TRICKY = ["[", "]", "{", "}", '"', "\\", '\\"', "[]", "{}", "\\u005b", "é", "\u2028", "x"]


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(TRICKY), max_size=4).map("".join),
        st.text(alphabet=string.ascii_letters + '[]{}"\\/: ', max_size=6),
        st.text(max_size=4),
    )


JSON_VALUES = st.recursive(
    st.one_of(
        _texts(),
        st.integers(),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_texts(), inner, max_size=3)
    ),
    max_leaves=25,
)


def _deep(value: Any, levels: int, kind: str) -> Any:
    for _ in range(levels):
        value = [value] if kind == "list" else {"k": value}
    return value


def _no_bracket_in_strings(value: Any) -> bool:
    if isinstance(value, str):
        return not any(c in value for c in "[]{}")
    if isinstance(value, dict):
        return all(
            _no_bracket_in_strings(k) and _no_bracket_in_strings(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return all(_no_bracket_in_strings(v) for v in value)
    return True


@SETTINGS
@given(
    value=JSON_VALUES,
    levels=st.integers(0, 12),
    kind=st.sampled_from(["list", "dict"]),
    limit=st.integers(0, 14),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 1, "\t"]),
)
def test_nesting_read_from_the_text_is_the_parsed_nesting(
    value: Any, levels: int, kind: str, limit: int, ascii_only: bool, indent: Any
) -> None:
    value = _deep(value, levels, kind)
    raw = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    parsed = loads(raw.decode("utf-8"))
    fast = strict_json.nested_within_text(raw, limit)
    assert fast in (None, strict_json.nested_within(parsed, limit))
    if _no_bracket_in_strings(parsed):
        assert fast is not None  # it answers whenever no string holds a bracket


@pytest.mark.parametrize("depth", [63, 64, 65, 66])
def test_nesting_at_the_limit(depth: int) -> None:
    for raw in ("[" * depth + "]" * depth, '{"a": ' * depth + "1" + "}" * depth):
        parsed = loads(raw)
        expected = strict_json.nested_within(parsed, load.MAX_DEPTH)
        assert expected is (depth <= load.MAX_DEPTH)
        assert strict_json.nested_within_text(raw.encode(), load.MAX_DEPTH) is expected


# -- Bodies kept as parsed -------------------------------------------------------------------


@SETTINGS
@given(body=st.one_of(st.dictionaries(_keys(), BODIES, max_size=8), BODIES))
def test_a_body_kept_as_parsed_is_what_withhold_would_copy(body: Any) -> None:
    found: list[str] = []
    copied = secrets.withhold(body, drop=True, found=found.append)
    if secrets.withholds_nothing(body):
        assert _same(copied, body) and found == []


def _kept_exactly_when_nothing_withheld(body: dict[str, Any]) -> bool:
    found: list[str] = []
    copied = secrets.withhold(body, drop=True, found=found.append)
    return secrets.withholds_nothing(body) is (_same(copied, body) and not found)


def test_plain_bodies_are_kept_and_secret_ones_copied() -> None:
    """Not a check that can only say "copy": on the fixture bodies, and on them with each
    secret and harmless value put in a field and in an environment variable, a body is kept
    exactly when `withhold` would withhold nothing."""
    from tests.conftest import FIXTURES

    bodies = json.loads((FIXTURES / "live-arm/all-resources.json").read_text(encoding="utf-8"))
    assert all(_kept_exactly_when_nothing_withheld(b) for b in bodies)
    kept = [b for b in bodies if secrets.withholds_nothing(b)]
    assert kept
    for name, value in [("keys", {"primaryKey": "k"}), ("clientSecret", "s")]:
        assert not secrets.withholds_nothing({**kept[0], name: value})
    copied = 0
    for value in SECRETS + HARMLESS:
        env = {"properties": {"environmentVariables": {"X": value}, "tags": {value: value}}}
        for body in ({**kept[0], "description": value}, {**kept[0], **env}):
            assert _kept_exactly_when_nothing_withheld(body), body
            copied += not secrets.withholds_nothing(body)
    assert copied >= len(SECRETS)


# -- Shapes cleared before paths are built ---------------------------------------------------

DURATIONS = [
    "PT5S", "PT0.5S", "P1DT2H", "-PT1M", "PT", "P", "x", "", "P1Y",
    "P99999999W", "P999999999W", "P9999999999W", "PT99999999999999999999S",
    "-P9999999999D", " P9999999999W ", "P1653439153W", "P1653439154W",
    "P" + "\u0661" * 12 + "D", "PT1,5S", "P9999999999.5W",
]  # fmt: skip
NUMBER_TEXTS = [
    "2", " -3 ", "0", "9" * 40, "9" * 41, "-" + "9" * 41, "\u0661\u0662", "\uff11" * 41,
    "1.5", "x", "", " ", "\u00b2",
]  # fmt: skip
LEAVES = st.one_of(
    st.sampled_from(DURATIONS),
    st.sampled_from(NUMBER_TEXTS),
    st.sampled_from(SECRETS + HARMLESS),
    st.integers(-3, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.just({}),
    st.just([]),
    st.just({"x": 1}),
    st.just(["x"]),
)
TYPES = [
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
    "Microsoft.Insights/autoscaleSettings",
    "microsoft.insights/diagnosticSettings",
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.Storage/storageAccounts",
]


_ONE_IN = {n: st.sampled_from([False] * (n - 1) + [True]) for n in (4, 5, 8)}
"""True one time in n; False is the simplest (what hypothesis draws once a large example
has used up its random bytes)."""

RIGHT = {
    shapes.DURATION: st.sampled_from(DURATIONS),
    shapes.NUMBER_TEXT: st.one_of(st.sampled_from(NUMBER_TEXTS), st.integers(-3, 10)),
    shapes.WHOLE: st.integers(-3, 100),
    shapes.OBJECT: st.dictionaries(st.sampled_from(NAMES), LEAVES, max_size=3),
    shapes.ARRAY: st.lists(LEAVES, max_size=2),
}
"""Values of the type each rule wants (and, for text, around its edges)."""


@st.composite
def _along(draw: st.DrawFn, node: Any, depth: int = 0) -> Any:
    """A value for a rule node: mostly of the type the rules want (so that a body often
    breaks one rule deep down, or none), sometimes anything."""
    if draw(_ONE_IN[8]):
        return draw(LEAVES)
    if not node.children or depth > 6:
        return draw(RIGHT[node.wants[0]]) if node.wants else draw(LEAVES)
    if "[]" in node.children:
        return draw(st.lists(_along(node.children["[]"], depth + 1), max_size=3))
    out: dict[str, Any] = {}
    for part, child in node.children.items():
        if part == "*":
            for key in draw(st.lists(st.sampled_from(["blue", "green", "x"]), max_size=3)):
                out[key] = draw(_along(child, depth + 1))
        elif draw(st.booleans()):
            out[part] = draw(_along(child, depth + 1))
    if draw(st.booleans()):
        out[draw(st.sampled_from(NAMES))] = draw(LEAVES)
    return out


@st.composite
def _body(draw: st.DrawFn, n: int) -> dict[str, Any]:
    rtype = draw(st.sampled_from(TYPES))
    tree = shapes._TREES.get(rtype.lower(), shapes._COMMON)
    body = draw(_along(tree))
    if not isinstance(body, dict):
        body = {"properties": body}
    return {"id": f"/subscriptions/s/r{n}", "type": rtype, **body}


BODY_LISTS = st.integers(1, 4).flatmap(lambda n: st.tuples(*(_body(i) for i in range(n))))


def _raised(action: Any) -> str | None:
    try:
        action()
    except InputError as exc:
        return "\n".join(str(d) for d in exc.diagnostics)
    return None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=BODY_LISTS)
def test_shapes_cleared_quickly_as_the_reference_judges_them(bodies: tuple[Any, ...]) -> None:
    fast = _raised(lambda: shapes.check_shapes(list(bodies), "live.json"))
    ref = _raised(lambda: shapes.check_shapes_reference(list(bodies), "live.json"))
    assert fast == ref


DURATION_LIKE = st.from_regex(
    r"\s?-?P(\d{1,11}W)?(\d{1,11}D)?(T(\d{1,11}H)?(\d{1,11}M)?(\d{1,11}([.,]\d{1,3})?S)?)?\s?",
    fullmatch=True,
)
NUMBER_LIKE = st.from_regex(r"\s?-?\d{0,44}\s?", fullmatch=True)


@settings(max_examples=3000, deadline=None)
@given(
    value=st.one_of(DURATION_LIKE, NUMBER_LIKE, LEAVES, st.text(max_size=50)),
    want=st.sampled_from(list(RIGHT)),
)
def test_a_value_passed_over_has_no_problem(value: Any, want: str) -> None:
    """`_suspect` skips `_problem` only for values it cannot fault."""
    if shapes._problem(value, want) is not None:
        assert shapes._suspect(value, (want,))


def test_short_text_is_never_a_duration_too_long() -> None:
    """The length below which `_suspect` does not parse a duration: the longest number of
    each unit that stays within the limit, and one more, around `_LONG_DURATION_CHARS`."""
    limit = shapes.MAX_DURATION_SECONDS
    for unit, seconds in {"W": 604800, "D": 86400, "H": 3600, "M": 60, "S": 1}.items():
        most = int(limit) // seconds
        prefix = "PT" if unit in "HMS" else "P"
        assert shapes._problem(f"{prefix}{most}{unit}", shapes.DURATION) is None
        over = f"{prefix}{most + 1}{unit}"
        assert shapes._problem(over, shapes.DURATION) is not None
        assert len(over) >= shapes._LONG_DURATION_CHARS
    assert shapes._problem("P99999999W", shapes.DURATION) is None  # 8 digits: far within


# -- read_live as a whole --------------------------------------------------------------------


@contextlib.contextmanager
def _reference_paths() -> Iterator[None]:
    """`read_live` as it read before the shortcuts: every body copied by `scrub`, nesting
    walked over the parsed value, every body walked by the shape rules' `_walk`."""
    with (
        mock.patch.object(strict_json, "nested_within_text", lambda raw, limit: None),
        mock.patch.object(load, "check_shapes", shapes.check_shapes_reference),
        mock.patch.object(common, "scrub_owned", live_secrets.scrub),
    ):
        yield


def _outcome(path: Path) -> tuple[str, Any]:
    try:
        return "state", read_live(path)
    except InputError as exc:
        return "error", [str(d) for d in exc.diagnostics]


def _same_state(a: LiveState, b: LiveState) -> bool:
    return _same(a.resources, b.resources) and vars(a) == vars(b)


@st.composite
def _live_text(draw: st.DrawFn) -> str:
    """A live file: ARM bodies as a list or `{"value": ...}` (maybe with `nextLink`), or
    Resource Graph rows; secrets, deep values, duplicate keys and strings holding brackets
    put in on purpose."""
    bodies = [dict(b) for b in draw(BODY_LISTS)]
    for body in bodies:
        props = body.setdefault("properties", {})
        if isinstance(props, dict) and draw(st.booleans()):
            env = draw(st.dictionaries(st.sampled_from(NAMES), st.sampled_from(SECRETS + HARMLESS)))
            props["environmentVariables"] = env
            props[draw(st.sampled_from(NAMES))] = draw(st.sampled_from(SECRETS + HARMLESS))
        if draw(_ONE_IN[4]):
            body["extra"] = _deep(
                "x", draw(st.integers(58, 66)), draw(st.sampled_from(["list", "dict"]))
            )
        if draw(st.booleans()):
            body["note"] = draw(_texts())
    shape = draw(st.sampled_from(["list", "value", "next", "graph"]))
    data: Any
    if shape == "graph":
        rows = [{**b, "subscriptionId": "s", "resourceGroup": "r"} for b in bodies]
        data = {"data": rows}
    elif shape == "list":
        data = bodies
    else:
        data = {"value": bodies}
        if shape == "next":
            data["nextLink"] = "https://management.azure.com/subscriptions/s/x?$skipToken=1"
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    if draw(_ONE_IN[5]):  # a duplicate key in one body
        text = text.replace('"type": ', '"type": "x", "type": ', 1)
    return text


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_live_text())
def test_read_live_matches_the_reference_paths(text: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "live.json"
        path.write_text(text, encoding="utf-8")
        fast = _outcome(path)
        with _reference_paths():
            ref = _outcome(path)
    assert fast[0] == ref[0]
    if fast[0] == "error":
        assert fast[1] == ref[1]
    else:
        assert _same_state(fast[1], ref[1])
