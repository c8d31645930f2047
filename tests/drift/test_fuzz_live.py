"""Fuzz the live input: mutated real live files end as a drift result or one InputError line.

The seeds are every `fixtures/*/live.json` (with its spec) and every good live sample of
`tests/live/live_samples.py` (against the example spec). Hypothesis replaces, deletes or
re-types values anywhere in them (objects where text was, text where objects were, huge and
negative numbers, lists, nulls), or corrupts the text itself (NaN, duplicate keys, deep
nesting, lone surrogates, cut-off files), then reads the file and runs drift and every report
renderer on it. Anything other than a result or a one-line `InputError` fails the test: the
promise is "bad input never produces a traceback". A few examples also run the real CLI,
whose exit code must be 0-3, never 4.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from iac_gen.diagnostics import InputError
from iac_gen.drift import analyse
from iac_gen.drift.analysis import gate_exit_code
from iac_gen.live import read_live
from iac_gen.output_files import dumps_json
from iac_gen.report.registry import REPORTERS
from iac_gen.spec.load import load_specs
from tests.live import live_samples

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
EXAMPLE = FIXTURES / "example/spec.yaml"
SAMPLE_TARGET = {
    "subscription": live_samples.SUB,
    "resource_group": live_samples.RG,
    "workspace": live_samples.WS,
}


def _seeds() -> list[tuple[Path, Path, dict[str, str] | None, str | None]]:
    """(live file, spec path, target, environment) for every real live input."""
    out: list[tuple[Path, Path, dict[str, str] | None, str | None]] = []
    for case in sorted(FIXTURES.glob("drift-*")):
        cfg = json.loads((case / "case.json").read_text(encoding="utf-8"))
        out.append(
            (case / "live.json", case / cfg.get("spec", "spec.yaml"), cfg.get("target"), None)
        )
    out.append((FIXTURES / "example/live.json", EXAMPLE, None, "prod"))
    for rel in sorted(live_samples.samples()):
        if not rel.startswith("live-bad/"):
            out.append((FIXTURES / rel, EXAMPLE, SAMPLE_TARGET, "prod"))
    return out


SEEDS = _seeds()
_SPECS: dict[tuple[Path, str], list[Any]] = {}

ODD_VALUES = st.one_of(
    st.sampled_from(
        ["x", "", "PT5S", "P" + "9" * 30 + "D", "9" * 60, "/subscriptions/x", "true", "<script>"]
    ),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.just({}),
    st.just([]),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.lists(st.one_of(st.text(max_size=5), st.integers(), st.just({})), max_size=3),
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*here, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*here, index)))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, tuple[Path, Path, dict[str, str] | None, str | None]]:
    seed = draw(st.sampled_from(SEEDS))
    data = json.loads(seed[0].read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(data)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "retype"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "retype" and isinstance(parent[path[-1]], dict | list):
            inner = parent[path[-1]]
            parent[path[-1]] = list(inner.values()) if isinstance(inner, dict) else {"0": inner}
        else:
            parent[path[-1]] = copy.deepcopy(draw(ODD_VALUES))
    if isinstance(data, dict) and "resources_sha256" in data and draw(st.booleans()):
        _redigest(data)  # get past the digest check, to fuzz what lies behind it
    text = json.dumps(data, indent=draw(st.sampled_from([None, 2])))
    corruption = draw(
        st.sampled_from(["none"] * 6 + ["nan", "dupkey", "deep", "surrogate", "cut", "bigint"])
    )
    if corruption == "nan":
        text = text.replace("true", "NaN", 1)
    elif corruption == "dupkey":
        text = text.replace('"id": ', '"id": "/dup", "id": ', 1)
    elif corruption == "deep":
        text = "[" * 3000 + text + "]" * 3000
    elif corruption == "surrogate":
        text = text.replace('"', '"\\udc00', 2)
    elif corruption == "cut":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif corruption == "bigint":
        text = text.replace(": 1", ": 1" + "0" * 5000, 1)
    return text, seed


def _redigest(bundle: dict[str, Any]) -> None:
    from iac_gen.live.bundle import content_digest, resources_digest

    bundle["resources_sha256"] = resources_digest(bundle.get("resources"))  # type: ignore[arg-type]
    bundle["content_sha256"] = content_digest(bundle)


def _specs(spec: Path, target: dict[str, str] | None) -> list[Any]:
    key = (spec, json.dumps(target, sort_keys=True))
    if key not in _SPECS:
        _SPECS[key] = load_specs([spec], target)
    return _SPECS[key]


@settings(
    max_examples=int(os.environ.get("IAC_GEN_FUZZ_EXAMPLES", "300")),  # more for a long run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated())
def test_mutated_live_input_is_a_result_or_one_line(
    tmp_path: Path,
    case: tuple[str, tuple[Path, Path, dict[str, str] | None, str | None]],
) -> None:
    text, (_, spec, target, env) = case
    live = tmp_path / "live.json"
    live.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        state = read_live(live, target)
    except InputError as exc:
        assert len(exc.diagnostics) == 1
        line = str(exc.diagnostics[0])
        assert "\n" not in line and line.startswith(f"{live}:")
        assert exc.diagnostics[0].code.startswith("IAC41")
        event(f"refused {exc.diagnostics[0].code}")
        return
    result = analyse(_specs(spec, target), state, None, env, live_path=live)
    event(f"drift {result['status']}")
    assert result["status"] in ("in_sync", "drifted", "not_checked")
    if state.not_checked:
        assert result["status"] == "not_checked"  # never in sync with unread live state
    assert int(gate_exit_code(result)) in (0, 1, 3)
    json.loads(dumps_json(result))  # strict JSON out: no NaN, no lone surrogates
    for name, reporter in REPORTERS.items():
        if name != "json":
            reporter.render(result).encode("utf-8")


def _fixed_cases() -> list[tuple[str, str]]:
    """(name, live text) against the example spec: one per kind of damage the fuzz finds."""
    bodies = json.loads((FIXTURES / "example/live.json").read_text(encoding="utf-8"))["resources"]
    endpoint = next(b for b in bodies if b["type"].endswith("onlineEndpoints"))
    out = [("properties-x", json.dumps([dict(b, properties="x") for b in bodies]))]
    traffic = copy.deepcopy(bodies)
    next(b for b in traffic if b["id"] == endpoint["id"])["properties"]["traffic"] = True
    out.append(("traffic-true", json.dumps({"value": traffic})))
    out.append(("next-link", json.dumps({"value": bodies, "nextLink": "https://x/next"})))
    out.append(("decoy", json.dumps(bodies).replace("rg-mlops-prod", "rg-other")))
    out.append(("deep", "[" * 100_000 + "]" * 100_000))
    out.append(("surrogate", json.dumps(bodies).replace("4711", "47\\udc00")))
    return out


FIXED = _fixed_cases()


@pytest.mark.parametrize(("name", "text"), FIXED, ids=[n for n, _ in FIXED])
def test_damaged_live_input_through_the_cli_never_exits_4(
    tmp_path: Path, name: str, text: str
) -> None:
    """The whole command, reports included: exit 0-3, no traceback, nothing half-written."""
    live = tmp_path / "live.json"
    live.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "iac_gen", "drift", str(EXAMPLE), "--live", str(live)]
    done = subprocess.run(
        [*command, "--env", "prod", "--report", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1790000000"),
        timeout=120,
    )
    assert done.returncode in (0, 1, 2, 3), done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    if done.returncode == 2:
        assert len(done.stderr.strip().splitlines()) == 1
        assert not out.exists() or not any(out.iterdir())
    expected = {"properties-x": 2, "traffic-true": 2, "next-link": 3, "decoy": 1}
    expected.update(deep=2, surrogate=2)
    assert done.returncode == expected[name], done.stdout + done.stderr
