"""Work that outlives the request that started it (settling budgets, extracting memories): kept
alive until done, failures logged, awaited when the owner closes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    def __init__(self, what: str, close_timeout_s: float = 30.0):
        self.what = what  # names the work in the log: "settling a request"
        self.close_timeout_s = close_timeout_s
        self._tasks: set[asyncio.Task[Any]] = set()

    def run(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", self.what, exc_info=task.exception())

    async def close(self) -> None:
        """Wait for what is running (tasks it starts included), up to close_timeout_s; then
        cancel the rest."""
        deadline = asyncio.get_running_loop().time() + self.close_timeout_s
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                for task in list(self._tasks):
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                return
            await asyncio.wait(set(self._tasks), timeout=left)
