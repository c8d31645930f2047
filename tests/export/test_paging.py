"""Paging guards of the ARM reader, exercised in-process against the emulator."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

import pytest

from iac_gen.azure.client import ArmReader, ClientSettings
from iac_gen.azure.credentials import StaticTokenCredential
from iac_gen.emulator import Emulator, TrustmeMissing
from iac_gen.emulator.data import endpoint_id, fleet
from tests.export.conftest import RG, SUB, TOKEN, WS


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Emulator, ArmReader]]:
    bodies = fleet(subscriptions=(SUB,), endpoints=1, deployments_per_endpoint=3)
    with Emulator(bodies, page_size=1, token=TOKEN) as emu:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_file))
        settings = ClientSettings(arm_endpoint=emu.url, retries=0, max_pages=2)
        arm = ArmReader(StaticTokenCredential(TOKEN), SUB, settings)
        try:
            yield emu, arm
        finally:
            arm.close()


def test_too_many_pages_stop_and_are_not_checked(reader: tuple[Emulator, ArmReader]) -> None:
    emu, arm = reader
    path = endpoint_id(SUB, RG, WS, "ep-000") + "/deployments"
    fetched = arm.list(path, "2026-05-01")
    assert fetched.status == "not_checked"
    assert fetched.reason == "more than 2 pages; stopped"
    assert len(fetched.items) == 2
    assert len(emu.records) == 2


def test_next_link_to_another_host_is_refused(reader: tuple[Emulator, ArmReader]) -> None:
    emu, arm = reader
    emu.next_link_base = "https://elsewhere.example.com"  # must never receive the token
    fetched = arm.list(endpoint_id(SUB, RG, WS, "ep-000") + "/deployments", "2026-05-01")
    assert fetched.status == "not_checked"
    assert fetched.reason == "nextLink leaves the ARM endpoint"
    assert len(fetched.items) == 1
    assert len(emu.records) == 1


def test_emulator_says_clearly_when_trustme_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_trustme(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "trustme":
            raise ImportError("No module named 'trustme'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_trustme)
    with pytest.raises(TrustmeMissing, match=r"pip install 'iac-gen\[test\]'"):
        Emulator([]).start()
