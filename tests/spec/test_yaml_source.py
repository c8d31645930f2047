"""Safe YAML reading: positions, limits, encodings, hostile text survives unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec import yaml_source
from iac_gen.spec.load import load_specs
from iac_gen.spec.yaml_source import MAX_FILE_BYTES, parse_yaml, parse_yaml_text

MINIMAL = "name: fx-endpoint\nauth_mode: key\n"


def codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [d.code for d in exc.value.diagnostics]


def test_positions_of_every_value() -> None:
    (doc,) = parse_yaml_text("a:\n  b: [1, {c: x}]\nd: 2\n", "f.yaml")
    pos = {k: (v.line, v.col) for k, v in doc.positions.items()}
    assert pos[("a", "b")] == (2, 3)
    assert pos[("a", "b", 1, "c")] == (2, 11)
    assert pos[("d",)] == (3, 1)


def test_timestamps_stay_text_and_yaml11_scalars_resolve() -> None:
    (doc,) = parse_yaml_text("v: 2026-05-01\nn: 3\nf: 0.5\nb: true\nz: ~\ns: '3'\n", "f")
    assert doc.data == {"v": "2026-05-01", "n": 3, "f": 0.5, "b": True, "z": None, "s": "3"}


def test_merge_keys_keep_positions_and_explicit_keys_win() -> None:
    text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n"
    (doc,) = parse_yaml_text(text, "f")
    assert doc.data["m"] == {"x": 1, "y": 3}
    assert doc.positions[("m", "x")].line == 1
    assert doc.positions[("m", "y")].line == 4


def test_alias_copies_positions_of_the_anchor() -> None:
    (doc,) = parse_yaml_text("a: &x {k: 1}\nb: *x\n", "f")
    assert doc.data["b"] == {"k": 1}
    assert doc.positions[("b",)].line == 2
    assert doc.positions[("b", "k")].line == 1


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        parse_yaml_text("a: &a [1, *a]\n", "f")
    assert codes(exc) == ["IAC011"]


def test_alias_bomb_is_bounded_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(InputError) as exc:
        parse_yaml_text("\n".join(lines) + "\n", "f")
    assert codes(exc) == ["IAC006"]


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    with pytest.raises(InputError) as exc:
        parse_yaml_text("a: " + "[" * 100_000, "f")
    assert codes(exc) == ["IAC009"]


def test_all_duplicate_keys_are_reported() -> None:
    with pytest.raises(InputError) as exc:
        parse_yaml_text("a: 1\nb: 2\na: 3\nb: {}\n", "f")
    assert codes(exc) == ["IAC005", "IAC005"]
    assert [d.location.line for d in exc.value.diagnostics] == [3, 4]


def test_syntax_error_has_position() -> None:
    with pytest.raises(InputError) as exc:
        parse_yaml_text("a: 1\n  b: 2\n", "f.yaml")
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC004"
    assert (diag.location.line, diag.location.col) == (2, 4)


def test_control_character_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: a\ndescription: x\x07y\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        parse_yaml(path)
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC004" and diag.location.line == 2


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    (spec,) = load_specs([path])
    assert spec.endpoint.name == "fx-endpoint"
    assert spec.locate("name").line == 1


def test_utf16_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(MINIMAL.encode("utf-16"))
    with pytest.raises(InputError) as exc:
        load_specs([path])
    assert codes(exc) == ["IAC003"]


def test_non_utf8_reports_byte_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"name: a\n\nx: \xff\n")
    with pytest.raises(InputError) as exc:
        load_specs([path])
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC003"
    assert (diag.location.line, diag.location.col) == (3, 4)
    assert "byte offset 12" in diag.message


def test_file_size_bound_reads_no_more_than_the_limit(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"name: a\n" + b"#" * MAX_FILE_BYTES)
    with pytest.raises(InputError) as exc:
        load_specs([path])
    assert codes(exc) == ["IAC002"]
    monkeypatch.setattr(yaml_source, "MAX_FILE_BYTES", 10)
    small = tmp_path / "small.yaml"
    small.write_text(MINIMAL)
    with pytest.raises(InputError) as exc2:
        load_specs([small])
    assert codes(exc2) == ["IAC002"]


def test_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_specs([tmp_path / "nope.yaml", tmp_path / "nope-folder"])
    assert codes(exc) == ["IAC001", "IAC001"]


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(MINIMAL)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user can read mode-0 files (root)")
        with pytest.raises(InputError) as exc:
            load_specs([path])
        assert codes(exc) == ["IAC013"]
    finally:
        path.chmod(0o600)


def test_folder_given_as_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "spec.yaml"
    folder.mkdir()
    with pytest.raises(InputError) as exc:
        yaml_source.read_text(folder, str(folder))
    assert codes(exc) == ["IAC013"]


HOSTILE = [
    "it's \"quoted\" and 'single'",
    "${{ secrets.TOKEN }} and $(whoami)",
    "[concat('a', parameters('b'))]",
    "{{ jinja }} {% raw %}",
    "ünïcødé — 日本語 🚀",
    "line one\nline two\n\ttabbed",
    "</script><script>alert(1)</script>",
    "back\\slash \\n not a newline",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_survive_loading_unchanged(tmp_path: Path, text: str) -> None:
    import json

    quoted = json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML scalars
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: fx-endpoint\ndescription: {quoted}\ntags:\n  note: {quoted}\n"
        f"deployments:\n  - name: blue\n    instance_type: Standard_DS3_v2\n"
        f"    instance_count: 1\n    environment_variables:\n      V: {quoted}\n",
        encoding="utf-8",
    )
    (spec,) = load_specs([path])
    assert spec.endpoint.description == text
    assert spec.endpoint.tags["note"] == text
    assert spec.deployments[0].environment_variables["V"] == text


def test_diagnostics_stay_on_one_line_with_hostile_keys(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text('name: fx-endpoint\n"evil\\nkey\\u2028x": 1\ndeployments: []\n')
    with pytest.raises(InputError) as exc:
        load_specs([path])
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC102"
    assert len(str(diag).splitlines()) == 1
    assert "evil\\nkey\\u2028x" in diag.message
