"""Where spaCy runs for `NerDetector`, so that concurrent callers do not queue for one core.

Callers submit texts to a `Batcher` and block on a future each. One thread takes what is
queued — a single text when it comes alone (no wait added), everything that queued meanwhile
under load — and hands it, as one batch, to what runs the pipeline:

- this process (`privacy.ner_workers: 0`): the batcher's thread owns the pipeline and runs
  each batch with `nlp.pipe` (batched matrix products: more texts per second from one core);
  the callers turn the entities into findings (`NerDetector.detect`);
- `WorkerPool` (`privacy.ner_workers: N`): N processes, started with `spawn` (never `fork` a
  process whose threads may hold locks), each loading the model once; a batch goes to a free
  worker, which returns the texts' findings. Up to N batches run at once (and N wait).

An error in one text fails that text's caller only: a batch that raises is run again one
text at a time. A worker process that dies fails its batch; the next batch starts a new pool.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from homeport.types import Finding

log = logging.getLogger(__name__)

Out = TypeVar("Out")
Result = list[Out | BaseException]  # per item: its result, or what it raised
Entity = tuple[str, int, str]  # a spaCy entity: (label, start character, text)
MAX_ITEMS = 32  # texts in one batch at most
MAX_CHARS = 200_000  # characters in one batch at most (a longer text goes alone)
_READY_TIMEOUT_S = 180.0
_PARENT_POLL_S = 1.0


def load_pipeline(model: str) -> Any:
    """The spaCy pipeline `model` with only what its entity recogniser needs enabled."""
    import spacy

    nlp = spacy.load(model)
    keep = {"ner"}
    for name, pipe in nlp.pipeline:  # a shared tok2vec feeds ner only if it listens
        if "ner" in getattr(pipe, "listening_components", ()):
            keep.add(name)
    nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in keep])
    return nlp


def entities(doc: Any) -> list[Entity]:
    return [(e.label_, e.start_char, e.text) for e in doc.ents]


def pipe_entities(nlp: Any, texts: list[str]) -> list[list[Entity]]:
    """Each text's entities, the texts run together (`nlp.pipe`)."""
    return [entities(doc) for doc in nlp.pipe(texts, batch_size=max(len(texts), 1))]


def each(run: Callable[[list[str]], list[Out]], items: list[str]) -> Result[Out]:
    """`run(items)`; when that raises, each item on its own, so only a failing one fails."""
    try:
        return list(run(items))
    except Exception as e:
        if len(items) == 1:
            return [e]
    out: Result[Out] = []
    for item in items:
        try:
            out.extend(run([item]))
        except Exception as e:
            out.append(e)
    return out


class Batcher(Generic[Out]):
    """Batches of the texts submitted, handed to `run`, at most `slots` batches at a time.

    `run` returns a future of the batch's results (done already when it ran in the batcher's
    thread). A batch takes what is queued (up to `max_items` and `max_chars`) divided by
    `slots`: one batch taking everything would leave the other workers idle."""

    def __init__(self, run: Callable[[list[str]], Future[Result[Out]]], *, slots: int = 1,
                 max_items: int = MAX_ITEMS, max_chars: int = MAX_CHARS,
                 name: str = "ner-batcher") -> None:
        self._run = run
        self.slots = slots
        self._slots = threading.Semaphore(slots)
        self.max_items, self.max_chars = max_items, max_chars
        self._queue: queue.SimpleQueue[tuple[str, Future[Out]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        # the thread holds no reference to the batcher while it waits: a batcher nobody
        # holds (never closed) is collected, and its thread stops
        self._thread = threading.Thread(target=_serve, name=name, daemon=True,
                                        args=(weakref.ref(self), self._queue, self._slots))
        self._thread.start()
        weakref.finalize(self, self._queue.put, None)

    def submit(self, text: str) -> Future[Out]:
        future: Future[Out] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("NER has been closed")
            self._queue.put((text, future))
        return future

    def close(self) -> None:
        """Run what is queued, then stop the thread (batches still running are not waited
        for: close what `run` hands them to)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _dispatch(self, first: tuple[str, Future[Out]]) -> bool:
        """Run `first` and its share of what is queued; whether the batcher was closed."""
        share = -(-(1 + self._queue.qsize()) // self.slots)  # ceiling division
        batch, chars, stop = [first], len(first[0]), False
        while len(batch) < min(share, self.max_items) and chars < self.max_chars:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                stop = True
                break
            batch.append(item)
            chars += len(item[0])
        try:
            done = self._run([text for text, _ in batch])
        except BaseException as e:  # handed to the callers
            done = Future()
            done.set_exception(e)
        done.add_done_callback(functools.partial(self._finish, batch))
        return stop

    def _finish(self, batch: list[tuple[str, Future[Out]]], done: Future[Result[Out]]) -> None:
        try:
            try:
                results = done.result()
            except BaseException as e:  # handed to the callers
                results = [e] * len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        finally:
            self._slots.release()


def _serve(ref: weakref.ReferenceType[Batcher[Any]],
           waiting: queue.SimpleQueue[tuple[str, Future[Any]] | None],
           slots: threading.Semaphore) -> None:
    """The batcher's thread: a batch whenever a slot is free and something is queued."""
    while True:
        slots.acquire()
        first = waiting.get()
        batcher = ref() if first is not None else None
        if first is None or batcher is None:
            return
        if batcher._dispatch(first):
            return
        del batcher


def in_thread(nlp: Any) -> Batcher[list[Entity]]:
    """A batcher whose thread runs `nlp` on the pieces of text callers submit."""

    def run(pieces: list[str]) -> Future[Result[list[Entity]]]:
        done: Future[Result[list[Entity]]] = Future()
        done.set_result(each(functools.partial(pipe_entities, nlp), pieces))
        return done

    return Batcher(run)


class WorkerPool:
    """`workers` processes that find NER findings in whole texts, each with its own model."""

    def __init__(self, model: str, workers: int) -> None:
        self.model, self.workers = model, workers
        self._lock = threading.Lock()
        self._pools: list[ProcessPoolExecutor] = []  # this one's, shut down when collected
        self._pool = self._new_pool()
        weakref.finalize(self, _shut_down, self._pools)
        # two batches per worker: one runs, the next waits in the pool for the first free
        self.batcher: Batcher[list[Finding]] = Batcher(self._submit, slots=2 * workers,
                                                       name="ner-dispatch")

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.model,))
        self._pools.append(pool)
        return pool

    def start(self) -> None:
        """Wait until every worker has loaded the model; raise what loading raised."""
        pids: set[int] = set()
        deadline = time.monotonic() + _READY_TIMEOUT_S
        while len(pids) < self.workers and time.monotonic() < deadline:
            futures = [self._pool.submit(_ready) for _ in range(self.workers)]
            pids.update(f.result() for f in futures)

    def _submit(self, texts: list[str]) -> Future[Result[list[Finding]]]:
        with self._lock:
            try:
                return self._pool.submit(_detect, texts)
            except BrokenProcessPool:  # a worker died (its batch failed): start anew
                log.warning("an NER worker process died; starting new ones")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                return self._pool.submit(_detect, texts)
                return self._pool.submit(_detect, texts)

    def close(self) -> None:
        self.batcher.close()
        with self._lock:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def pids(self) -> list[int]:
        return [p.pid for p in (self._pool._processes or {}).values() if p.pid is not None]


def _shut_down(pools: list[ProcessPoolExecutor]) -> None:
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)


class _Worker:
    """What a worker process holds: its pipeline, loaded once by the pool's initializer (in
    this process, never in the server's)."""

    nlp: Any = None
    load_error: BaseException | None = None


def _start_worker(model: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which closes us
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        from homeport.privacy import names

        _Worker.nlp = load_pipeline(model)
        names.load()
    except BaseException as e:  # raised by each task: the pool stays usable
        _Worker.load_error = e


def _exit_with_parent(parent: int) -> None:
    """A server killed outright (SIGKILL, OOM) cannot close its pool: leave with it."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_S)
    os._exit(0)


def _ready() -> int:
    if _Worker.load_error is not None:
        raise _Worker.load_error
    time.sleep(0.02)  # let another worker take the next readiness check
    return os.getpid()


def _detect(texts: list[str]) -> Result[list[Finding]]:
    from homeport.privacy.ner import detect_texts

    if _Worker.load_error is not None:
        raise _Worker.load_error
    return each(functools.partial(detect_texts, _Worker.nlp), texts)
