"""`make check`: validate the warehouse with Great Expectations; exit 1 when a critical check fails.

GX's SQL datasource does not work with duckdb-engine (GX issues #10738, #11579), so each frame of
:mod:`expectations.suites` is queried through one read-only DuckDB connection (BI tools may hold the
warehouse open; a check never takes the writer lock), written as Parquet under
``DATA_DIR/checks/frames/``, and validated by one GX Checkpoint over a pandas datasource. The GX
project (suites, results, Data Docs) lives in ``DATA_DIR/checks/gx/`` and is regenerated from
:mod:`expectations.suites` on every run, so the repository stays the only source of the suites.

Exit codes: 0 all critical expectations pass (warnings allowed), 1 a critical one fails (or a
mart/column of the contract is missing), 2 the warehouse cannot be checked (missing or locked).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import duckdb

from expectations import headline
from expectations.data_docs import localize
from hubcarbon_settings import EXIT_DATA_SAYS_NO, EXIT_USAGE, Paths

if TYPE_CHECKING:
    from expectations.suites import Frame

CHECKPOINT = "warehouse"
EXAMPLES = 10  # failing rows GX keeps per expectation (results, Data Docs)
SHOWN = 5  # of which the one-screen summary shows

RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": EXAMPLES,
    # Whole rows, so that every example carries its model_id whatever the frame's columns.
    "include_unexpected_rows": True,
}


class CannotCheck(Exception):
    """The warehouse cannot be opened: nothing was validated (exit 2)."""


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, reduced to what the summary prints."""

    frame: str
    severity: str
    description: str
    success: bool
    detail: str  # "n of N (share)", the observed value, or the error
    examples: tuple[str, ...] = ()  # "model_id (value)"


def export_frames(warehouse: Path, selected: list[Frame], out_dir: Path) -> None:
    """Query every frame through one read-only connection into ``out_dir/<frame>.parquet``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as error:  # typically the writer lock of a running build or BI tool
        raise CannotCheck(
            f"cannot open {warehouse} read-only ({error}); a process holds it for writing: "
            "let it finish or close it, then run make check again"
        ) from error
    with con:
        for frame in selected:
            con.sql(frame.sql).write_parquet(str(out_dir / f"{frame.name}.parquet"))


def run_checkpoint(
    checks_dir: Path, selected: list[Frame], frames_dir: Path, run_name: str, origin: str
) -> tuple[Any, str]:
    """(Re)declare the GX project from ``selected``, run its one Checkpoint under ``run_name``;
    returns the result and the URL of the Data Docs index. Every suite's notes (on its Data Docs
    page) and the run's name (on every page) say where the data comes from (``origin``)."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    context = gx.get_context(mode="file", project_root_dir=checks_dir)
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_or_update_pandas("warehouse")
    definitions = []
    for frame in selected:
        batch = source.add_parquet_asset(
            frame.name, path=frames_dir / f"{frame.name}.parquet"
        ).add_batch_definition_whole_dataframe(frame.name)
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(
                name=frame.name,
                expectations=frame.expectations,
                meta={"notes": frame.description},
                notes=f"Data: {origin}.",
            )
        )
        definitions.append(
            context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=frame.name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT, validation_definitions=definitions, result_format=RESULT_FORMAT
        )
    )
    result = checkpoint.run(run_id=RunIdentifier(run_name=run_name))
    # One Data Docs build for the whole run: UpdateDataDocsAction rebuilds the index and static
    # assets once per validation, which doubled the time of `make check`.
    context.build_data_docs(
        resource_identifiers=[
            *result.run_results,
            *(ExpectationSuiteIdentifier(name=frame.name) for frame in selected),
        ]
    )
    index = context.get_docs_sites_urls()[0]["site_url"]
    localize(Path(unquote(urlsplit(index).path)).parent)
    return result, index


def _columns(config: Any) -> list[str]:
    return [config.kwargs[k] for k in ("column", "column_A", "column_B") if k in config.kwargs]


def _detail(result: dict[str, Any]) -> str:
    if result.get("unexpected_count"):
        count, total = result["unexpected_count"], result["element_count"]
        return f"{count:,} of {total:,} ({count / total:.1%}):"
    if "observed_value" in result:
        return f"observed {result['observed_value']}"
    return ""


def _value(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _examples(config: Any, result: dict[str, Any]) -> tuple[str, ...]:
    """``model_id (checked values)`` of the first failing rows GX kept."""
    rows = result.get("unexpected_rows")
    if rows is None:
        return ()
    if hasattr(rows, "to_dict"):  # pandas batches hand back a DataFrame
        rows = rows.to_dict("records")
    columns = [c for c in _columns(config) if c != "model_id"]
    return tuple(
        f"{row['model_id']} ({', '.join(_value(row[c]) for c in columns)})" for row in rows[:SHOWN]
    )


def outcomes(checkpoint_result: Any) -> list[Outcome]:
    found = []
    for validation in checkpoint_result.run_results.values():
        frame = validation.suite_name
        for item in validation.results:
            config = item.expectation_config
            description = config.description or f"{config.type}({_columns(config)})"
            error = item.exception_info.get("exception_message") if item.exception_info else None
            found.append(
                Outcome(
                    frame=frame,
                    # An expectation that could not even be evaluated (say a column is missing)
                    # proves nothing, so it blocks like a critical failure.
                    severity="critical" if error else str(config.severity.value),
                    description=description,
                    success=bool(item.success) and not error,
                    detail=f"error: {error}" if error else _detail(item.result),
                    examples=() if error else _examples(config, item.result),
                )
            )
    return found


def _wrap(outcome: Outcome, width: int = 100, indent: str = " " * 11) -> list[str]:
    """The detail, then the examples, broken only between examples so that none is split."""
    lines = [indent + outcome.detail] if outcome.detail else []
    for i, example in enumerate(outcome.examples):
        text = example + ("," if i < len(outcome.examples) - 1 else "")
        if lines and len(lines[-1]) + 1 + len(text) <= width:
            lines[-1] += " " + text
        else:
            lines.append(f"{indent}  {text}")
    return lines


def summary(found: list[Outcome], data_docs: str) -> str:
    failed = [o for o in found if not o.success]
    critical = [o for o in failed if o.severity == "critical"]
    warned = [o for o in failed if o.severity != "critical"]
    lines = [
        f"make check: {len(found)} expectations on {len({o.frame for o in found})} frames, "
        f"{len(found) - len(failed)} passed, {len(warned)} warnings, "
        f"{len(critical)} critical failures"
    ]
    for label, group in (("CRITICAL", critical), ("warning ", warned)):
        for o in group:
            lines.append(f"  {label} [{o.frame}] {o.description}")
            lines += _wrap(o)
    lines.append(f"Data Docs: {data_docs}")
    lines.append(
        "FAILED: a critical expectation does not hold; the warehouse must not be used."
        if critical
        else "OK: every critical expectation holds."
    )
    return "\n".join(lines)


def _headline(warehouse: Path) -> str:
    """The figures every output shows, as the marts define them (marts.headline_figures)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return headline.one_line(headline.read(con))


def _origin(warehouse: Path) -> tuple[str, str]:
    """Where the checked figures come from (marts.build_info): its sentence and its kind."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select data_origin, endpoint_kind from marts.build_info").fetchone()


def main() -> int:
    paths = Paths.writable_from_env("check")
    if not paths.warehouse.exists():
        print(f"make check: {paths.missing(paths.warehouse, 'check', 'build')}", file=sys.stderr)
        return EXIT_USAGE
    # Great Expectations takes seconds to import: only now that there is something to check.
    from expectations.suites import FRAMES

    checks_dir = paths.checks_dir
    frames_dir = checks_dir / "frames"
    try:
        export_frames(paths.warehouse, FRAMES, frames_dir)
    except CannotCheck as error:
        print(f"make check: {error}", file=sys.stderr)
        return EXIT_USAGE
    except duckdb.Error as error:  # a mart or column the contract promises is missing
        print(f"make check: the warehouse does not follow the contract: {error}", file=sys.stderr)
        return EXIT_DATA_SAYS_NO
    # Data Docs list runs by name: say which build of the warehouse each one checked, and from what.
    built = datetime.fromtimestamp(paths.warehouse.stat().st_mtime, UTC)
    origin, kind = _origin(paths.warehouse)
    run_name = f"warehouse-built-{built:%Y-%m-%dT%H:%M:%SZ}-from-{kind or 'no-load'}"
    result, data_docs = run_checkpoint(checks_dir, FRAMES, frames_dir, run_name, origin)
    found = outcomes(result)
    print(f"make check: the warehouse holds {_headline(paths.warehouse)}")
    print(summary(found, data_docs))
    failed = any(not o.success and o.severity == "critical" for o in found)
    return EXIT_DATA_SAYS_NO if failed else 0


if __name__ == "__main__":
    sys.exit(main())
