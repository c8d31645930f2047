"""Seconds to ISO 8601 durations in the form ARM returns them."""

from __future__ import annotations

import pytest

from iac_gen.live.durations import iso_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (5, "PT5S"),
        (0.5, "PT0.5S"),
        (90, "PT1M30S"),
        (3600, "PT1H"),
        (0, "PT0S"),
        (3, "PT3S"),
        (120, "PT2M"),
        (3661.25, "PT1H1M1.25S"),
    ],
)
def test_iso_duration(seconds: float, text: str) -> None:
    assert iso_duration(seconds) == text


def test_negative_rejected() -> None:
    with pytest.raises(ValueError):
        iso_duration(-1)
