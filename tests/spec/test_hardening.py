"""Hostile spec input ends as one diagnostic line, never a crash, a hang or a bad output.

Each case reproduces a defect of a hostile test of the tool: names with a trailing newline,
NaN and infinities, target values Azure refuses, bad core-schema tags, FIFOs, unrelated
multi-document YAML, an out-of-range SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from tests.conftest import FIXTURES

EXAMPLE = (FIXTURES / "example" / "spec.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(paths: list[Path], overrides: dict[str, str] | None = None) -> list[str]:
    try:
        load_specs(paths, overrides)
    except InputError as exc:
        for d in exc.diagnostics:
            assert "\n" not in str(d), str(d)
        return [d.code for d in exc.diagnostics]
    return []


def _edit(old: str, new: str) -> str:
    assert old in EXAMPLE, old
    return EXAMPLE.replace(old, new, 1)


# D16: `$` in Python matches before a final newline.
@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("name: credit-scoring\n", 'name: "credit-scoring\\n"\n', "IAC201"),
        ("  - name: blue\n", '  - name: "blue\\n"\n', "IAC202"),
        ('api_version: "2026-05-01"', 'api_version: "2026-05-01\\n"', "IAC107"),
    ],
)
def test_trailing_newline_is_refused(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert code in _codes([_write(tmp_path, _edit(old, new))])


def test_schedule_time_with_trailing_newline_is_refused() -> None:
    from iac_gen.spec.schema_subset import Validator

    schema = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
    checker = Validator(schema)
    assert checker.is_valid("09:30")
    assert not checker.is_valid("09:30\n")
    assert [e.validator for e in checker.iter_errors("09:30\n")] == ["pattern"]


def test_environment_name_with_trailing_newline_cannot_name_a_file(tmp_path: Path) -> None:
    from iac_gen.emit.compile import compile_specs

    text = _edit("environments:\n  dev:\n", 'environments:\n  "dev\\n":\n')
    specs = load_specs([_write(tmp_path, text)])
    with pytest.raises(InputError) as info:
        compile_specs(specs)
    assert [d.code for d in info.value.diagnostics] == ["IAC322"]


def test_bicep_identifier_refuses_a_trailing_newline() -> None:
    from iac_gen.emit.values import bicep_identifier, bicep_key

    assert bicep_key("abc\n") == "'abc\\n'"
    with pytest.raises(ValueError):
        bicep_identifier("abc\n")
