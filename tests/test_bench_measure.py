"""The benchmarks word a verdict alike (`_measure.at_most`): the target itself is within it."""

from __future__ import annotations

from tests.benchmark_scripts import benchmark_module


def test_a_ratio_at_or_under_its_target_is_ok_and_over_it_is_not() -> None:
    measure = benchmark_module("_measure")
    assert measure.at_most(2.0, 2.0) == "target <= 2.0x: ok"
    assert measure.at_most(1.25, 1.3) == "target <= 1.3x: ok"
    assert measure.at_most(2.01, 2.0) == "target <= 2.0x: OVER"
