"""Hostile live files: each is one line `file:line:col: error IAC41x ...`, never a crash and
never a silent wrong answer (issue 15: D8, D9, D10, D18)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.live import read_live
from tests.conftest import FIXTURES

ENDPOINT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"


def _arm() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "live-arm/all-resources.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: Any = None, raw: str | None = None) -> Path:
    path = tmp_path / "live.json"
    path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return path


def _one_error(path: Path, **kw: Any) -> str:
    with pytest.raises(InputError) as caught:
        read_live(path, **kw)
    [diagnostic] = caught.value.diagnostics
    text = str(diagnostic)
    assert "\n" not in text and text.startswith(f"{path}:")
    return text


# -- D8/D9/D18: JSON that Python's parser accepts but nobody should ---------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[" * 990 + "]" * 990, "nested too deeply"),
        ('{"value": [' + "[" * 70 + "]" * 70 + "]}", "nested too deeply"),
        ('[{"id": "/s", "type": "t", "sku": {"capacity": ' + "9" * 5000 + "}}]", "digits"),
        ('[{"id": "/s", "type": "t", "tags": {"a": "47\\udc00"}}]', "surrogate"),
        ('[{"id": "/s", "type": "t", "sku": {"capacity": NaN}}]', "NaN"),
        ('[{"id": "/s", "type": "t", "sku": {"capacity": Infinity}}]', "Infinity"),
        ('[{"id": "/s", "type": "t", "sku": {"capacity": -Infinity}}]', "Infinity"),
        ('[{"id": "/s", "type": "t", "sku": {"capacity": 1e400}}]', "out of range"),
        ('[{"id": "/s", "type": "t", "id": "/t"}]', 'duplicate key "id"'),
    ],
    ids=[
        "deep-100000",
        "deep-990",
        "deep-72",
        "int-5000-digits",
        "lone-surrogate",
        "nan",
        "infinity",
        "minus-infinity",
        "1e400",
        "duplicate-key",
    ],
)
def test_unacceptable_json_is_iac413(tmp_path: Path, raw: str, expected: str) -> None:
    message = _one_error(_write(tmp_path, raw=raw))
    assert "error IAC413 live input is not valid JSON" in message
    assert expected in message


def test_duplicate_key_does_not_decide_the_verdict(tmp_path: Path) -> None:
    """`"authMode": "Key", "authMode": "AADToken"` used to read as AADToken (in sync)."""
    text = json.dumps(_arm()).replace(
        '"authMode": "AADToken"', '"authMode": "Key", "authMode": "AADToken"'
    )
    assert '"authMode": "Key"' in text
    assert 'duplicate key "authMode"' in _one_error(_write(tmp_path, raw=text))


def test_ordinary_nesting_is_read(tmp_path: Path) -> None:
    """The limit sits far above what Azure returns (autoscale rules nest about a dozen deep)."""
    bundle = read_live(FIXTURES / "example/live.json")
    assert len(bundle.resources) == 5
    body = copy.deepcopy(_arm())
    nested: Any = "leaf"
    for _ in range(40):
        nested = {"n": nested}
    body[1]["tags"] = {"deep": "x"}
    body[1]["properties"]["properties"] = {"deep": nested}
    assert len(read_live(_write(tmp_path, body)).resources) == 4


# -- D8: wrong shapes are bad items (IAC415), named by id and path -----------------------------

SPEC = FIXTURES / "example/spec.yaml"
TARGET = {
    "subscription": "8f6b6269-84f2-4d09-9e31-1127efcd1e40",
    "resource_group": "rg-mlops-prod",
    "workspace": "mlw-risk-prod",
}


def _endpoint(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(i for i in items if i["type"] == ENDPOINT_TYPE)


def test_properties_that_are_not_objects(tmp_path: Path) -> None:
    for kind in range(4):
        body = _arm()
        body[kind]["properties"] = "x"
        message = _one_error(_write(tmp_path, body))
        assert "error IAC415 live resource /subscriptions/" in message
        assert "`properties` is a string; expected an object" in message
    bundle = json.loads((FIXTURES / "example/live.json").read_text(encoding="utf-8"))
    every = [dict(r, properties="x") for r in bundle["resources"]]
    assert "expected an object" in _one_error(_write(tmp_path, {"value": every}))


@pytest.mark.parametrize("field", ["traffic", "mirrorTraffic"])
@pytest.mark.parametrize(
    ("value", "kind"),
    [("x", "a string"), (5, "a number"), (True, "true/false"), (["blue"], "an array")],
)
def test_traffic_that_is_not_an_object(tmp_path: Path, field: str, value: Any, kind: str) -> None:
    body = _arm()
    _endpoint(body)["properties"][field] = value
    message = _one_error(_write(tmp_path, body))
    assert f"`properties.{field}` is {kind}; expected an object" in message


@pytest.mark.parametrize("share", ["50", 50.5, True, None, {"x": 1}])
def test_traffic_shares_must_be_whole_numbers(tmp_path: Path, share: Any) -> None:
    body = _arm()
    _endpoint(body)["properties"]["traffic"] = {"blue": share}
    if share is None:  # null is "not set", as Azure writes absent values
        assert read_live(_write(tmp_path, body)).resources
        return
    assert "`properties.traffic.blue` is" in _one_error(_write(tmp_path, body))


def test_durations_and_number_texts_that_cannot_be_compared(tmp_path: Path) -> None:
    body = _arm()
    blue = next(r for r in body if r["name"] == "blue")
    blue["properties"]["requestSettings"]["requestTimeout"] = "P" + "9" * 40 + "D"
    message = _one_error(_write(tmp_path, body))
    assert "`properties.requestSettings.requestTimeout` is a duration longer than" in message
    bundle = json.loads((FIXTURES / "example/live.json").read_text(encoding="utf-8"))
    autoscale = next(r for r in bundle["resources"] if "autoscale" in r["type"].lower())
    for text in ("9" * 5000, "\u00b2"):
        autoscale["properties"]["profiles"][0]["capacity"]["maximum"] = text
        message = _one_error(_write(tmp_path, {"value": bundle["resources"]}))
        assert "`properties.profiles[0].capacity.maximum` is text of" in message


def test_values_of_the_right_type_are_left_to_drift(tmp_path: Path) -> None:
    """A wrong but well-formed value is drift, not bad input."""
    body = _arm()
    _endpoint(body)["properties"]["traffic"] = {"blue": 500, "nobody": -3}
    blue = next(r for r in body if r["name"] == "blue")
    blue["properties"]["requestSettings"]["requestTimeout"] = "soon"
    blue["sku"]["capacity"] = "three"
    assert len(read_live(_write(tmp_path, body)).resources) == 4


def _cli() -> list[dict[str, Any]]:
    path = FIXTURES / "live-cli/endpoint-and-deployments.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("request_settings.request_timeout_ms", "1e308"),
        ("request_settings.max_queue_wait_ms", "-1e308"),
        ("liveness_probe.initial_delay", "1e308"),
        ("readiness_probe.period", "1e300"),
        ("request_settings.request_timeout_ms", "NaN"),
        ("liveness_probe.initial_delay", "Infinity"),
    ],
)
def test_cli_numbers_that_are_no_duration(tmp_path: Path, field: str, value: str) -> None:
    items = _cli()
    section, leaf = field.split(".")
    items[1][section][leaf] = "PLACEHOLDER"
    raw = json.dumps(items).replace('"PLACEHOLDER"', value)
    message = _one_error(_write(tmp_path, raw=raw), target=TARGET)
    if value in ("NaN", "Infinity"):
        assert f"error IAC413 live input is not valid JSON: {value} is not a JSON number" in message
    else:
        assert f"error IAC415 Azure ML CLI item 1 (blue): `{field}` is longer than" in message


@pytest.mark.parametrize("value", ["x", {"a": "x"}, {}, 5, True, ["x"]], ids=repr)
def test_cli_output_with_every_field_replaced(tmp_path: Path, value: Any) -> None:
    """Every field (but the names that build ids) a string, a dict, ...: a LiveState whose
    bodies pass the shape rules, or one IAC415 line; then drift runs to a result."""
    from iac_gen.drift import analyse
    from iac_gen.spec.load import load_specs

    items = _cli()
    for item in items:
        for key in list(item):
            if key not in ("name", "endpoint_name", "id"):
                item[key] = copy.deepcopy(value)
    path = _write(tmp_path, items)
    try:
        state = read_live(path, target=TARGET)
    except InputError as exc:
        [diagnostic] = exc.diagnostics
        assert diagnostic.code == "IAC415"
        return
    result = analyse(load_specs([SPEC]), state, None, "prod")
    assert result["status"] in ("drifted", "not_checked")


def test_shape_rules_cover_every_duration_and_number_text_drift_compares() -> None:
    """The drift tables list the fields compared as durations / whole numbers; each must have
    its shape rule here, or a value there could still crash the engine."""
    from iac_gen.drift import tables
    from iac_gen.live import shapes

    ruled = {
        (path.replace("[]", ".*").replace("..", "."), want)
        for rules in shapes.RULES.values()
        for path, want in rules
    }
    for path in tables.DURATIONS:
        assert (path, shapes.DURATION) in ruled, path
    for path in tables.NUMBER_STRINGS:
        assert (path, shapes.NUMBER_TEXT) in ruled, path


# -- D18: a bundle must agree with itself ------------------------------------------------------


def _bundle() -> dict[str, Any]:
    return json.loads((FIXTURES / "live-bundle/bundle.json").read_text(encoding="utf-8"))


def _redigest(bundle: dict[str, Any]) -> dict[str, Any]:
    """What a careless editor cannot do but a deliberate one can: recompute both digests.
    Used to show the consistency rules hold on their own, not only through the digest."""
    from iac_gen.live.bundle import content_digest, resources_digest

    bundle["resources_sha256"] = resources_digest(bundle["resources"])
    bundle["content_sha256"] = content_digest(bundle)
    return bundle


def test_bundle_is_schema_1_2_with_a_content_digest() -> None:
    from iac_gen.live.bundle import content_digest

    bundle = _bundle()
    assert bundle["schema_version"] == "1.2"
    assert bundle["content_sha256"] == content_digest(bundle)


@pytest.mark.parametrize("case", ["same", "upper"])
def test_bundle_with_duplicate_resources_is_refused(tmp_path: Path, case: str) -> None:
    bundle = _bundle()
    endpoint = copy.deepcopy(_endpoint(bundle["resources"]))
    endpoint["properties"]["authMode"] = "Key"
    if case == "upper":
        endpoint["id"] = endpoint["id"].upper()
    for order in (0, len(bundle["resources"])):
        edited = copy.deepcopy(bundle)
        edited["resources"].insert(order, endpoint)
        message = _one_error(_write(tmp_path, _redigest(edited)))
        assert "error IAC415 resource" in message and "appears twice" in message


@pytest.mark.parametrize("member", ["read", "errors", "summary", "scope", "secrets_removed"])
def test_bundle_members_are_covered_by_the_content_digest(tmp_path: Path, member: str) -> None:
    bundle = _bundle()
    edits: dict[str, Any] = {
        "read": lambda b: b["read"][0].update(status="missing"),
        "errors": lambda b: b["errors"].append({"id": "/x", "reason": "403"}),
        "summary": lambda b: b["summary"].update(read=99),
        "scope": lambda b: b["scope"].update(resource_group="rg-other"),
        "secrets_removed": lambda b: b["secrets_removed"].append({"id": "/x", "path": "p"}),
    }
    edits[member](bundle)
    message = _one_error(_write(tmp_path, bundle))
    assert "error IAC416 export bundle does not match content_sha256" in message


def test_bundle_whose_errors_contradict_read_is_refused(tmp_path: Path) -> None:
    """`errors` lists a failed read while `read` says all was read: was in sync, exit 0."""
    bundle = _bundle()
    rid = bundle["read"][2]["id"]
    bundle["errors"] = [{"id": rid, "reason": "403 AuthorizationFailed"}]
    message = _one_error(_write(tmp_path, _redigest(bundle)))
    assert "error IAC416 export bundle contradicts itself: `errors`" in message


def test_bundle_whose_summary_contradicts_read_is_refused(tmp_path: Path) -> None:
    bundle = _bundle()
    bundle["summary"] = {"read": 4, "missing": 0, "not_checked": 1}
    message = _one_error(_write(tmp_path, _redigest(bundle)))
    assert "error IAC416 export bundle contradicts itself: `summary`" in message


def test_schema_1_0_bundles_are_still_read_and_checked(tmp_path: Path) -> None:
    old = json.loads((FIXTURES / "live-bundle/bundle-1.0.json").read_text(encoding="utf-8"))
    assert old["schema_version"] == "1.0" and "content_sha256" not in old
    state = read_live(FIXTURES / "live-bundle/bundle-1.0.json")
    assert len(state.resources) == 4 and state.not_checked == []
    old["errors"] = [{"id": old["read"][1]["id"], "reason": "403"}]
    assert "contradicts itself: `errors`" in _one_error(_write(tmp_path, old))
    future = dict(_bundle(), schema_version="2.0")
    message = _one_error(_write(tmp_path, future))
    assert (
        "error IAC416 export bundle schema_version '2.0' is not one this iac-gen reads" in message
    )


def test_bundle_whose_read_names_a_resource_twice_is_refused(tmp_path: Path) -> None:
    """`read` with the same id as read and as not_checked: which one holds?"""
    bundle = _bundle()
    entry = dict(bundle["read"][1], id=bundle["read"][1]["id"].upper(), status="not_checked")
    bundle["read"].append(dict(entry, reason="403"))
    bundle["errors"] = [{"id": entry["id"], "reason": "403"}]
    bundle["summary"]["not_checked"] = 1
    message = _one_error(_write(tmp_path, _redigest(bundle)))
    assert "error IAC416 export bundle contradicts itself: `read` names a resource twice" in message
