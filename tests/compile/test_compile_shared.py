"""Many specs are compiled by two processes; the files are exactly those of one process."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.emit import compile as compile_module
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]


def _fleet(count: int) -> list:
    spec = load_specs([ROOT / "fixtures" / "example" / "spec.yaml"])[0]
    return [
        dataclasses.replace(spec, endpoint=dataclasses.replace(spec.endpoint, name=f"ep-{i:02d}"))
        for i in range(count)
    ]


def test_two_processes_write_the_same_files_in_the_same_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    specs = _fleet(5)
    monkeypatch.setattr(compile_module, "SHARE_FROM_SPECS", 10**9)
    alone = compile_module.compile_specs(specs)
    monkeypatch.setattr(compile_module, "SHARE_FROM_SPECS", 2)
    assert compile_module._worth_sharing(specs)
    shared = compile_module.compile_specs(specs)
    assert list(shared.items()) == list(alone.items())
    assert len({name.split("/")[0] for name in shared}) == 5


def test_a_failure_in_the_second_half_is_reported_as_a_sequential_run_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    specs = _fleet(4)
    broken = dataclasses.replace(specs[3].target, subscription=None)
    specs[3] = dataclasses.replace(specs[3], target=broken)
    monkeypatch.setattr(compile_module, "SHARE_FROM_SPECS", 10**9)
    with pytest.raises(InputError) as alone:
        compile_module.compile_specs(specs)
    monkeypatch.setattr(compile_module, "SHARE_FROM_SPECS", 2)
    with pytest.raises(InputError) as shared:
        compile_module.compile_specs(specs)
    assert str(shared.value) == str(alone.value)
