"""Golden outputs for the bundled fixtures; byte-stable, UTF-8, `\\n` line ends.

Regenerate with `.venv/bin/pytest tests/compile --update-golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.emit.compile import compile_specs
from tests.compile.conftest import CASES, load_case
from tests.conftest import FIXTURES, Golden


@pytest.mark.parametrize("case", sorted(CASES))
def test_compile_matches_golden(case: str, golden: Golden) -> None:
    files = compile_specs(load_case(case))
    expected_root = FIXTURES / case / "expected"
    for rel, text in sorted(files.items()):
        golden.check(expected_root / rel, text)
    # No stale golden file for an output that is no longer produced.
    endpoints = {rel.split("/", 1)[0] for rel in files}
    for endpoint in endpoints:
        on_disk = {str(p.relative_to(expected_root)) for p in (expected_root / endpoint).iterdir()}
        assert on_disk <= set(files), f"stale golden files: {sorted(on_disk - set(files))}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_input_same_bytes(case: str) -> None:
    first = compile_specs(load_case(case))
    second = compile_specs(load_case(case))
    assert first == second


def test_text_is_utf8_lf_without_bom(compiled: dict[str, Path]) -> None:
    for folder in compiled.values():
        for path in folder.iterdir():
            data = path.read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf"), path
            assert b"\r" not in data, path
            assert data.endswith(b"\n"), path
            data.decode("utf-8")


def test_output_layout(compiled: dict[str, Path]) -> None:
    assert sorted(p.name for p in compiled["example"].iterdir()) == [
        "main.bicep",
        "main.bicepparam",
        "main.dev.bicepparam",
        "main.dev.parameters.json",
        "main.json",
        "main.parameters.json",
        "main.prod.bicepparam",
        "main.prod.parameters.json",
        "resources.json",
    ]
    # cliv2-basic deploys the local folder ./src: assets.json says what to upload first.
    assert sorted(p.name for p in compiled["cliv2-basic"].iterdir()) == [
        "assets.json",
        "main.bicep",
        "main.bicepparam",
        "main.json",
        "main.parameters.json",
        "resources.json",
    ]
