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
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# dlt reads config.toml / secrets.toml from the project dir; ours sits next to this file.
os.environ.setdefault("DLT_PROJECT_DIR", str(Path(__file__).resolve().parent))

import dlt
import duckdb
import httpx2
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.pipeline.helpers import pipeline_drop

from hubcarbon_settings import EXIT_USAGE, HUB_CREATED_AT_PLACEHOLDER, Paths
from pipelines.hf_hub import Backfill, Loaded, hf_hub, hf_hub_backfill, models_cursor
from pipelines.hf_hub import settings as hub_settings
from pipelines.hf_hub.helpers import (
    NO_CLAIM_HASH,
    HubClient,
    HubGaveUp,
    HubUnreachable,
    check_reachable,
    hub_endpoint,
    parse_ts,
)
from pipelines.raw_destination import raw_duckdb

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
        destination=raw_duckdb(
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


# What is loaded is read through dlt's own clients in dlt's portable form (tables found by the job
# client, named by the SQL client, `%s` parameters), not pipeline.dataset(): in dlt 1.31 with the
# locked sqlglot 30.30 its relations fail to compile (qualify() rejects dlt's `infer_schema`).
class _Raw:
    """Reads of what the destination holds, over one connection opened on entry, `{table}`
    placeholders resolved to qualified names. Only between runs: no source queries it."""

    def __init__(self, pipeline: dlt.Pipeline):
        self._pipeline = pipeline
        self._stack = ExitStack()
        self._client: Any = None
        self._names: dict[str, str] = {}

    def __enter__(self) -> _Raw:
        # Before the first load the pipeline has no schema: dlt lends an empty one, no tables.
        job = self._stack.enter_context(self._pipeline.destination_client())
        tables = job.schema.data_table_names(include_incomplete=True)
        existing = [table for table, columns in job.get_storage_tables(tables) if columns]
        self._names = {t: job.sql_client.make_qualified_table_name(t) for t in existing}
        self._client = job.sql_client
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def has(self, *tables: str) -> bool:
        return all(table in self._names for table in tables)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._client.execute_sql(sql.format(**self._names), *params) or []


# Each model's last observation, where it claims something (a model never observed, or whose last
# observation claims nothing, is read as claiming nothing): as many rows as claimants, however
# large the population, and however large an older raw.duckdb's baseline.
_LAST_CLAIMS = """
    select o.model_id, o.claim_hash from {model_claim_observations} o
    join (select model_id, max(load_id) as load_id from {model_claim_observations}
          group by model_id) l on l.model_id = o.model_id and l.load_id = o.load_id
    where o.claim_hash <> %s
"""


def _loaded(raw: _Raw) -> Loaded:
    """What the main run's plan needs from the destination (empty before the first load)."""

    def rows(table: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return raw.query(sql, *params) if raw.has(table) else []

    cards = "select c.model_id, c.sha from {model_cards} c where c.model_id in "
    cards += "(select id from {emission_reporters})"
    return Loaded(
        claims=dict(rows("model_claim_observations", _LAST_CLAIMS, NO_CLAIM_HASH)),
        cards=frozenset(rows("model_cards", cards) if raw.has("emission_reporters") else []),
        sizes=frozenset(rows("model_sizes", "select model_id, sha from {model_sizes}")),
        first_commits=frozenset(
            i for (i,) in rows("model_first_commits", "select model_id from {model_first_commits}")
        ),
        datasets=frozenset(
            i
            for (i,) in rows(
                "dataset_sizes", "select dataset_id from {dataset_sizes} where status <> 'refused'"
            )
        ),
    )


def _config(name: str, default: int) -> int:
    """A tunable of `[sources.hf_hub]` (config.toml, or SOURCES__HF_HUB__<NAME>)."""
    value = dlt.config.get(f"sources.hf_hub.{name}", int)
    return default if value is None else value


def _budget(columns: str, missing: str, where: str = "true") -> str:
    """SQL: up to `%s` live models that do not report and are `missing` a detail (after the
    parameters of `where`), most recently modified first."""
    return f"""
    select {columns} from {{models}} m
    where {where} and {missing}
      and not exists (select 1 from {{emission_reporters}} r where r.id = m.id)
      and not exists (select 1 from {{model_deletions}} d
                      where d.id = m.id and d.deleted_at is not null)
    order by last_modified desc nulls last, id
    limit %s
    """


_CARDS_TODO = _budget(
    "id, sha",
    "sha is not null and not exists "
    "(select 1 from {model_cards} c where c.model_id = m.id and c.sha = m.sha)",
)
_FIRST_COMMITS_TODO = _budget(
    "id",
    "not exists (select 1 from {model_first_commits} f where f.model_id = m.id)",
    where="created_at = %s",
)
# Known models the (full) listing `%s` did not list, and deleted ones it listed again.
_GONE = """
    select id from {models} m
    where m._dlt_load_id <> %s
      and not exists (select 1 from {model_deletions} d
                      where d.id = m.id and d.deleted_at is not null)
"""
_BACK = """
    select d.id from {model_deletions} d join {models} m on m.id = d.id
    where d.deleted_at is not null and m._dlt_load_id = %s
"""


def _backfill(raw: _Raw, listing_load_id: str | None) -> Backfill:
    """What the main run leaves to do: the budgeted details of models that do not report and,
    after a full listing (`listing_load_id`), the deletions."""
    card_budget = _config("card_budget", hub_settings.DEFAULT_CARD_BUDGET)
    first_commit_budget = _config("first_commit_budget", hub_settings.DEFAULT_FIRST_COMMIT_BUDGET)
    plan = Backfill(
        cards=raw.query(_CARDS_TODO, card_budget) if card_budget > 0 else [],
        first_commits=raw.query(
            _FIRST_COMMITS_TODO, parse_ts(HUB_CREATED_AT_PLACEHOLDER), first_commit_budget
        )
        if first_commit_budget > 0
        else [],
    )
    if listing_load_id:
        now = datetime.now(UTC)
        plan.gone.extend(i for (i,) in raw.query(_GONE, listing_load_id))
        back = [i for (i,) in raw.query(_BACK, listing_load_id)]
        plan.deletions.extend({"id": i, "deleted_at": now} for i in plan.gone)
        # A model back in the listing was observed, not deleted, by the main run.
        plan.deletions.extend({"id": i, "deleted_at": None} for i in back)
    return plan


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
    workers = _config("detail_workers", hub_settings.DEFAULT_DETAIL_WORKERS)
    with HubClient(endpoint, token=_token(), max_wait=max_wait, workers=workers) as client:
        since = models_cursor(pipeline)
        with _Raw(pipeline) as raw:
            history_started = raw.has("model_claim_observations")
            loaded = _loaded(raw)
        if since and not full and not history_started:
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

        main = pipeline.run(hf_hub(client, loaded, full=full), loader_file_format="parquet")
        rows.update(_row_counts(pipeline))
        # Planned from what the main run loaded; with nothing left to do, no second run.
        with _Raw(pipeline) as raw:
            plan = _backfill(raw, main.loads_ids[-1] if full else None)
        backfill = hf_hub_backfill(client, plan, loaded.claims)
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
