"""No function in `iac_gen/` runs over 60 lines unless its docstring says why.

A function's length is counted from its `def` line to its last line (signature, docstring
and body; decorators not). A longer one passes only when its docstring holds the marker
"Long because" followed by the reason (a CLI command whose signature is its option list, a
document written out field by field). Split the others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "iac_gen"
LIMIT = 60
MARKER = "Long because"


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """(qualified name, node) of every function, methods and nested functions included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(package: Path) -> dict[tuple[str, str], bool]:
    """(file below the package, qualified name) -> whether the docstring gives a reason,
    for every function over LIMIT lines."""
    found: dict[tuple[str, str], bool] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name, node in _functions(tree):
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            end = node.end_lineno or node.lineno
            if end - node.lineno + 1 > LIMIT:
                reason = MARKER in (ast.get_docstring(node) or "")
                found[(path.relative_to(package).as_posix(), name)] = reason
    return found


def test_long_functions_say_why() -> None:
    found = long_functions(PACKAGE)
    unexplained = sorted(key for key, reason in found.items() if not reason)
    assert unexplained == [], (
        f"functions over {LIMIT} lines: split them, or say why in the docstring "
        f"({MARKER!r} ...): {unexplained}"
    )


def test_the_walk_finds_a_planted_long_function(tmp_path: Path) -> None:
    """The check is not vacuous: a long method fails, a reason passes, a short one is not seen."""
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    (tmp_path / "mod.py").write_text(
        "class C:\n"
        f"    def long(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n"
        f'def explained():\n    """{MARKER} it is a table."""\n{body}\n'
        "def short():\n    return 1\n",
        encoding="utf-8",
    )
    assert long_functions(tmp_path) == {("mod.py", "C.long"): False, ("mod.py", "explained"): True}
