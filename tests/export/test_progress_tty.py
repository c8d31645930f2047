"""On a terminal the export shows a rich progress bar (on stderr, never in the bundle)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from iac_gen.emulator import Emulator
from tests.export.conftest import RG, SUB, TOKEN, WS


def test_progress_bar_on_a_terminal(emulator: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "live.json"
    master, slave = pty.openpty()
    env = dict(
        os.environ,
        IAC_GEN_ARM_TOKEN=TOKEN,
        REQUESTS_CA_BUNDLE=str(emulator.ca_file),
        SSL_CERT_FILE=str(emulator.ca_file),
        TERM="xterm-256color",
        COLUMNS="100",
    )
    env.pop("NO_COLOR", None)
    cmd = [
        sys.executable,
        "-m",
        "iac_gen",
        "export",
        "-o",
        str(out),
        "--arm-endpoint",
        emulator.url,
        "--subscription",
        SUB,
        "--resource-group",
        RG,
        "--workspace",
        WS,
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    stdout, _ = proc.communicate(timeout=120)
    os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "export" in terminal and "\x1b[" in terminal  # drawn with terminal control codes
    assert "20/20" in terminal  # every resource counted
    assert TOKEN not in terminal
    assert stdout.decode().startswith(f"wrote {out}")
