"""Each shared fact is declared in one module; a second copy elsewhere in `iac_gen/` fails.

A copy is found by walking the source's syntax trees, so a mention in a docstring or a
comment does not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from iac_gen.severity import SEVERITIES

PACKAGE = Path(__file__).resolve().parents[1] / "iac_gen"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        yield module, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _string_tuples(tree: ast.AST) -> Iterator[tuple[str, ...]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        ):
            yield tuple(str(e.value) for e in node.elts if isinstance(e, ast.Constant))


def test_the_severity_scale_is_declared_once() -> None:
    found = [m for m, tree in _modules() if SEVERITIES in set(_string_tuples(tree))]
    assert found == ["severity"]


def _vocabulary() -> set[str]:
    from iac_gen import vocabulary

    names = [n for n in vars(vocabulary) if n.endswith(("_TYPE", "_API", "_API_VERSION"))]
    return {str(getattr(vocabulary, n)).lower() for n in names} | {
        vocabulary.RESOURCE_GRAPH_PATH.lower()
    }


def test_resource_types_and_api_versions_are_spelled_once() -> None:
    words = _vocabulary()
    assert {"microsoft.insights/autoscalesettings", "2026-05-01"} <= words
    copies = sorted(
        (module, node.value)
        for module, tree in _modules()
        if module != "vocabulary"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.lower() in words
    )
    assert copies == []


# Fragments only a pattern for credentials holds: user-info in a URL, SAS signatures, tokens.
_SECRET_SHAPES = ("://)[^/@", "sig=", "bearer", "eyj", "akia", "private key", "accountkey")


def test_secret_patterns_live_in_iac_gen_secrets() -> None:
    """Every regular expression that recognises a credential is compiled in secrets.py."""
    found = sorted(
        (module, node.args[0].value)
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("compile", "search", "match", "fullmatch", "sub")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and any(shape in node.args[0].value.lower() for shape in _SECRET_SHAPES)
    )
    assert {module for module, _ in found} == {"secrets"}, found
