"""Every URL the tool writes about itself leads somewhere that exists.

SARIF's `informationUri` must be one of pyproject.toml's `project.urls`; every rule's
`helpUri` must name a file under docs/ in this repository and a heading in it (GitHub's
anchor of the heading). docs/drift-rules.md must be what its generator writes today.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from iac_gen.report import drift_rule_docs, links
from iac_gen.report.registry import REPORTERS

from .samples import DRIFT_SAMPLES, fleet, load

ROOT = Path(__file__).resolve().parents[2]
PROJECT_URLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "urls"
]


def _anchors(doc: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces become dashes."""
    found = set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def _resolves(uri: str) -> bool:
    if uri in PROJECT_URLS.values():
        return True
    docs = PROJECT_URLS["Documentation"].rstrip("/") + "/"
    if not uri.startswith(docs):
        return False
    name, _, anchor = uri[len(docs) :].partition("#")
    doc = ROOT / "docs" / name
    return doc.is_file() and (not anchor or anchor in _anchors(doc))


def _uris(sarif_text: str) -> list[str]:
    driver = json.loads(sarif_text)["runs"][0]["tool"]["driver"]
    return [driver["informationUri"]] + [r["helpUri"] for r in driver["rules"] if "helpUri" in r]


def _lint_sarif_of_every_lint_fixture() -> str:
    specs = sorted(str(p) for p in ROOT.glob("fixtures/lint-*/spec.yaml"))
    done = subprocess.run(
        [sys.executable, "-m", "iac_gen", "lint", *specs, "--format", "sarif", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_pyproject_urls_are_the_ones_the_tool_writes():
    assert PROJECT_URLS["Homepage"] == links.HOMEPAGE
    assert PROJECT_URLS["Documentation"] == links.DOCS


@pytest.mark.parametrize("sample", [*DRIFT_SAMPLES, "fleet", "lint", "lint-fixtures"])
def test_every_uri_in_sarif_resolves_to_the_repository(sample):
    if sample == "lint":
        text = REPORTERS["sarif"].render_lint(load("lint"))
    elif sample == "lint-fixtures":
        text = _lint_sarif_of_every_lint_fixture()
    else:
        text = REPORTERS["sarif"].render(fleet(20) if sample == "fleet" else load(sample))
    uris = _uris(text)
    assert len(uris) > 1 or sample in ("in_sync", "not_checked")
    assert [u for u in uris if not _resolves(u)] == []


def test_every_rule_has_a_help_uri():
    for text in (REPORTERS["sarif"].render(load("drifted")), _lint_sarif_of_every_lint_fixture()):
        rules = json.loads(text)["runs"][0]["tool"]["driver"]["rules"]
        assert rules and all("helpUri" in r for r in rules)


def test_docs_drift_rules_md_is_current():
    kept = (ROOT / "docs" / links.DRIFT_RULES_DOC).read_text(encoding="utf-8")
    assert kept == drift_rule_docs.render(), (
        "docs/drift-rules.md is stale: python -m iac_gen.report.drift_rule_docs > "
        "docs/drift-rules.md"
    )


def test_every_drift_category_has_its_own_docs_section() -> None:
    """A finding's helpUri names its category's section: a category added to the drift
    tables (e.g. `code`) must not fall back to another category's page section."""
    from iac_gen.drift.tables import CATEGORIES
    from iac_gen.report.drift_rule_docs import anchor

    page = (Path(__file__).resolve().parents[2] / "docs" / "drift-rules.md").read_text("utf-8")
    for category in CATEGORIES:
        assert anchor(f"DRIFT-{category.upper()}-X", category, "modified") == f"drift-{category}"
        assert f"\n## DRIFT-{category.upper()}\n" in page, category
