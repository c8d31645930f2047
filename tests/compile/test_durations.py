"""ISO 8601 durations: the same strings isodate (and so Azure's SDK) produces."""

from __future__ import annotations

import pytest

from iac_gen.durations import iso_duration_ms, iso_duration_s, iso_minutes


@pytest.mark.parametrize(
    ("ms", "iso"),
    [
        (500, "PT0.5S"),
        (1500, "PT1.5S"),
        (5000, "PT5S"),
        (60000, "PT1M"),
        (90000, "PT1M30S"),
        (3600000, "PT1H"),
        (90061000, "P1DT1H1M1S"),
        (86400000, "P1D"),
        (1, "PT0.001S"),
        (180000, "PT3M"),
        (3723450, "PT1H2M3.45S"),
    ],
)
def test_milliseconds(ms: int, iso: str) -> None:
    assert iso_duration_ms(ms) == iso


@pytest.mark.parametrize(
    ("s", "iso"), [(10, "PT10S"), (600, "PT10M"), (2, "PT2S"), (3661, "PT1H1M1S")]
)
def test_seconds(s: int, iso: str) -> None:
    assert iso_duration_s(s) == iso


def test_zero_and_none_are_dropped_like_the_sdk() -> None:
    assert iso_duration_ms(0) is None
    assert iso_duration_s(0) is None
    assert iso_duration_ms(None) is None


def test_negative_is_refused() -> None:
    with pytest.raises(ValueError):
        iso_duration_ms(-1)


def test_minutes_for_monitor_windows() -> None:
    assert iso_minutes(5) == "PT5M"
    assert iso_minutes(60) == "PT1H"


def test_matches_isodate_when_available() -> None:
    isodate = pytest.importorskip("isodate")
    from datetime import timedelta

    for ms in (1, 499, 500, 999, 1001, 59999, 61000, 3599999, 86399999, 90061000, 123456789):
        assert iso_duration_ms(ms) == isodate.duration_isoformat(timedelta(milliseconds=ms)), ms
