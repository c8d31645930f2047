"""The ARM emulator as a fixture, and a helper that runs `iac-gen export` as a user would:
in a subprocess, pointed at the emulator with --arm-endpoint, a bearer token in
IAC_GEN_ARM_TOKEN and the emulator's CA in REQUESTS_CA_BUNDLE / SSL_CERT_FILE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from iac_gen.emulator import Emulator
from iac_gen.emulator.data import fleet

SUB = "00000000-0000-4000-8000-000000000001"
RG = "rg-ml-prod"
WS = "mlw-prod"
TOKEN = "eyJhbGciOiJub25lIn0.TEST-TOKEN-7f3a9c.do-not-leak"
FAST = ["--retries", "3", "--retry-backoff", "0.01", "--timeout", "5"]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    bundle: dict[str, Any] | None
    path: Path

    def status_of(self, suffix: str) -> dict[str, Any]:
        assert self.bundle is not None
        hits = [e for e in self.bundle["read"] if e["id"].lower().endswith(suffix.lower())]
        assert len(hits) == 1, (suffix, hits)
        return hits[0]


def run_export(
    emu: Emulator, out: Path, *args: str, token: str = TOKEN, workspace_scope: bool = True
) -> Run:
    env = dict(os.environ)
    env.update(
        IAC_GEN_ARM_TOKEN=token,
        REQUESTS_CA_BUNDLE=str(emu.ca_file),
        SSL_CERT_FILE=str(emu.ca_file),
        SOURCE_DATE_EPOCH="1767225600",
    )
    cmd = [sys.executable, "-m", "iac_gen", "export", "-o", str(out), "--arm-endpoint", emu.url]
    if workspace_scope:
        cmd += ["--subscription", SUB, "--resource-group", RG, "--workspace", WS]
    cmd += list(args)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    bundle = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return Run(proc.returncode, proc.stdout, proc.stderr, bundle, out)


@pytest.fixture
def small_fleet() -> list[dict[str, Any]]:
    return fleet(subscriptions=(SUB,), endpoints=2, deployments_per_endpoint=3, secret_env=True)


@pytest.fixture
def emulator(small_fleet: list[dict[str, Any]]) -> Iterator[Emulator]:
    with Emulator(small_fleet, page_size=2, token=TOKEN) as emu:
        yield emu
        emu.assert_only_allowed()
