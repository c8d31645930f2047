"""Meta-tests: `iac_gen/codes.py` lists exactly the diagnostic codes the source raises.

The source is walked as the rule catalogue's meta-test walks `rules/catalog/`: every string
constant that is a whole code (`"IAC123"`) in a module under `iac_gen/` counts as that module
raising it (docstrings and comments that mention a code do not). Both directions fail: a
raised code missing from the catalogue, and a listed code no module raises; and each entry's
`raised_by` must name exactly the modules that raise it.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from iac_gen.codes import CODES, NOT_FROM_FIXTURES, RETIRED, STAGES, Code

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "iac_gen"
CATALOGUE = "codes"  # the module itself, left out of the walk
CODE = re.compile(r"IAC\d{3}")
# The first code of each stage's range, and the first code past it.
RANGES = {
    "read": (1, 100),
    "shape": (100, 200),
    "meaning": (200, 300),
    "output": (300, 310),
    "options": (310, 320),
    "compile": (320, 330),
    "export": (330, 340),
    "usage": (340, 350),
    "lint": (350, 360),
    "settings": (360, 400),
    "live": (400, 420),
    "waivers": (420, 430),
    "drift": (430, 440),
    "whatif": (440, 500),
    "report": (500, 600),
}


def raised_codes(package: Path) -> dict[str, set[str]]:
    """Code -> the modules (dotted, below the package) whose source holds it as a constant."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if module == CATALOGUE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if CODE.fullmatch(node.value):
                found.setdefault(node.value, set()).add(module)
    return found


def catalogue_problems(catalogue: Mapping[str, Code], found: Mapping[str, set[str]]) -> list[str]:
    """Every disagreement between the catalogue and the source, one line each."""
    problems = [
        f"{c} is raised in {sorted(found[c])} but not listed" for c in found if c not in catalogue
    ]
    problems += [f"{c} is listed but raised nowhere" for c in catalogue if c not in found]
    for code in sorted(set(catalogue) & set(found)):
        declared = set(catalogue[code].raised_by.split())
        if declared != found[code]:
            problems.append(
                f"{code} raised_by {sorted(declared)}, but raised in {sorted(found[code])}"
            )
    return sorted(problems)


def test_every_raised_code_is_listed_and_every_listed_code_is_raised() -> None:
    assert catalogue_problems(CODES, raised_codes(PACKAGE)) == []


def test_the_walk_catches_a_planted_code_and_a_dead_entry(tmp_path: Path) -> None:
    """The meta-test is not vacuous: a copy of the package with a new code, a code raised
    from one more module and a code no longer raised shows each of them."""
    copy = tmp_path / "iac_gen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert catalogue_problems(CODES, raised_codes(copy)) == []
    (copy / "planted.py").write_text(
        "from iac_gen.diagnostics import error\n\n\ndef f() -> None:\n"
        '    raise error("IAC999", "planted", "x")\n\n\nBAD_ITEM = "IAC415"\n',
        encoding="utf-8",
    )
    whatif = copy / "plan" / "whatif.py"
    whatif.write_text(whatif.read_text(encoding="utf-8").replace('"IAC441"', '"IAC440"'), "utf-8")
    bad_item = sorted(CODES["IAC415"].raised_by.split())
    assert catalogue_problems(CODES, raised_codes(copy)) == [
        f"IAC415 raised_by {bad_item}, but raised in {sorted([*bad_item, 'planted'])}",
        "IAC441 is listed but raised nowhere",
        "IAC999 is raised in ['planted'] but not listed",
    ]


def test_entries_are_complete_and_in_their_stage_range() -> None:
    assert list(CODES) == sorted(CODES), "keep the catalogue in code order"
    for code, entry in CODES.items():
        assert CODE.fullmatch(code), code
        assert entry.stage in STAGES, (code, entry.stage)
        low, high = RANGES[entry.stage]
        assert low <= int(code[3:]) < high, (code, entry.stage)
        assert entry.meaning and entry.meaning == entry.meaning.strip(), code
        assert not entry.meaning.endswith("."), code
    assert set(RANGES) == set(STAGES)


def test_retired_codes_stay_retired() -> None:
    assert not set(RETIRED) & set(CODES)
    assert not set(RETIRED) & set(raised_codes(PACKAGE))
    assert set(CODES) >= NOT_FROM_FIXTURES
