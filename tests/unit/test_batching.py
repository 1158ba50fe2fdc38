"""Group commit: requests that arrive while a batch runs share the next one."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from plumbing.batching import Batcher


class Recorder:
    """A handler that remembers its batches and can be held inside one."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.inside = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        self.inside.set()
        assert self.release.wait(5)
        if any(i < 0 for i in items):
            raise ValueError(f"negative item in {items}")
        return [i * 10 for i in items]


def test_a_lone_item_is_handled_at_once() -> None:
    handler = Recorder()
    batcher = Batcher(handler)
    assert batcher.submit(4).result(timeout=5) == 40
    assert handler.batches == [[4]]


def test_items_queued_while_a_batch_runs_share_the_next_batch_in_order() -> None:
    handler = Recorder()
    handler.release.clear()
    batcher = Batcher(handler, max_batch=3)
    first = batcher.submit(1)
    assert handler.inside.wait(5)
    waiting = [batcher.submit(i) for i in range(2, 7)]
    handler.release.set()
    assert first.result(5) == 10
    assert [f.result(5) for f in waiting] == [20, 30, 40, 50, 60]
    assert handler.batches == [[1], [2, 3, 4], [5, 6]]


def test_a_failing_batch_fails_only_the_bad_item() -> None:
    handler = Recorder()
    handler.release.clear()
    batcher = Batcher(handler)
    first = batcher.submit(1)
    assert handler.inside.wait(5)
    good, bad, other = batcher.submit(2), batcher.submit(-3), batcher.submit(4)
    handler.release.set()
    assert first.result(5) == 10
    assert good.result(5) == 20 and other.result(5) == 40
    with pytest.raises(ValueError, match="negative item in \\[-3\\]"):
        bad.result(5)
    assert handler.batches == [[1], [2, -3, 4], [2], [-3], [4]]


def test_an_error_that_is_no_items_fault_fails_the_batch_at_once() -> None:
    calls: list[list[int]] = []
    inside, release = threading.Event(), threading.Event()

    def database_down(items: list[int]) -> list[int]:
        calls.append(items)
        inside.set()
        assert release.wait(5)
        raise ConnectionError("the database is down")

    batcher = Batcher(database_down, retry_alone=lambda exc: not isinstance(exc, ConnectionError))
    first = batcher.submit(0)
    assert inside.wait(5)
    rest = [batcher.submit(i) for i in (1, 2, 3)]
    release.set()
    for future in [first, *rest]:
        with pytest.raises(ConnectionError):
            future.result(5)
    assert calls == [[0], [1, 2, 3]]  # not tried again one by one


def test_a_handler_giving_the_wrong_number_of_outcomes_fails_the_request() -> None:
    batcher: Batcher[int, int] = Batcher(lambda items: [])
    with pytest.raises(RuntimeError, match="0 outcomes for 1 items"):
        batcher.submit(1).result(5)


def test_the_thread_ends_when_idle_and_a_new_item_starts_another() -> None:
    handler = Recorder()
    batcher = Batcher(handler, idle_seconds=0.05, name="idle-test")
    assert batcher.submit(1).result(5) == 10
    deadline = time.monotonic() + 5
    while any(t.name == "idle-test" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the batcher's thread did not end"
        time.sleep(0.01)
    assert batcher.submit(2).result(5) == 20


def test_run_awaits_the_outcome_without_blocking_the_event_loop() -> None:
    handler = Recorder()
    handler.release.clear()
    batcher = Batcher(handler)

    async def main() -> list[int]:
        waiting = [asyncio.ensure_future(batcher.run(i)) for i in (1, 2, 3)]
        while not handler.inside.is_set():  # the loop keeps running while the batch is held
            await asyncio.sleep(0.01)
        handler.release.set()
        return list(await asyncio.gather(*waiting))

    assert asyncio.run(main()) == [10, 20, 30]


def test_a_batch_wakes_the_event_loop_once_for_all_its_coroutines() -> None:
    """One call into the loop per batch, not one per request: under load each wake-up of
    the loop was a write to its self-pipe and a pass through its callbacks."""
    handler = Recorder()
    handler.release.clear()
    batcher = Batcher(handler)
    wakes: list[int] = []

    async def main() -> list[int | str]:
        loop = asyncio.get_running_loop()
        real = loop.call_soon_threadsafe

        def counted(callback: Any, *args: Any, **kwargs: Any) -> Any:
            wakes.append(len(args[0]) if args and isinstance(args[0], list) else 0)
            return real(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        first = asyncio.ensure_future(batcher.run(1))
        while not handler.inside.is_set():
            await asyncio.sleep(0.01)
        rest = [asyncio.ensure_future(batcher.run(i)) for i in (2, -3, 4, 5)]
        gone = asyncio.ensure_future(batcher.run(6))
        await asyncio.sleep(0.01)
        gone.cancel()  # its client hung up: the others are answered all the same
        handler.release.set()
        outcomes: list[int | str] = [await first]
        for future in rest:
            try:
                outcomes.append(await future)
            except ValueError as exc:
                outcomes.append(str(exc))
        return outcomes

    assert asyncio.run(main()) == [10, 20, "negative item in [-3]", 40, 50]
    # the first batch alone, then the five queued behind it (tried one by one, since one
    # of them failed): two wake-ups, the second carrying five outcomes
    assert handler.batches[:2] == [[1], [2, -3, 4, 5, 6]]
    assert wakes == [1, 5]


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        Batcher(Recorder(), max_batch=0)


def test_close_finishes_what_is_queued_and_ends_the_thread() -> None:
    handler = Recorder()
    handler.release.clear()
    batcher = Batcher(handler, idle_seconds=60, name="close-test")
    first = batcher.submit(1)
    assert handler.inside.wait(5)
    second = batcher.submit(2)
    closing = threading.Thread(target=batcher.close)
    closing.start()
    handler.release.set()
    closing.join(5)
    assert not closing.is_alive()
    assert (first.result(0), second.result(0)) == (10, 20)
    assert not any(t.name == "close-test" for t in threading.enumerate())
    assert batcher.submit(3).result(5) == 30  # and it starts again
    batcher.close()
