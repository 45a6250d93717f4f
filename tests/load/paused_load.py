"""`python -m pipelines.load`, held for good at one named point, so a test can kill -9 it there.

    python -m tests.load.paused_load POINT MARKER [loader arguments]

On reaching POINT the loader writes the file MARKER and sleeps until it is killed. However briefly
a load passes through a point, the kill lands inside it: no race with a polling test. The hooks
wrap the real code (dlt 1.31's steps and our HTTP client) without changing what it does; a point
the load never reaches lets it finish, which the test reports. Points, in load order:

- ``request:N``: the N-th request to the Hub is about to be sent (listings or details under way);
- ``extracted``: the main run's package is extracted, not normalized yet;
- ``normalize-commit``: normalize has renamed the package into load/normalized and not yet deleted
  its extracted copy (dlt's "Committing storage, do not kill this process" window);
- ``load-job-done``: a first load job is done, the package is not;
- ``load-complete``: every job is in raw.duckdb; the package is not yet recorded as loaded;
- ``job-committed:TABLE``: the load job of TABLE has written its rows (to the staging dataset for a
  merge) and dlt has not yet recorded it done: the next load runs the job again.
"""

from __future__ import annotations

import functools
import itertools
import sys
import threading
import time
from pathlib import Path

from dlt.common.storages.load_storage import LoadStorage
from dlt.destinations.impl.duckdb.duck import DuckDbCopyJob
from dlt.load.load import Load
from dlt.pipeline.pipeline import Pipeline

from pipelines import load
from pipelines.hf_hub.helpers import HubClient

POINTS = (
    "request:N",
    "extracted",
    "normalize-commit",
    "load-job-done",
    "load-complete",
    "job-committed:TABLE",
)


def main() -> None:
    point, marker, *loader_args = sys.argv[1:]
    lock = threading.Lock()

    def hold() -> None:
        with lock:  # the first thread to get here writes the marker; any other one waits too
            Path(marker).write_text(point)
            while True:
                time.sleep(3600)

    def wrap(owner: type, name: str, before=None, after=None) -> None:
        original = getattr(owner, name)  # AttributeError on another dlt: fails loudly

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if before is not None and before(*args, **kwargs):
                hold()
            result = original(*args, **kwargs)
            if after is not None and after(result, *args):
                hold()
            return result

        setattr(owner, name, wrapper)

    if point.startswith("request:"):
        nth, sent = int(point.split(":")[1]), itertools.count(1)
        wrap(HubClient, "get", before=lambda *_, **__: next(sent) == nth)
    elif point == "extracted":
        wrap(Pipeline, "normalize", before=lambda pipeline, *_, **__: pipeline.has_pending_data)
    elif point == "normalize-commit":
        wrap(LoadStorage, "commit_new_load_package", after=lambda *_: True)
    elif point == "load-job-done":
        # complete_jobs(load_id, ...) returns (still running, finalized now, exception).
        def some_done(result, step: Load, load_id: str, *_) -> bool:
            running, finalized, _ = result
            return bool(finalized and (running or step.load_storage.list_new_jobs(load_id)))

        wrap(Load, "complete_jobs", after=some_done)
    elif point == "load-complete":
        wrap(Load, "complete_package", before=lambda *_, **__: True)
    elif point.startswith("job-committed:"):
        table = point.split(":")[1]
        wrap(DuckDbCopyJob, "run", after=lambda _, job: job.load_table_name == table)
    else:
        raise SystemExit(f"unknown point {point!r}; known: {', '.join(POINTS)}")
    load._hard_exit(load.main(loader_args))


if __name__ == "__main__":
    main()
