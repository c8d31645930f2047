"""The export pipeline is built from azure-core's public API, and its byte bounds follow the
size `drift` accepts (`iac_gen.live.load.MAX_BYTES`, imported, never repeated)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from iac_gen.azure.client import ArmReader, ClientSettings
from iac_gen.azure.credentials import StaticTokenCredential
from iac_gen.emulator import Emulator
from iac_gen.emulator.data import deployment_id, fleet
from tests.export.conftest import RG, SUB, TOKEN, WS


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    bodies = fleet(subscriptions=(SUB,), endpoints=2, deployments_per_endpoint=3)
    with Emulator(bodies, token=TOKEN) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_file))
        yield server


def test_reader_needs_no_private_azure_core_attribute(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer azure-core may rename `Pipeline._impl_policies`; simulate that rename for
    every caller outside azure-core itself: the reader must still build and read."""
    from azure.core.pipeline import Pipeline  # noqa: TID251 - simulates a change inside azure-core

    def hidden(self: Any) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if not caller.startswith("azure.core"):
            raise AttributeError("_impl_policies (renamed in this azure-core)")
        return self.__dict__["_renamed_policies"]

    def store(self: Any, value: Any) -> None:
        self.__dict__["_renamed_policies"] = value

    monkeypatch.setattr(Pipeline, "_impl_policies", property(hidden, store), raising=False)
    arm = ArmReader(StaticTokenCredential(TOKEN), SUB, ClientSettings(arm_endpoint=emu.url))
    try:
        fetched = arm.get(deployment_id(SUB, RG, WS, "ep-000", "dep-001"), "2026-05-01")
    finally:
        arm.close()
    assert fetched.status == "read", fetched.reason
    assert fetched.body["name"] == "dep-001"
    emu.assert_only_allowed()


def test_answers_past_the_bundle_limit_stop_the_export(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iac_gen.azure.export import ExportOptions, export_live
    from iac_gen.live import load

    limit = 12_000  # a few resource bodies
    monkeypatch.setattr(load, "MAX_BYTES", limit)
    options = ExportOptions(
        subscriptions=(SUB,),
        resource_group=RG,
        workspace=WS,
        arm_endpoint=emu.url,
        retries=0,
        concurrency=1,
    )
    bundle = export_live(options, credential=StaticTokenCredential(TOKEN))
    assert bundle["summary"]["not_checked"] > 0
    reasons = {e["reason"] for e in bundle["errors"]}
    assert any(f"passed {limit} bytes" in r for r in reasons), reasons
    from iac_gen.azure.export import bundle_text

    assert len(bundle_text(bundle).encode("utf-8")) <= limit


def test_bundle_larger_than_drift_reads_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from iac_gen.azure.export import BundleTooLarge, bundle_text
    from iac_gen.live import load

    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    bundle = {"resources": [{"id": f"/x/{n}", "description": "d" * 100} for n in range(20)]}
    with pytest.raises(BundleTooLarge, match="drift reads at most 1000 bytes"):
        bundle_text(bundle)
    monkeypatch.setattr(load, "MAX_BYTES", 1 << 20)
    assert bundle_text(bundle).endswith("}\n")


class _Raw:
    """Just what read_bounded uses of an azure.core.rest response."""

    def __init__(self, data: bytes, encoding: str, step: int = 7):
        self.headers = {"Content-Encoding": encoding}
        self._data = data
        self._step = step

    def iter_raw(self) -> Iterator[bytes]:
        for i in range(0, len(self._data), self._step):
            yield self._data[i : i + self._step]


@pytest.mark.parametrize("kind", ["gzip", "zlib-deflate", "raw-deflate", "two-gzip-members"])
def test_bounded_reader_decodes_what_servers_send(kind: str) -> None:
    import gzip
    import zlib

    from iac_gen.azure.http import read_bounded

    text = b'{"id": "/x", "properties": {"a": "' + b"b" * 5000 + b'"}}'
    if kind == "gzip":
        data, enc = gzip.compress(text), "gzip"
    elif kind == "zlib-deflate":
        data, enc = zlib.compress(text), "deflate"
    elif kind == "raw-deflate":
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        data, enc = comp.compress(text) + comp.flush(), "deflate"
    else:
        data, enc = gzip.compress(text[:100]) + gzip.compress(text[100:]), "gzip"
    assert read_bounded(_Raw(data, enc), 1 << 20, None) == text


def test_bounded_reader_refuses_past_the_limit_and_cut_streams() -> None:
    import gzip

    from iac_gen.azure.http import ResponseRefused, read_bounded

    packed = gzip.compress(b" " * 100_000)
    with pytest.raises(ResponseRefused, match="decompresses to more than 1000 bytes"):
        read_bounded(_Raw(packed, "gzip"), 1000, None)
    with pytest.raises(ResponseRefused, match="ends early"):
        read_bounded(_Raw(packed[:-20], "gzip"), 1 << 20, None)
    with pytest.raises(ResponseRefused, match="unsupported Content-Encoding"):
        read_bounded(_Raw(b"x", "br"), 1 << 20, None)
