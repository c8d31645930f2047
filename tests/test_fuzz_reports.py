"""Fuzzing the inputs a hostile party can hand over besides specs: waivers files (`drift
--waivers`) and saved results (`report`). Whatever the input, the command ends as a result
(exit 0 or 1) or as one-line diagnostics (exit 2) - never a crash (exit 4), never a
traceback, never a raw control character on the console.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_main as main

ROOT = Path(__file__).resolve().parent.parent
DIAGNOSTIC = re.compile(r"^.*:\d+:\d+: (error|warning) IAC\d{3} \S")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def fresh(base: Path) -> Path:
    """A new folder per example (the pytest tmp_path is shared by all of them)."""
    import tempfile

    return Path(tempfile.mkdtemp(dir=base))


def check(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), f"exit {code}: {err}"
    assert "Traceback" not in err and "internal error" not in err
    assert RAW_CONTROL.findall(out + err) == []
    if code == 2:
        lines = err.splitlines()
        assert lines, "exit 2 without a diagnostic"
        for line in lines:
            assert DIAGNOSTIC.match(line), line


# -- text pieces ------------------------------------------------------------------------------

NASTY = st.sampled_from(
    ["\x1b[2J", "\x07", "\x00", "\x9b", "\u202e", "\udc00", "\ud800", "\n", "'", '"', "\\", "*"]
)
TEXT = st.lists(st.one_of(st.text(max_size=8), NASTY), max_size=5).map("".join)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSONISH = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


def yaml_string(text: str) -> str:
    """Any text as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


# -- waivers files --------------------------------------------------------------------------

YAML_TOKENS = st.sampled_from(
    [
        "waivers:",
        "\n",
        "  - ",
        "    ",
        "id: ",
        "resource: ",
        "field: ",
        "reason: ",
        "approver: ",
        "ticket: ",
        "expires: ",
        "2026-12-31",
        "2020-01-01",
        "2999-02-30",
        '"*"',
        "&a ",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "!!int abc",
        "!!float zz",
        "!!bool maybe",
        "!foo ",
        "!!python/object:os.system ",
        "<<: ",
        "---\n",
        "? ",
        '"\\udc00"',
        "\t",
        "null",
        "~",
        "1e400",
        "0x1F",
    ]
)

# Values YAML itself makes hostile: bad tagged scalars, unknown tags, recursive aliases,
# nesting past any limit, merge keys of the wrong kind.
HOSTILE_VALUES = [
    "!!bool maybe",
    "!!int abc",
    "!!float zz",
    "!!timestamp 2026-13-45",
    "!foo x",
    "!!python/name:os.system",
    "&a [*a]",
    "*undefined",
    "[" * 3000 + "]" * 3000,
    "{a: " * 200 + "1" + "}" * 200,
    "{<<: 5}",
    "{? [1]: 2}",
]
WAIVER_FIELDS = ("id", "resource", "field", "reason", "approver", "ticket", "expires")


@st.composite
def waiver_files(draw: Any) -> str:
    """A waivers file: mostly well-formed waivers whose values are hostile, or YAML soup."""
    kind = draw(st.integers(min_value=0, max_value=3))
    if kind == 0:
        return str(draw(st.lists(YAML_TOKENS, max_size=40).map("".join)))
    if kind == 1:
        return str(draw(st.text(max_size=300)))
    entries = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        lines = []
        for name in WAIVER_FIELDS:
            if draw(st.integers(min_value=0, max_value=9)) == 0:
                continue  # a field left out
            choice = draw(st.integers(min_value=0, max_value=4))
            if name == "expires" and choice < 3:
                value = draw(st.sampled_from(["2020-01-01", "2999-12-31", "2026-02-30", "x"]))
            elif name in ("resource", "field") and choice < 2:
                value = draw(st.sampled_from(['"*"', "credit-scoring", '"*/*"', "auth_*", "'['"]))
            elif choice == 4:
                value = draw(st.one_of(st.sampled_from(HOSTILE_VALUES), JSONISH.map(json.dumps)))
            else:
                value = yaml_string(draw(TEXT))
            lines.append(f"{name}: {value}")
        entries.append("  - " + "\n    ".join(lines))
    return "waivers:\n" + "\n".join(entries) + ("\n" if entries else " []\n")


@settings(SETTINGS, max_examples=80)  # each example is a whole drift run with reports
@given(text=waiver_files())
def test_any_waivers_file_is_a_result_or_one_line_diagnostics(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    tmp_path = fresh(tmp_path)
    path = tmp_path / "waivers.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    report = tmp_path / "out"
    args = ["drift", "fixtures/example/spec.yaml", "--live", "fixtures/example/live.json"]
    args += ["--env", "prod", "--waivers", str(path), "--report", str(report)]
    args += ["--format", "md", "--format", "html", "--format", "sarif", "--format", "junit"]
    code, out, err = main(args, capsys)
    check(code, out, err)
    if code == 2:
        assert not report.exists()  # nothing half-written
    else:
        assert (report / "drift.json").is_file()


# -- report input ---------------------------------------------------------------------------

SAMPLES = {
    name: json.loads((ROOT / "tests/report/data" / f"{name}.json").read_text(encoding="utf-8"))
    for name in ("drifted", "in_sync", "not_checked", "lint")
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def report_inputs(draw: Any) -> str:
    """A saved result with a few parts replaced, deleted or relabelled, or JSON soup."""
    kind = draw(st.integers(min_value=0, max_value=4))
    if kind == 0:
        return json.dumps(draw(JSONISH), allow_nan=True)
    if kind == 1:
        return str(draw(st.text(max_size=200)))
    data = copy.deepcopy(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.integers(min_value=0, max_value=3))
        if action == 0:
            del parent[path[-1]]
        elif action == 1:
            parent[path[-1]] = draw(JSONISH)
        elif action == 2:
            parent[path[-1]] = draw(st.sampled_from(["in_sync", "drifted", True, 0, None, -1]))
        else:
            parent[path[-1]] = draw(TEXT)
    text = json.dumps(data, allow_nan=True)
    if draw(st.integers(min_value=0, max_value=5)) == 0:  # a huge integer or deep nesting
        text = text.replace("0", "9" * 5000, 1) if "0" in text else "[" * 5000 + "]" * 5000
    return text


@SETTINGS
@given(text=report_inputs(), fmt=st.sampled_from(["md", "html", "sarif", "junit", "json"]))
def test_any_report_input_is_a_rendering_or_one_line_diagnostic(
    text: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path = fresh(tmp_path)
    path = tmp_path / "result.json"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    output = tmp_path / f"out.{fmt}"
    code, out, err = main(["report", str(path), "--format", fmt, "-o", str(output)], capsys)
    check(code, out, err)
    if code == 2:
        assert len(err.splitlines()) == 1 and not output.exists()
    else:
        assert code == 0 and output.is_file()
