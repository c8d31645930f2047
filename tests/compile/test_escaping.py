"""Values never become template syntax: whatever text a spec holds comes back unchanged.

A property-based test puts random strings (quotes, brackets, `${`, `{{`, `{%`, newlines,
unicode) into descriptions, tags and environment variables, compiles, and reads them back
from main.json (after ARM's `[[` rule), from main.bicep (parsed by pycep-parser, then
unescaped) and from resources.json.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pycep import BicepParser

from iac_gen.emit.compile import compile_spec
from iac_gen.emit.values import arm_literal, arm_unescape, bicep_string, bicep_unescape
from tests.compile.evaluate import ArmEvaluator, BicepEvaluator
from tests.compile.handmade import SUB, credit_scoring

TRICKY = st.sampled_from(
    [
        "[",
        "]",
        "[[",
        "'",
        '"',
        "\\",
        "${",
        "{{",
        "}}",
        "{%",
        "%}",
        "\n",
        "\r",
        "\t",
        "\x00",
        "\u2028",
        "é",
        "😀",
        "$",
        "`",
    ]
)
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=6)), max_size=8).map("".join)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("[concat('a')]", "[[concat('a')]"),
        ("[not an expression", "[not an expression"),
        ("plain]", "plain]"),
        ("[[already]", "[[[already]"),
        ("[]", "[[]"),
        ("[[no closing bracket", "[[no closing bracket"),
    ],
)
def test_arm_literal_rule(text: str, written: str) -> None:
    assert arm_literal(text) == written
    assert arm_unescape(written) == text


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("it's", "'it\\'s'"),
        ("a\\b", "'a\\u{5C}b'"),
        ("ends\\", "'ends\\u{5C}'"),
        ("${x}", "'\\u{24}{x}'"),
        ("$x", "'$x'"),
        ("l1\nl2\r\t", "'l1\\nl2\\r\\t'"),
        ("\x07\u2028", "'\\u{7}\\u{2028}'"),
    ],
)
def test_bicep_string_rule(text: str, written: str) -> None:
    assert bicep_string(text) == written
    assert bicep_unescape(written[1:-1]) == text


@settings(max_examples=500, deadline=None)
@example(text="\x7f")  # DEL: ASCII, not printable
@example(text="\x9f")  # a C1 control: not ASCII
@example(text="a $ {b} $")  # a `$` not followed by `{`
@given(text=st.one_of(TEXT, st.text(alphabet=st.characters(max_codepoint=0x2030))))
def test_bicep_string_quick_path_writes_what_the_pattern_writes(text: str) -> None:
    """Plain text skips the escape pattern (`bicep_string`); it must come out the same."""
    from iac_gen.emit.values import _BICEP_SPECIAL, _bicep_escape

    assert bicep_string(text) == "'" + _BICEP_SPECIAL.sub(_bicep_escape, text) + "'"


def _endpoint(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in resources if r["type"].endswith("onlineEndpoints"))


def _blue(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        r for r in resources if r["type"].endswith("deployments") and r["name"].endswith("/blue")
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(
    description="d",
    tag_key="[subscription().id]",
    tag_value="v",
    env_key="copy",
    env_value="[x]",
    prop_key="[]",
    dep_description="d",
)
@example(
    description="d",
    tag_key="null",
    tag_value="v",
    env_key="true",
    env_value="v",
    prop_key="false",
    dep_description="d",
)
@given(
    description=TEXT,
    tag_key=TEXT,
    tag_value=TEXT,
    env_key=TEXT,
    env_value=TEXT,
    prop_key=TEXT,
    dep_description=TEXT,
)
def test_random_text_round_trips(
    description: str,
    tag_key: str,
    tag_value: str,
    env_key: str,
    env_value: str,
    prop_key: str,
    dep_description: str,
) -> None:
    # pycep-parser returns an identifier and a string literal alike; skip the few texts
    # that equal a parameter or symbol name, which would read back as that reference.
    assume(
        not {description, tag_value, env_value, dep_description}
        & {"workspaceName", "location", "endpoint"}
    )
    # Keys are free text too: `[...]` keys and `copy` must come back as written.
    assume(tag_key and tag_key not in ("owner", "approvers") and env_key and prop_key)
    base = credit_scoring(description=description, tags={tag_key: tag_value})
    blue = replace(
        base.deployments[0],
        description=dep_description,
        environment_variables={env_key: env_value},
        properties={prop_key: env_value},
    )
    spec = replace(base, deployments=(blue, base.deployments[1]))
    files = compile_spec(spec)

    def check(resources: list[dict[str, Any]], where: str) -> None:
        ep, dep = _endpoint(resources), _blue(resources)
        assert ep["properties"]["description"] == description, where
        assert ep["tags"][tag_key] == tag_value, where
        assert dep["properties"]["description"] == dep_description, where
        assert dep["properties"]["environmentVariables"] == {env_key: env_value}, where
        assert dep["properties"]["properties"] == {prop_key: env_value}, where

    check(json.loads(files["resources.json"]), "resources.json")
    template = json.loads(files["main.json"])
    check(ArmEvaluator(template, SUB, "rg-mlops-prod").resources(template), "main.json")
    tree = BicepParser().parse(text=files["main.bicep"])
    check(BicepEvaluator(tree, SUB, "rg-mlops-prod").resources(), "main.bicep")
