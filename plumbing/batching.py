"""Group commit: requests that arrive while a transaction runs share the next one.

A web request hands its item to a `Batcher` and awaits the outcome. One thread takes
everything queued so far (up to `max_batch`), hands it to `handle` in one call — one
transaction for all of them — and resolves each request with its own outcome. Nothing is
held back to wait for company: a lone request is handled at once; under load, batches
grow by themselves while the previous transaction commits. Each request still returns
only after its own rows are committed. If a batch fails as a whole, each of its items is
tried alone, so that one bad item fails only its own request — unless `retry_alone` says
the error is not an item's fault (the database is down: every item would wait for it again).

A coroutine's outcome comes back through its event loop: one wake-up of the loop per batch,
not one per request.

The thread starts on the first item and ends after `idle_seconds` without work (or at
`close`), so an application that is created and dropped (tests) leaves nothing running.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(
        self,
        handle: Callable[[list[T]], Sequence[R]],
        *,
        max_batch: int = 64,
        idle_seconds: float = 5.0,
        name: str = "batcher",
        retry_alone: Callable[[Exception], bool] = lambda exc: True,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._handle = handle
        self._max_batch = max_batch
        self._idle_seconds = idle_seconds
        self._name = name
        self._retry_alone = retry_alone
        # Each item with where its outcome goes: a thread's Future, or a coroutine's
        # asyncio future with its loop.
        self._queue: deque[tuple[T, _Sink]] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False

    def submit(self, item: T) -> Future[R]:
        """Queue `item`; the future resolves with its outcome or the batch's error."""
        future: Future[R] = Future()
        self._enqueue(item, future)
        return future

    async def run(self, item: T) -> R:
        """`submit` for a coroutine: awaits the outcome without blocking the event loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._enqueue(item, (loop, future))
        return await future

    def close(self) -> None:
        """Finish what is queued and end the thread now, not after `idle_seconds` (a later
        `submit` starts another)."""
        with self._wake:
            thread = self._thread
            if thread is None:
                return
            self._closing = True
            self._wake.notify()
        thread.join()

    def _enqueue(self, item: T, sink: _Sink) -> None:
        with self._wake:
            self._queue.append((item, sink))
            if self._thread is not None:
                self._wake.notify()
            else:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._queue and not self._closing:
                    self._wake.wait(timeout=self._idle_seconds)
                if not self._queue:
                    self._thread, self._closing = None, False
                    return
                size = min(len(self._queue), self._max_batch)
                batch = [self._queue.popleft() for _ in range(size)]
            settled: list[tuple[_Sink, bool, Any]] = []
            try:
                self._process(batch, settled)
            finally:
                _settle(settled)

    def _process(
        self, batch: list[tuple[T, _Sink]], settled: list[tuple[_Sink, bool, Any]]
    ) -> None:
        """Each item's outcome (True) or error (False), added to `settled`."""
        try:
            outcomes = self._handle([item for item, _ in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{self._name}: {len(outcomes)} outcomes for {len(batch)} items")
        except BaseException as exc:
            if len(batch) > 1 and isinstance(exc, Exception) and self._retry_alone(exc):
                # one bad item must not fail the others: each on its own
                for one in batch:
                    self._process([one], settled)
                return
            settled.extend((sink, False, exc) for _, sink in batch)
            if not isinstance(exc, Exception):
                raise
            return
        settled.extend(
            (sink, True, outcome) for (_, sink), outcome in zip(batch, outcomes, strict=True)
        )


_Sink = Future[Any] | tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


def _settle(settled: list[tuple[_Sink, bool, Any]]) -> None:
    """Resolve every sink: threads' futures here, each event loop's in one call on it."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]] = {}
    for sink, ok, value in settled:
        if isinstance(sink, Future):
            if sink.cancelled():
                continue
            if ok:
                sink.set_result(value)
            else:
                sink.set_exception(value)
        else:
            loop, future = sink
            by_loop.setdefault(loop, []).append((future, ok, value))
    for loop, futures in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            loop.call_soon_threadsafe(_resolve, futures)


def _resolve(futures: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for future, ok, value in futures:
        if future.cancelled():  # its request went away (the client hung up)
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)
