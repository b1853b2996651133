"""Parallel import of large JSON files: one reading process, several routing processes.

The reading process only cuts the file into record texts (no parsing on the one-record-per-line
layout); worker processes parse, normalise and stage them, each into its own Parquet parts. The
workers are forked, so they inherit the hashes of the previous snapshot without copying them.
Duplicates that only show when the stagings are put together are settled by the final step.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import IO

import orjson

from ancrage.ingest.json_stream import JsonItem, read_json, repair
from ancrage.ingest.routing import FileCounts, Router
from ancrage.ingest.staging import StagingWriter

BATCH = 2_000
QUEUE_BATCHES = 8  # bounded queue: the reader waits when workers fall behind
MIN_PARALLEL_BYTES = 32 * 1024 * 1024


def worker_count() -> int:
    """``ANCRAGE_IMPORT_WORKERS``, or the number of cores (at most 4)."""
    configured = os.environ.get("ANCRAGE_IMPORT_WORKERS")
    if configured:
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


class WorkerFailed(RuntimeError):
    """A worker process died: the import is abandoned, the warehouse is untouched."""


def _worker(queue: mp.Queue, import_id: str, work: Path, known: set, quarantined: set) -> None:
    # Ctrl-C reaches the whole process group: the reading process alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # inherited objects never need scanning again
    writer = StagingWriter(work, prefix=f"w{os.getpid()}-")
    router = Router(import_id, writer, known, quarantined)
    while (task := queue.get()) is not None:
        counts, items = task
        for position, kind, text, raw, error in items:
            record = None
            if error is None and text is not None:
                try:
                    record = orjson.loads(text)
                except orjson.JSONDecodeError:
                    record, error = repair(text)
                    raw = text if error else None
            router.route(counts, position, kind, record, raw, error)
    writer.flush()


def route_json(
    stream: IO[bytes],
    counts: FileCounts,
    router: Router,
    work: Path,
    info: dict,
    on_item: Callable[[JsonItem], None],
) -> None:
    """Route every record of a JSON stream with ``worker_count()`` processes."""
    context = mp.get_context("fork")
    queue: mp.Queue = context.Queue(QUEUE_BATCHES)
    workers = [
        context.Process(
            target=_worker,
            args=(queue, router.import_id, work, router.known, router.quarantined),
            daemon=True,
        )
        for _ in range(worker_count())
    ]
    for process in workers:
        process.start()
    try:
        batch: list[tuple] = []
        for item in read_json(stream, info, split=True):
            on_item(item)
            text = item.text
            if text is None and item.error is None:
                text = orjson.dumps(item.record).decode()
            batch.append((item.position, item.kind, text, item.raw, item.error))
            if len(batch) >= BATCH:
                _put(queue, counts, batch, workers)
                batch = []
        if batch:
            _put(queue, counts, batch, workers)
        for _ in workers:
            queue.put(None)
        for process in workers:
            process.join()
        failed = [p.exitcode for p in workers if p.exitcode != 0]
        if failed:
            raise WorkerFailed(
                f"Un processus d'import s'est arrêté (code {failed[0]}) : import abandonné."
            )
    except BaseException:
        # Interrupted: stop the workers, and do not wait for the queue to drain into them.
        queue.cancel_join_thread()
        raise
    finally:
        for process in workers:
            if process.is_alive():
                process.kill()
                process.join()
        queue.close()


def _put(queue: mp.Queue, counts: FileCounts, batch: list[tuple], workers) -> None:
    while True:
        try:
            queue.put((counts, batch), timeout=5)
            return
        except Exception as error:  # queue.Full: check the workers are still there
            if not all(p.is_alive() for p in workers):
                raise WorkerFailed(
                    "Un processus d'import s'est arrêté : import abandonné."
                ) from error
