"""`make load`: mine the Hub incrementally into DATA_DIR/raw.duckdb (`--full`: reconcile all).

    python -m pipelines.load [--full]

Environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (or the dlt secret
`sources.hf_hub.hf_token`), DATA_DIR. Tunables live in pipelines/.dlt/config.toml
(`[sources.hf_hub]`), overridable as SOURCES__HF_HUB__<NAME> environment variables.

A load is one dlt run of the `hf_hub` source (the listings and the details of the reporters that
changed), then, when the per-load budgets or a full reconciliation have work left, one of the
`hf_hub_backfill` source, planned from what the first loaded (models that do not report,
deletions). A load
killed at any point is completed by the next one: dlt first finishes the packages left pending.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# dlt reads config.toml / secrets.toml from the project dir; ours sits next to this file.
os.environ.setdefault("DLT_PROJECT_DIR", str(Path(__file__).resolve().parent))

import dlt
import duckdb
import httpx2
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.pipeline.helpers import pipeline_drop

from hubcarbon_settings import EXIT_USAGE, Paths
from pipelines.hf_hub import hf_hub, hf_hub_backfill, history_started, models_cursor
from pipelines.hf_hub import settings as hub_settings
from pipelines.hf_hub.helpers import (
    HubClient,
    HubGaveUp,
    HubUnreachable,
    check_reachable,
    hub_endpoint,
)

log = logging.getLogger("hubcarbon.load")


class RawLocked(RuntimeError):
    """Another process holds raw.duckdb open."""


@dataclass
class LoadSummary:
    requests: dict[str, int]
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"load finished in {self.seconds:.1f}s"]
        out += ["requests per resource:"]
        out += [f"  {name:<26}{n:>10,}" for name, n in sorted(self.requests.items())]
        out += [f"  {'total':<26}{sum(self.requests.values()):>10,}"]
        out += ["rows loaded per table:"]
        out += [f"  {name:<26}{n:>10,}" for name, n in sorted(self.rows.items())]
        return out


def check_not_locked(raw_db: Path) -> None:
    """Fail fast, naming the holder, if another process has raw.duckdb open."""
    if not raw_db.exists():
        return
    try:
        duckdb.connect(str(raw_db)).close()
    except duckdb.IOException as err:
        if not _is_lock_conflict(err):
            raise
        raise RawLocked(
            f"{raw_db} is locked by another process; close it and retry.\n{err}"
        ) from None


def _is_lock_conflict(err: BaseException) -> bool:
    # DuckDB's message names the holder: "... Conflicting lock is held in <exe> (PID n)".
    return isinstance(err, duckdb.IOException) and "lock" in str(err).lower()


def make_pipeline(paths: Paths) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name="hf_hub",
        pipelines_dir=str(paths.pipelines_dir),
        destination=dlt.destinations.duckdb(
            DuckDbCredentials(str(paths.raw_db), global_config=hub_settings.DUCKDB_CONFIG)
        ),
        dataset_name="raw_hub",
    )


# The dlt release whose private working-directory layout _drop_committed_extracts knows.
DLT_WORKING_DIR_VERSION = "1.31.0"


def _drop_committed_extracts(pipeline: dlt.Pipeline) -> None:
    """Repair dlt's one kill-unsafe window before it finishes pending packages.

    Normalize commits a package by renaming it into load/normalized, then deletes its extracted
    copy ("Committing storage, do not kill this process"). A kill -9 between the two leaves both,
    and the next normalize fails renaming onto the existing package. The rename is atomic, so the
    committed package is complete: the extracted copy is the stale one.
    """
    if dlt.__version__ != DLT_WORKING_DIR_VERSION:
        raise RuntimeError(
            f"pipelines.load repairs the working directory of dlt {DLT_WORKING_DIR_VERSION}, but "
            f"dlt {dlt.__version__} is installed. Check _drop_committed_extracts against its "
            "layout (normalize/extracted, load/normalized, load/loaded), then update "
            "DLT_WORKING_DIR_VERSION."
        )
    root = Path(pipeline.working_dir)
    for package in (root / "normalize" / "extracted").glob("*"):
        if any(
            (root / "load" / stage / package.name).exists() for stage in ("normalized", "loaded")
        ):
            log.info("dropping the already committed extract of package %s", package.name)
            shutil.rmtree(package)


def _bring_forward(pipeline: dlt.Pipeline) -> None:
    """Upgrade raw tables written by an earlier loader. `model_sizes` keeps every file of a repo in
    its `siblings` column; earlier loaders stored their own weight sums there, or the files in a
    nested table (`model_sizes__siblings`). Either way the table is dropped through dlt (a load
    package of its own, so a kill is finished by the next run) and this load fetches the
    reporters' sizes again, one request each. Nothing else is refetched."""
    schema = (
        pipeline.schemas.get(pipeline.default_schema_name) if pipeline.default_schema_name else None
    )
    sizes = schema.tables.get("model_sizes", {}).get("columns", {}) if schema else {}
    if sizes and "siblings" not in sizes:
        log.info(
            "raw.duckdb holds model sizes in an earlier layout: fetching them again, with their"
            " files in model_sizes.siblings"
        )
        pipeline_drop(pipeline, resources=["model_sizes"])()


def _token() -> str | None:
    # Resolved here, not as a source argument, so it never reaches dlt's config trace or state.
    return os.environ.get("HF_TOKEN") or dlt.secrets.get("sources.hf_hub.hf_token")


def _row_counts(pipeline: dlt.Pipeline) -> dict[str, int]:
    trace = pipeline.last_trace
    info = trace.last_normalize_info if trace else None
    return {t: n for t, n in (info.row_counts if info else {}).items() if not t.startswith("_dlt")}


def run_load(paths: Paths, endpoint: str, full: bool = False) -> LoadSummary:
    """Load the listings and the reporters' details, then the backfill; returns request and
    row counts."""
    started = time.monotonic()
    check_reachable(endpoint)  # before any file is created
    check_not_locked(paths.raw_db)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    pipeline = make_pipeline(paths)
    rows: dict[str, int] = {}
    _drop_committed_extracts(pipeline)
    if pipeline.has_pending_data:
        log.info("finishing the load packages of an interrupted load")
        pipeline.normalize()
        pipeline.load()
    _bring_forward(pipeline)

    max_wait = dlt.config.get("sources.hf_hub.max_wait", float)
    client = HubClient(endpoint, token=_token(), max_wait=max_wait)
    since = models_cursor(pipeline)
    if since and not full and not history_started(pipeline):
        # Loaded before the history existed: its baseline must observe every model once.
        log.info("raw.duckdb keeps no history yet: this load lists every model to start it")
        full = True
    if full:
        kind = "full reconciliation"
    elif since:
        kind = f"incremental load of the models modified since {since}"
    else:
        kind = "first load"
    log.info("%s from %s into %s", kind, endpoint, paths.raw_db)

    main = pipeline.run(hf_hub(client, full=full), loader_file_format="parquet")
    rows.update(_row_counts(pipeline))
    # Planned from what the main run loaded; with nothing left to do, no second run.
    backfill = hf_hub_backfill(
        client, full=full, listing_load_id=main.loads_ids[-1] if full else None
    )
    if backfill.resources:
        pipeline.run(backfill, loader_file_format="parquet")
        for table, n in _row_counts(pipeline).items():
            rows[table] = rows.get(table, 0) + n
    return LoadSummary(dict(client.requests), rows, time.monotonic() - started)


def _root_cause(err: BaseException) -> BaseException:
    """dlt wraps what failed: step failure > extraction or connection error (`inner_exc`) > ours
    or DuckDB's."""
    while (inner := err.__cause__ or getattr(err, "inner_exc", None)) is not None:
        err = inner
    return err


def _refused(err: httpx2.HTTPStatusError) -> str:
    status = err.response.status_code
    url = err.request.url.copy_with(query=None)  # the listing's parameters are noise here
    message = f"the Hub answered HTTP {status} to GET {url}."
    if status in (401, 403):
        message += (
            " It refused the token (HF_TOKEN or sources.hf_hub.hf_token): invalid or expired."
            " Set a valid one, or unset it to load anonymously."
        )
    return message + " raw.duckdb is unchanged; rerun once this is fixed."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="list every model (refreshing downloads/likes) and record deleted models",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s"
    )
    log.setLevel(logging.INFO)  # our progress lines; libraries stay at WARNING
    endpoint = hub_endpoint()
    # Created only once the Hub is reachable: an unreachable endpoint writes nothing.
    paths = Paths.writable_from_env("load")
    if not _token():
        log.info("no HF_TOKEN: loading with the Hub's anonymous rate limits (set it to raise them)")
    try:
        summary = run_load(paths, endpoint, full=args.full)
    # The Hub or raw.duckdb, not the data, stands in the way: the convention's exit status 2.
    except (HubUnreachable, RawLocked) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    # Raised by dlt's steps, or by DuckDB directly while the backfill is planned.
    except (PipelineStepFailed, duckdb.IOException) as err:
        cause = _root_cause(err)
        if isinstance(cause, HubGaveUp):
            print(f"error: {cause}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(cause, httpx2.HTTPStatusError):  # a listing refused (a 4xx, not retried)
            print(f"error: {_refused(cause)}", file=sys.stderr)
            return EXIT_USAGE
        if _is_lock_conflict(cause):
            print(
                f"error: another process opened {paths.raw_db} during the load. Nothing is "
                "lost: what was fetched stays in the pipeline's load packages, and the next "
                f"`make load` (once the file is free) loads it first.\n{cause}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        raise
    print("\n".join(summary.lines()))
    return 0


def _hard_exit(code: int) -> None:
    """Exit without the interpreter's teardown, as mypy does: freeing the objects of the ~2,000
    modules dlt, pyarrow, pandas and DuckDB bring in takes 0.4 s, a tenth of a typical rerun.
    Nothing is left to clean up: dlt has committed and closed raw.duckdb, the HTTP pools are
    shut down; only our output is flushed here."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _hard_exit(main())
