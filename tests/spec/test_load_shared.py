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


def _same(value: object, other: object) -> bool:
    """Equal, with the same types all the way down (True is not 1, 1.0 is not 1)."""
    if type(value) is not type(other):
        return False
    if isinstance(value, dict):
        assert isinstance(other, dict)
        return list(value) == list(other) and all(_same(value[k], other[k]) for k in value)
    if isinstance(value, list):
        assert isinstance(other, list)
        return len(value) == len(other) and all(map(_same, value, other))
    return value == other


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "fixtures").rglob("*.y*ml") if "expected" not in p.parts),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_a_file_packed_by_the_worker_comes_back_as_read(path: Path) -> None:
    """What the worker sends instead of a parsed file rebuilds it exactly: data (types and
    key order), positions (order included), kind."""
    from iac_gen.spec.discover import Candidate

    cand = Candidate(path, True, path.resolve().parent)
    parsed, _, _ = load_module._read_one(cand)
    if parsed is None:
        pytest.skip("no spec file")
    packed = load_module._pack(parsed, str(path))
    assert isinstance(packed, bytes)
    back = load_module._unpack(packed, cand)
    assert back is not None and _same(back.data, parsed.data)
    assert list(back.positions.items()) == list(parsed.positions.items())
    assert (back.path, back.kind, back.compute_kind) == (
        parsed.path,
        parsed.kind,
        parsed.compute_kind,
    )


def test_a_file_marshal_cannot_write_goes_as_it_is(tmp_path: Path) -> None:
    from iac_gen.diagnostics import Location
    from iac_gen.spec.cliv2 import ParsedFile

    odd = ParsedFile(
        tmp_path / "a.yml", {"name": object()}, {(): Location("a.yml", 1, 1)}, "native"
    )
    assert load_module._pack(odd, "a.yml") is odd
    elsewhere = ParsedFile(
        tmp_path / "a.yml", {"name": "x"}, {(): Location("b.yml", 1, 1)}, "native"
    )
    assert load_module._pack(elsewhere, "a.yml") is elsewhere
