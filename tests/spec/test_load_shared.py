"""Many spec files are read by two processes; the specs and diagnostics are exactly those of
one process, and the files read by the worker are hashed once, like the rest."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from iac_gen import provenance
from iac_gen.diagnostics import InputError
from iac_gen.parallel import worth_sharing
from iac_gen.spec import load as load_module
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
CLIV2 = ROOT / "fixtures" / "cliv2-basic"
TARGET = {  # the example's own: the CLI v2 files take it from here
    "subscription": "8f6b6269-84f2-4d09-9e31-1127efcd1e40",
    "resource_group": "rg-mlops-prod",
    "workspace": "mlw-risk-prod",
    "location": "westeurope",
}

needs_fork = pytest.mark.skipif(
    not worth_sharing(2, 2), reason="one core or no fork here: always sequential"
)


def _fleet(root: Path, count: int) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(count):
        named = text.replace("name: credit-scoring\n", f"name: credit-scoring-{i:02d}\n", 1)
        (root / f"ep-{i:02d}.yaml").write_text(named, encoding="utf-8")
    for i in range(3):
        shutil.copytree(CLIV2, root / f"cli-{i}", ignore=shutil.ignore_patterns("expected"))
        for file in (root / f"cli-{i}").glob("*.yml"):  # one endpoint name per copy
            text = file.read_text(encoding="utf-8")
            file.write_text(text.replace("fraud-detector", f"c{i}-fraud-detector"), "utf-8")
    return root


def _both(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> tuple[str, str]:
    """What one process and two processes make of `paths`: the specs, or the error."""

    def outcome() -> str:
        try:
            return repr(load_specs(paths, TARGET))
        except InputError as exc:
            return "error: " + str(exc)

    monkeypatch.setattr(load_module, "SHARE_FROM_FILES", 10**9)
    alone = outcome()
    monkeypatch.setattr(load_module, "SHARE_FROM_FILES", 2)
    return alone, outcome()


@needs_fork
def test_two_processes_load_the_same_specs_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, shared = _both(monkeypatch, [_fleet(tmp_path, 6)])
    assert alone == shared
    assert alone.count("Spec(") == 9


@needs_fork
def test_diagnostics_of_both_halves_come_out_as_one_process_reports_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _fleet(tmp_path, 6)
    (root / "ep-00.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (root / "zz-last.yaml").write_text("name: a\nname: b\n", encoding="utf-8")
    (root / "cli-2" / "blue.yml").write_text("", encoding="utf-8")
    alone, shared = _both(monkeypatch, [root])
    assert alone.startswith("error: ")
    assert alone == shared
    assert "IAC004" in alone and "IAC005" in alone and "IAC007" in alone


@needs_fork
def test_files_the_worker_read_are_not_read_again_to_hash_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _fleet(tmp_path, 6)
    old = time.time() - 60  # digests are remembered only for files settled before the read
    files = sorted(root.rglob("*.y*ml"))
    for path in files:
        os.utime(path, (old, old))
    monkeypatch.setattr(provenance, "_KNOWN", {})
    monkeypatch.setattr(load_module, "SHARE_FROM_FILES", 2)
    load_specs([root], TARGET)
    remembered = {provenance._identity(path.stat()) for path in files}
    assert remembered <= provenance._KNOWN.keys()
    assert len(files) > 4  # both halves were read
