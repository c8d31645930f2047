"""Environment overlays: change values only, resolved environments are checked like the base."""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import apply_overlay, resolve

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"


def test_none_is_unchanged_and_dev_changes_values() -> None:
    (spec,) = load_specs([EXAMPLE])
    assert resolve(spec, None) is spec
    dev = resolve(spec, "dev")
    assert dev.environment == "dev"
    assert dev.endpoint.public_network_access == "enabled"
    blue, green = dev.deployment("blue"), dev.deployment("green")
    assert blue is not None and green is not None
    assert (blue.instance_type, blue.instance_count) == ("Standard_DS2_v2", 1)
    assert green.instance_type == "Standard_DS2_v2" and green.instance_count == 1
    assert blue.request_settings == spec.deployment("blue").request_settings  # untouched
    assert dev.autoscale["blue"].max_instances == 2
    assert dev.autoscale["blue"].rules == spec.autoscale["blue"].rules
    # locations of overridden values point into the overlay
    text = EXAMPLE.read_text().splitlines()
    loc = dev.locate("deployments.blue.instance_type")
    assert text[loc.line - 1].strip() == "instance_type: Standard_DS2_v2"
    assert dev.locate("deployments.blue.model") == spec.locate("deployments.blue.model")
    # the base spec is not mutated
    assert spec.deployment("blue").instance_count == 3


def test_empty_overlay_equals_base() -> None:
    (spec,) = load_specs([EXAMPLE])
    prod = resolve(spec, "prod")
    assert prod.endpoint == spec.endpoint and prod.deployments == spec.deployments


def test_unknown_environment_suggests() -> None:
    (spec,) = load_specs([EXAMPLE])
    with pytest.raises(InputError) as exc:
        resolve(spec, "dve")
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC311" and "did you mean 'dev'" in diag.message


def test_free_maps_are_replaced_whole() -> None:
    base = {"traffic": {"blue": 90, "green": 10}, "tags": {"a": "1", "b": "2"}}
    out = apply_overlay(base, {"traffic": {"blue": 100}, "tags": {"a": "x"}})
    assert out["traffic"] == {"blue": 100} and out["tags"] == {"a": "x"}
    assert base["traffic"] == {"blue": 90, "green": 10}


def test_invalid_environment_is_reported_at_load(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: ovl-ep\ntraffic: {blue: 100}\ndeployments:\n"
        "  - name: blue\n    instance_type: Standard_DS3_v2\n    instance_count: 2\n"
        "environments:\n  dev:\n    deployments:\n      blue:\n        instance_count: 99\n"
    )
    with pytest.raises(InputError) as exc:
        load_specs([path])
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC215" and diag.location.line == 11
    assert diag.message.startswith("environment 'dev': ")


def test_overlay_type_errors_use_overlay_position(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: ovl-ep\nauth_mode: key\ndeployments: []\n"
        "environments:\n  dev:\n    auth_mode: keys\n"
    )
    with pytest.raises(InputError) as exc:
        load_specs([path])
    (diag,) = exc.value.diagnostics
    assert (
        diag.code == "IAC105" and diag.location.line == 6 and "did you mean 'key'" in diag.message
    )
