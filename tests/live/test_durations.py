"""Live output in CLI units (seconds, milliseconds) to ISO 8601 durations."""

from __future__ import annotations

import pytest

from iac_gen.durations import seconds_to_duration


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
    assert seconds_to_duration(seconds) == text


def test_milliseconds_are_exact() -> None:
    assert seconds_to_duration(1001, "0.001") == "PT1.001S"
    assert seconds_to_duration(90000, "0.001") == "PT1M30S"


def test_negative_keeps_its_sign() -> None:
    assert seconds_to_duration(-1) == "-PT1S"
