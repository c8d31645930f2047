"""Coverage as a table (drift result schema 2.0), and results of schema 1.x still read.

`data/schema-1.1/drift.json` is what iac-gen wrote for the drifted fixture before the table:
the same run as `fixtures/drift-drifted/expected/drift.json`, so every format must render
both alike (bar the schema version a page names), and `report` must take either.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from iac_gen.coverage import COLUMNS, entries, rows_of, sort_key, table
from iac_gen.diagnostics import InputError
from iac_gen.report.load import load_result
from iac_gen.report.registry import REPORTERS
from iac_gen.resources import load_schema
from tests.conftest import FIXTURES

OLD = Path(__file__).parent / "data" / "schema-1.1" / "drift.json"
NEW = FIXTURES / "drift-drifted" / "expected" / "drift.json"


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_engine_writes_a_table_in_the_result_order() -> None:
    new = _read(NEW)
    assert new["schema_version"] == "2.0"
    assert new["coverage"]["columns"] == list(COLUMNS)
    rows = new["coverage"]["rows"]
    assert rows and all(len(r) == len(COLUMNS) for r in rows)
    assert rows == sorted(rows, key=sort_key)
    assert any(r[-1] for r in rows) and any(r[-1] is None for r in rows)


def test_old_and_new_encodings_hold_the_same_coverage() -> None:
    old, new = _read(OLD), _read(NEW)
    assert old["schema_version"] == "1.1" and isinstance(old["coverage"], list)
    assert entries(old) == old["coverage"]  # objects come back exactly as 1.x wrote them
    assert entries(new) == old["coverage"]
    assert [list(r) for r in rows_of(old)] == new["coverage"]["rows"]
    assert {k: v for k, v in old.items() if k not in ("coverage", "schema_version")} == {
        k: v for k, v in new.items() if k not in ("coverage", "schema_version")
    }


@pytest.mark.parametrize("fmt", ["md", "html", "junit", "sarif"])
def test_every_format_renders_both_encodings_alike(fmt: str) -> None:
    render = REPORTERS[fmt].render
    old = render(load_result(OLD)[1]).replace("schema 1.1", "schema 2.0")
    new = render(load_result(NEW)[1])
    assert old == new


def test_report_rewrites_a_1_1_result_in_its_own_encoding(tmp_path: Path) -> None:
    """`report` re-renders what it was given; it does not silently upgrade the evidence."""
    out = tmp_path / "drift.json"
    command = [sys.executable, "-m", "iac_gen", "report", str(OLD), "-f", "json", "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == OLD.read_text(encoding="utf-8")


def test_both_encodings_are_valid_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(load_schema("drift.schema.json"))
    validator.validate(_read(OLD))
    validator.validate(_read(NEW))


def _broken(tmp_path: Path, change: Any) -> Path:
    data = _read(NEW)
    change(data)
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _set(key: str, value: Any) -> Any:
    return lambda d: d.update({key: value})


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["coverage"].update(columns=["resource", "field"]), "with columns resource,"),
        (lambda d: d["coverage"]["rows"][0].pop(), "of 5-item arrays"),
        (lambda d: d["coverage"]["rows"][0].__setitem__(3, "fine"), "coverage/rows/0/3"),
        (lambda d: d["coverage"].pop("rows"), "of 5-item arrays"),
        (lambda d: d["coverage"]["rows"][0].__setitem__(0, 7), "coverage/rows/0/0: 7 is not"),
        (lambda d: d.update(coverage=entries(d)), "must be a table with columns"),  # 2.0
        (lambda d: d.update(schema_version="1.1"), "must be an array in schema 1.1"),
        (lambda d: d.update(coverage={"columns": 7, "rows": []}), "must be a table"),
    ],
)
def test_a_malformed_table_is_one_line_iac502(tmp_path: Path, change: Any, says: str) -> None:
    with pytest.raises(InputError) as caught:
        load_result(_broken(tmp_path, change))
    (line,) = [str(d) for d in caught.value.diagnostics]
    assert "IAC502" in line and says in line, line
    assert "\n" not in line and len(line) < 600, line


def test_a_row_count_that_contradicts_the_summary_is_iac504(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["coverage"]["rows"].pop())
    with pytest.raises(InputError) as caught:
        load_result(path)
    assert "IAC504" in str(caught.value.diagnostics[0])


def test_without_the_schema_the_shape_check_still_knows_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import iac_gen.report.load as load

    monkeypatch.setattr(load, "_schema_problems", lambda data: None)
    assert load_result(NEW)[1]["coverage"]["columns"] == list(COLUMNS)
    assert load_result(OLD)[1]["schema_version"] == "1.1"
    for change, says in [
        (lambda d: d["coverage"]["rows"][0].pop(), "5-item arrays"),
        (lambda d: d.update(schema_version="1.1"), "must be an array in schema 1.1"),
        (lambda d: d["coverage"].update(columns=[]), "must be a table"),
    ]:
        with pytest.raises(InputError) as caught:
            load_result(_broken(tmp_path, change))
        assert says in str(caught.value.diagnostics[0])


def test_table_and_rows_of_round_trip() -> None:
    rows = [["b/x", "f", "p", "matched", None], ["A/y", "g", "q", "drifted", "why"]]
    assert rows_of({"coverage": table(rows)}) == rows
    assert entries({"coverage": table(rows)})[1] == {
        "resource": "A/y",
        "field": "g",
        "arm_path": "q",
        "outcome": "drifted",
        "reason": "why",
    }
    assert rows_of({"coverage": []}) == () and rows_of({}) == ()


def test_a_schema_error_quoting_a_huge_value_stays_short(tmp_path: Path) -> None:
    path = _broken(tmp_path, _set("traffic", {"endpoint": "x" * 100_000}))
    with pytest.raises(InputError) as caught:
        load_result(path)
    (line,) = [str(d) for d in caught.value.diagnostics]
    assert "IAC502" in line and "traffic" in line and line.endswith("..."), line[:300]
    assert len(line) < 600
