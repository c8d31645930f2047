"""CONTRIBUTING's recipes, followed: a throw-away rule, report format and normaliser are added
the way each recipe says, and the tool picks each one up with no other change.

Nothing is written into the package: the new module goes to a temporary folder that is put on
the package's search path (`__path__`), which is what a new file in that folder amounts to.
The CLI runs in a fresh interpreter, so its option choices are built from the registries as
they are then.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = "fixtures/example/spec.yaml"
LIVE = "fixtures/example/live.json"
DRIFTED = ("fixtures/drift-drifted/spec.yaml", "--live", "fixtures/drift-drifted/live.json")

RULE_MODULE = '''
"""MOE999: a throw-away rule that fires on every endpoint (test only)."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class ThrowAway(Rule):
    id = "MOE999"
    title = "Throw-away rule"
    severity = "low"
    category = "metadata"
    rationale = "It shows that a new module is all a rule needs."
    docs = "Fires on every endpoint."
    source = "tests/test_recipes.py"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        yield RuleHit("name", f"endpoint {spec.endpoint.name} met the throw-away rule")
'''

FORMAT_MODULE = '''
"""A throw-away report format (test only): one line per finding; for lint, one per hit."""

from __future__ import annotations

from typing import Any

from iac_gen.report.redact import redact_result


def render(result: dict[str, Any]) -> str:
    clean = redact_result(result)
    return "".join(f"{f['resource']} {f['field']}\\n" for f in clean["findings"])


def render_lint(lint_result: dict[str, Any]) -> str:
    clean = redact_result(lint_result)
    return "".join(f"{f['rule']} {f['file']}:{f['line']}\\n" for f in clean["findings"])
'''
# Recipe step 2: the one line added to `_FORMATS` in iac_gen/report/registry.py.
FORMAT_LINE = (
    '    Reporter("throwaway", "drift.throwaway.txt", "one line a finding", '
    '"iac_gen.report.throwaway", True),\n'
)


def _run(tmp_path: Path, setup: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`iac-gen ARGS` in a fresh interpreter after `setup` (Python) has run."""
    program = textwrap.dedent(setup) + "\nfrom iac_gen.cli.app import main\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1790000000", "HOME": str(tmp_path)},
        check=False,
    )


def test_add_a_lint_rule_recipe(tmp_path: Path) -> None:
    """Step 1 (one module in rules/catalog/) is all the registry, `lint` and `rules` need;
    steps 2 and 4 are enforced: the case meta-test fails until step 2 adds a case, and
    docs/rules.md is stale until step 4 (`make golden`) regenerates it."""
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "moe999_throw_away.py").write_text(RULE_MODULE, encoding="utf-8")
    setup = f"""
        import sys
        import iac_gen.rules.catalog as catalog
        catalog.__path__.append({str(catalog)!r})
        sys.argv[0] = "iac-gen"
    """
    lint = _run(tmp_path, setup, "lint", SPEC, "--select", "MOE999", "--format", "json")
    assert lint.returncode in (0, 1), lint.stderr
    findings = json.loads(lint.stdout)["findings"]
    assert [(f["rule"], f["file"]) for f in findings] == [("MOE999", SPEC)]
    assert findings[0]["line"] > 0, "the framework found the line of `name`"
    listing = _run(tmp_path, setup, "rules", "--format", "markdown")
    assert listing.returncode == 0, listing.stderr
    assert "\n## MOE999\n" in listing.stdout
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert _run(tmp_path, "", "rules", "--format", "markdown").stdout == docs
    assert listing.stdout != docs, "docs/rules.md is stale until regenerated (step 4)"
    from tests.rules.test_rule_cases import CASES

    assert "MOE999" not in CASES, "the case meta-test fails until step 2 adds one"


def _registry_with_the_line(folder: Path) -> None:
    """A copy of registry.py with FORMAT_LINE as the last entry of `_FORMATS`, and nothing
    else changed: what recipe step 2 asks for."""
    original = (ROOT / "iac_gen" / "report" / "registry.py").read_text(encoding="utf-8")
    start = original.index("_FORMATS = (\n")
    end = original.index("\n)\n", start) + 1
    edited = original[:end] + FORMAT_LINE + original[end:]
    assert len(edited.splitlines()) == len(original.splitlines()) + 1
    (folder / "registry.py").write_text(edited, encoding="utf-8")


def test_add_a_report_format_recipe(tmp_path: Path) -> None:
    """Steps 1 and 2 (a module and one `Reporter` line) are all it takes: the format is then
    a choice of `drift --format`, `lint --format` and `report --format` (and in their help),
    and the evidence writer puts it in every `drift --report` folder and its manifest."""
    package = tmp_path / "report"
    package.mkdir()
    (package / "throwaway.py").write_text(FORMAT_MODULE, encoding="utf-8")
    _registry_with_the_line(package)
    # The folder comes first on the package's path: its registry.py is the edited file.
    setup = f"""
        import sys
        import iac_gen.report as report
        report.__path__.insert(0, {str(package)!r})
        sys.argv[0] = "iac-gen"
    """
    out = tmp_path / "evidence"
    drift = _run(tmp_path, setup, "drift", *DRIFTED, "--report", str(out))
    assert drift.returncode in (0, 1), drift.stderr
    result = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    expected = "".join(f"{f['resource']} {f['field']}\n" for f in result["findings"])
    assert expected, "the drifted case has findings: the rendering has lines to compare"
    assert (out / "drift.throwaway.txt").read_text(encoding="utf-8") == expected
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "drift.throwaway.txt" in {o["path"] for o in manifest["outputs"]}

    printed = _run(tmp_path, setup, "drift", *DRIFTED, "--format", "throwaway")
    assert printed.returncode in (0, 1) and printed.stdout == expected, printed.stderr
    again = _run(tmp_path, setup, "report", str(out / "drift.json"), "--format", "throwaway")
    assert again.returncode == 0 and again.stdout == expected, again.stderr

    lint_json = _run(tmp_path, setup, "lint", SPEC, "--format", "json")
    hits = json.loads(lint_json.stdout)["findings"]
    lint = _run(tmp_path, setup, "lint", SPEC, "--format", "throwaway")
    assert lint.returncode in (0, 1), lint.stderr
    assert lint.stdout == "".join(f"{f['rule']} {f['file']}:{f['line']}\n" for f in hits)

    for command in ("drift", "lint", "report"):
        assert "throwaway" in _run(tmp_path, setup, command, "--help").stdout, command
    for args in (DRIFTED, (SPEC,)):  # without the registry line the format does not exist
        command = "drift" if args == DRIFTED else "lint"
        refused = _run(tmp_path, "", command, *args, "--format", "throwaway")
        assert refused.returncode == 2, (command, refused.stdout, refused.stderr)


def test_add_a_normaliser_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 1 (one table entry) changes what drift reports; steps 2 and 4 are enforced: the
    coverage meta-test and the normalisation doc fail until the case and doc are added."""
    from iac_gen.drift import normalisation_doc, normalise, tables
    from tests.drift import test_tables as cases

    def findings() -> list[dict[str, Any]]:
        endpoint, deployment = cases.base()
        live = cases.live_pair(endpoint, deployment)
        live[0]["properties"]["description"] = endpoint["properties"]["description"].upper()
        return cases.drift([endpoint, deployment], live)

    assert [f["arm_path"] for f in findings()] == ["properties.description"]
    entry = "properties.description"  # compared ignoring case (a throw-away entry)
    monkeypatch.setattr(tables, "CASE_INSENSITIVE", (*tables.CASE_INSENSITIVE, entry))
    normalise.rules_for.cache_clear()
    try:
        assert findings() == [], "the new entry is applied"
        stale = normalisation_doc.render()
        assert "properties.description" in stale
        assert stale != (ROOT / "docs" / "normalisation.md").read_text(encoding="utf-8")
        covered = set(cases.ML(tables.CASE_INSENSITIVE))
        assert set(cases.CASE_VALUES) != covered, "the coverage meta-test fails until step 2"
    finally:
        monkeypatch.undo()
        normalise.rules_for.cache_clear()
    assert [f["arm_path"] for f in findings()] == ["properties.description"]
