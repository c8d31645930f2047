"""Property: whatever bytes a spec file holds, loading ends in a Spec or an InputError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from iac_gen.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_TEXT = (ROOT / "fixtures" / "example" / "spec.yaml").read_text(encoding="utf-8")
CLIV2_DEP = (ROOT / "fixtures" / "cliv2-basic" / "blue.yml").read_text(encoding="utf-8")

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_bytes(content: bytes, name: str = "spec.yaml") -> list[Spec] | InputError:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            specs = load_specs([path])
        except InputError as exc:
            assert exc.diagnostics, "an InputError must carry diagnostics"
            for diag in exc.diagnostics:
                text = str(diag)
                assert len(text.splitlines()) == 1, text
                assert diag.code.startswith("IAC")
            return exc
        assert all(isinstance(s, Spec) for s in specs)
        return specs


@SETTINGS
@given(st.binary(max_size=2048))
def test_any_bytes(content: bytes) -> None:
    load_bytes(content)


YAML_TOKENS = st.sampled_from(
    [
        "name",
        "deployments",
        "traffic",
        "- ",
        ": ",
        "\n",
        "  ",
        "&a ",
        "*a",
        "<<: ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        '"',
        "#",
        "---\n",
        "!!str ",
        "!!int ",
        "!!binary ",
        "? ",
        "|\n",
        ">-\n",
        "blue",
        "100",
        "-1",
        "1e9",
        ".nan",
        "null",
        "~",
        "yes",
        "2026-05-01",
        "\t",
        "instance_count",
        "environments",
        "dev",
        "autoscale",
        "min_instances",
        "$schema",
        "endpoint_name",
        "\ufeff",
        "é",
        "\x85",
        "\u2028",
    ]
)


@SETTINGS
@given(st.lists(YAML_TOKENS, max_size=60).map("".join))
def test_yaml_like_text(text: str) -> None:
    load_bytes(text.encode("utf-8"))


@SETTINGS
@given(st.lists(YAML_TOKENS, max_size=40).map("".join))
def test_yaml_like_cliv2_deployment_text(text: str) -> None:
    load_bytes((CLIV2_DEP + text).encode("utf-8"), "blue.yml")


@SETTINGS
@given(
    st.integers(min_value=0, max_value=len(EXAMPLE_TEXT)),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=20),
)
def test_mutated_example(position: int, cut: int, insert: str) -> None:
    mutated = EXAMPLE_TEXT[:position] + insert + EXAMPLE_TEXT[position + cut :]
    load_bytes(mutated.encode("utf-8", errors="surrogatepass"))


LINES = EXAMPLE_TEXT.splitlines(keepends=True)


@SETTINGS
@given(st.lists(st.integers(min_value=0, max_value=len(LINES) - 1), min_size=1, max_size=8))
def test_example_with_lines_removed_or_duplicated(picks: list[int]) -> None:
    lines = list(LINES)
    for pick in picks:
        index = pick % len(lines)
        if pick % 2:
            lines.insert(index, lines[index])
        elif len(lines) > 1:
            del lines[index]
    load_bytes("".join(lines).encode("utf-8"))


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
SCALAR_LINES = [
    i for i, line in enumerate(LINES) if ": " in line and not line.strip().startswith("#")
]


@SETTINGS
@given(st.sampled_from(SCALAR_LINES), VALUES)
def test_example_with_a_value_of_another_type(index: int, value: object) -> None:
    import json

    line = LINES[index]
    key, _, _ = line.partition(": ")
    lines = list(LINES)
    lines[index] = f"{key}: {json.dumps(value)}\n"
    load_bytes("".join(lines).encode("utf-8"))
