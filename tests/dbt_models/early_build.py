"""The dbt fixture's work, in the process that tests/dbt_models/conftest.py starts with the session:
one dbt parse shared by every step (dbtRunner reusing its manifest; dbt's start-up and parse are
most of a small command's time).

First what the parser's property tests need, written to ``parser/``: the seeds (units, statuses,
placeholders) in a warehouse file of their own, and the parser's SQL compiled (PARSER_SQL). The
tests run on them while the full build goes on (every seed, model, data test and unit test, as
`make build` does) in the session's warehouse file, which the build holds until it ends.

Usage: ``python tests/dbt_models/early_build.py <work dir> <warehouse file>`` with dbt's project,
profile and target paths in the environment.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner, dbtRunnerResult

PARSER_DIR = "parser"
PARSER_SQL = "compiled.json"  # written last, atomically: the property tests start on it
# What the property tests run: the macro on their own inputs, the models whose SQL they run on
# theirs, and the relations those models read, to be replaced by the tests' input tables.
PIECES = {
    "parse_cases": "{{ parse_emission_values('parser_input', ['case_id']) }}",
    "parse_extracted": "{{ parse_emission_values('extracted', ['model_id']) }}",
    "unioned_relation": "{{ ref('int_models_unioned') }}",
    "scanned_relation": "{{ ref('int_model_cards_scanned') }}",
    "cards_relation": "{{ ref('stg_hf_hub__model_cards') }}",
}
MODELS = ("int_model_emission_fields_extracted", "int_model_prose_emissions_extracted")
SPLIT = "-- next piece --"


def invoke(runner: dbtRunner, *args: str) -> dbtRunnerResult:
    done = runner.invoke(list(args))
    if not done.success:
        sys.exit(f"dbt {' '.join(args)} failed: {done.exception or 'see its output above'}")
    return done


def compile_parser(runner: dbtRunner) -> dict[str, str]:
    """The pieces (one inline compile) and the models' SQL: name -> compiled SQL."""
    inline = invoke(runner, "compile", "--quiet", "--inline", f"\n{SPLIT}\n".join(PIECES.values()))
    pieces = inline.result.results[0].node.compiled_code.split(SPLIT)
    compiled = dict(zip(PIECES, (piece.strip() for piece in pieces), strict=True))
    models = invoke(runner, "compile", "--quiet", "--select", *MODELS).result.results
    compiled.update({result.node.name: result.node.compiled_code for result in models})
    return compiled


def main(work_dir: Path, warehouse: Path) -> None:
    parser_dir = work_dir / PARSER_DIR
    parser_dir.mkdir()
    manifest = invoke(dbtRunner(), "parse").result
    runner = dbtRunner(manifest=manifest)
    # The same file name: compiled relations name the database after it ("warehouse").
    os.environ["HUBCARBON_WAREHOUSE"] = str(parser_dir / warehouse.name)
    invoke(runner, "seed")
    compiled = compile_parser(runner)
    # dbt-duckdb keeps its database open between invocations (profile setting keep_open, default
    # true): close it, so that the tests can open the seeds' file.
    DuckDBConnectionManager._ENV.close()
    partial = parser_dir / f".{PARSER_SQL}.partial"
    partial.write_text(json.dumps(compiled))
    partial.rename(parser_dir / PARSER_SQL)
    os.environ["HUBCARBON_WAREHOUSE"] = str(warehouse)
    invoke(runner, "build")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
