"""The registry drives every format; each sample renders to its golden, byte-stable output."""

from __future__ import annotations

import pytest

from iac_gen.report.junit import render_lint as junit_lint
from iac_gen.report.registry import REPORTERS, formats_help
from iac_gen.report.sarif import render_lint as sarif_lint

from .samples import DRIFT_SAMPLES, EXPECTED, load


def test_registry_names_every_format_once_with_its_file_name():
    assert {name: r.filename for name, r in REPORTERS.items()} == {
        "json": "drift.json",
        "md": "drift.md",
        "html": "drift.html",
        "sarif": "drift.sarif",
        "junit": "drift.junit.xml",
    }
    for name in REPORTERS:
        assert f"{name}:" in formats_help()


def test_lint_capable_formats_are_declared():
    assert sorted(n for n, r in REPORTERS.items() if r.renders_lint) == ["json", "junit", "sarif"]
    with pytest.raises(ValueError, match="does not render lint"):
        REPORTERS["md"].render_lint(load("lint"))


@pytest.mark.parametrize("sample", DRIFT_SAMPLES)
@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_golden_rendering(golden, sample, fmt):
    reporter = REPORTERS[fmt]
    text = reporter.render(load(sample))
    golden.check(EXPECTED / sample / reporter.filename, text)


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_rendering_is_deterministic(fmt):
    first = REPORTERS[fmt].render(load("drifted"))
    second = REPORTERS[fmt].render(load("drifted"))
    assert first.encode("utf-8") == second.encode("utf-8")
    assert "\r" not in first and not first.startswith("\ufeff") and first.endswith("\n")


def test_lint_goldens(golden):
    lint = load("lint")
    golden.check(EXPECTED / "lint" / "lint.sarif", sarif_lint(lint))
    golden.check(EXPECTED / "lint" / "lint.junit.xml", junit_lint(lint))
    assert sarif_lint(lint) == sarif_lint(load("lint"))


def test_context_reaches_only_the_formats_that_take_it():
    prov = {"repository_uri": "https://github.com/contoso/ml-endpoints", "revision_id": "abc"}
    sarif = REPORTERS["sarif"].render(load("drifted"), provenance=prov, hostname="runner-7")
    junit = REPORTERS["junit"].render(load("drifted"), provenance=prov, hostname="runner-7")
    md = REPORTERS["md"].render(load("drifted"), provenance=prov, hostname="runner-7")
    assert "versionControlProvenance" in sarif and "runner-7" not in sarif
    assert 'hostname="runner-7"' in junit and "contoso/ml-endpoints" not in junit
    assert md == REPORTERS["md"].render(load("drifted"))
