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
