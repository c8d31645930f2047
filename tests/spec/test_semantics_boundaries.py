"""Values at the edge of each rule are accepted (no false positives), just past are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from iac_gen.spec.semantics import valid_name


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("abc", True),
        ("a" * 32, True),
        ("my-endpoint-2", True),
        ("ab", False),
        ("a" * 33, False),
        ("1abc", False),
        ("ab--c", False),
        ("abc-", False),
        ("ab_c", False),
        ("abç", False),
    ],
)
def test_name_rule(name: str, ok: bool) -> None:
    assert valid_name(name) is ok


def load_text(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    try:
        load_specs([path])
    except InputError as exc:
        return [d.code for d in exc.diagnostics]
    return []


UAI = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/uai"
)

DEPS = "".join(
    f"  - name: {n}\n    instance_type: Standard_DS3_v2\n    instance_count: {c}\n"
    for n, c in (("blue", 1), ("green", 50))
)


@pytest.mark.parametrize(
    ("head", "codes"),
    [
        ("traffic: {}\n", []),
        ("traffic: {blue: 0, green: 0}\n", []),
        ("traffic: {blue: 0, green: 100}\n", []),
        ("traffic: {blue: 100}\nmirror_traffic: {green: 50}\n", []),
        ("traffic: {blue: 100}\nmirror_traffic: {green: 51}\n", ["IAC209"]),
        ("traffic: {blue: 100, green: 0}\nmirror_traffic: {green: 10}\n", []),
        ("traffic: {blue: 99, green: 0}\n", ["IAC205"]),
        (
            "identity:\n  type: system_assigned,user_assigned\n  user_assigned_identities:\n"
            f"    - resource_id: {UAI}\n",
            [],
        ),
        (
            "identity:\n  type: system_assigned\n  user_assigned_identities:\n"
            f"    - resource_id: {UAI}\n",
            ["IAC213"],
        ),
    ],
)
def test_traffic_and_identity_edges(tmp_path: Path, head: str, codes: list[str]) -> None:
    assert load_text(tmp_path, f"name: edge-ep\n{head}deployments:\n{DEPS}") == codes


@pytest.mark.parametrize(
    ("extra", "codes"),
    [
        ("    request_settings: {request_timeout_ms: 180000}\n", []),
        ("    request_settings: {request_timeout_ms: 180001}\n", ["IAC220"]),
        ("    request_settings: {request_timeout_ms: 0}\n", ["IAC220"]),
        ("    liveness_probe: {success_threshold: 1, period: 1}\n", []),
        ("    readiness_probe: {success_threshold: 2}\n", []),
        ("    scale_settings: {type: default}\n", []),
    ],
)
def test_deployment_edges(tmp_path: Path, extra: str, codes: list[str]) -> None:
    text = "name: edge-ep\ndeployments:\n" + DEPS + extra
    assert load_text(tmp_path, text) == codes


def test_kubernetes_timeout_limit_is_higher(tmp_path: Path) -> None:
    text = (
        "name: edge-ep\ncompute: aks\ndeployments:\n  - name: blue\n    type: kubernetes\n"
        "    instance_count: 1\n    request_settings: {request_timeout_ms: %d}\n"
    )
    assert load_text(tmp_path, text % 300000) == []
    assert load_text(tmp_path, text % 300001) == ["IAC220"]


def test_twenty_deployments_allowed(tmp_path: Path) -> None:
    deps = "".join(
        f"  - name: dep-{i:02d}\n    instance_type: Standard_DS3_v2\n    instance_count: 1\n"
        for i in range(20)
    )
    assert load_text(tmp_path, "name: edge-ep\ndeployments:\n" + deps) == []


def test_code_folder_inside_spec_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "src" / "nested").mkdir(parents=True)
    text = (
        "name: edge-ep\ndeployments:\n  - name: blue\n    instance_type: Standard_DS3_v2\n"
        "    instance_count: 1\n    code_configuration: {code: src/nested/../nested, "
        "scoring_script: score.py}\n"
    )
    assert load_text(tmp_path, text) == []
