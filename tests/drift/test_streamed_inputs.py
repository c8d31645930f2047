"""A live input or waivers file read from a stream (`--live <(az graph query ...)`) is in the
evidence like a file: drift.json and the manifest record the sha256 and size of what was read,
which cannot be read again; a stream longer than the live limit is IAC412."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.drift import analyse
from iac_gen.drift.waivers import load_waivers
from iac_gen.live import load as live_load
from iac_gen.live import read_live
from iac_gen.report.evidence import write_evidence
from iac_gen.spec.load import load_specs

pytestmark = pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="no /dev/fd here")

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "fixtures" / "example" / "spec.yaml"
LIVE = ROOT / "fixtures" / "example" / "live.json"


def _stream(data: bytes) -> Path:
    """A pipe a thread writes `data` into, as the shell's `<(...)` hands one over."""
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb") as fh:
            fh.write(data)

    threading.Thread(target=write, daemon=True).start()
    return Path(f"/dev/fd/{read_end}")


def test_a_streamed_live_input_and_waivers_are_recorded_as_read(tmp_path: Path) -> None:
    data = LIVE.read_bytes()
    waivers_text = b"waivers: []\n"
    live_path, waivers_path = _stream(data), _stream(waivers_text)
    live = read_live(live_path)
    waivers = load_waivers(waivers_path)
    result = analyse(load_specs([SPEC]), live, waivers, "prod", live_path=live_path)
    inputs = {i["role"]: i for i in result["inputs"]}
    assert inputs["live"]["path"] == str(live_path)
    assert inputs["live"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert inputs["waivers"]["sha256"] == hashlib.sha256(waivers_text).hexdigest()
    assert result["status"] == "in_sync"

    write_evidence(result, tmp_path / "evidence", formats=["json"])
    manifest = json.loads((tmp_path / "evidence" / "manifest.json").read_text(encoding="utf-8"))
    by_digest = {i["sha256"]: i for i in manifest["inputs"]}
    assert by_digest[hashlib.sha256(data).hexdigest()]["size"] == len(data)
    assert by_digest[hashlib.sha256(waivers_text).hexdigest()]["size"] == len(waivers_text)


def test_a_stream_over_the_live_limit_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live_load, "MAX_BYTES", 1000)
    with pytest.raises(InputError) as caught:
        read_live(_stream(LIVE.read_bytes()))
    (diag,) = caught.value.diagnostics
    assert diag.code == "IAC412" and "over the limit of 1000 bytes" in diag.message


@pytest.mark.skipif(sys.platform != "linux", reason="process substitution needs bash")
def test_drift_through_the_cli_with_process_substitution(tmp_path: Path) -> None:
    import shutil
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    command = (
        f'"{sys.executable}" -m iac_gen drift "{SPEC}" --live <(cat "{LIVE}") --env prod '
        f'--report "{tmp_path / "ev"}" --format json'
    )
    done = subprocess.run([bash, "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    drift = (tmp_path / "ev" / "drift.json").read_text(encoding="utf-8")
    assert hashlib.sha256(LIVE.read_bytes()).hexdigest() in drift
