"""Every format of one evidence folder is rendered from one redacted result and one view.

Redacting a fleet result and building its Markdown/HTML view are each seconds of work; the
evidence writer does them once, whatever the number of formats (bench_fleet_drift.py times
every format against json alone).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.report import redact, view
from iac_gen.report.evidence import write_evidence

from .samples import load


def test_one_redaction_and_one_view_for_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"redacted": 0, "view": 0}
    real_redact, real_view = redact.Redacted.__init__, view._view

    def counted_redacted(self: redact.Redacted, *args: object, **kwargs: object) -> None:
        calls["redacted"] += 1
        real_redact(self, *args, **kwargs)

    def counted_view(*args: object, **kwargs: object) -> view.ReportView:
        calls["view"] += 1
        return real_view(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(redact.Redacted, "__init__", counted_redacted)
    monkeypatch.setattr(view, "_view", counted_view)
    written = write_evidence(load("drifted"), tmp_path / "evidence", inputs=[], sources=[])
    assert {p.name for p in written} >= {"drift.md", "drift.html", "drift.json", "drift.sarif"}
    assert calls == {"redacted": 1, "view": 1}


def test_a_view_is_kept_per_redacted_result_not_shared_between_results() -> None:
    first, second = redact.redact_result(load("drifted")), redact.redact_result(load("in_sync"))
    assert view.build_view(first) is view.build_view(first)
    assert view.build_view(first) is not view.build_view(second)
    assert view.build_view(first).status != view.build_view(second).status
