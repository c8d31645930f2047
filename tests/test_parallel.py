"""`shared_map`: the list's results in its order, whoever computed them; the two processes
meet wherever the work puts them; any failure in the worker is None (a sequential rerun)."""

from __future__ import annotations

import os
import time

import pytest

from iac_gen import parallel

needs_fork = pytest.mark.skipif(
    not parallel.worth_sharing(2, 2), reason="one core or no fork here: always sequential"
)
HOME = os.getpid()


def _tagged(item: int) -> tuple[int, bool]:
    """The item squared and whether the worker computed it; the worker is slow."""
    if os.getpid() != HOME:
        time.sleep(0.002)
    return item * item, os.getpid() != HOME


@needs_fork
@pytest.mark.parametrize("count", [0, 1, 2, 3, 63, 64, 65, 500])
def test_results_come_in_the_lists_order(count: int) -> None:
    got = parallel.shared_map(_tagged, list(range(count)))
    assert got is not None
    assert [square for square, _ in got] == [i * i for i in range(count)]
    by_worker = [index for index, (_, worker) in enumerate(got) if worker]
    # The worker's items are one run at the end of the list, however many it took.
    assert by_worker == list(range(count - len(by_worker), count))


@needs_fork
def test_the_faster_process_takes_more_of_the_list() -> None:
    got = parallel.shared_map(_tagged, list(range(640)))  # worker: 2 ms an item, here ~0
    assert got is not None
    assert sum(worker for _, worker in got) < 640 // 4  # split in halves it would be 320


def _fails_in_worker(item: int) -> int:
    time.sleep(0.001)  # both busy: the worker reaches its items
    if os.getpid() != HOME:
        raise ValueError("worker only")
    return item


def _not_sendable(item: int) -> object:
    time.sleep(0.001)
    return (lambda: item) if os.getpid() != HOME else item


@needs_fork
@pytest.mark.parametrize("function", [_fails_in_worker, _not_sendable])
def test_a_failure_in_the_worker_is_none(function: object) -> None:
    assert parallel.shared_map(function, list(range(200))) is None  # type: ignore[arg-type]


@needs_fork
def test_no_second_level_inside_a_shared_map() -> None:
    def nested(item: int) -> object:
        return parallel.shared_map(abs, [item, -item])

    got = parallel.shared_map(nested, [1, 2, 3])
    assert got == [None, None, None]
