"""dlt's schema is the one definition of the raw tables: dbt's sources file describes exactly its
tables and columns, and the loader creates every one of them, empty or not, on the first load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dlt
import duckdb
from pipeline_support import run_module
from raw_tables import SOURCES_FILE, columns_of, described

from hub_replay import Corpus, HubReplay
from hubcarbon_settings import Paths


def test_the_sources_file_describes_dlts_schema(demo_warehouse: Paths) -> None:
    schema = dlt.attach("hf_hub", pipelines_dir=str(demo_warehouse.pipelines_dir)).default_schema
    tables = {table["name"]: set(table["columns"]) for table in schema.data_tables()}
    tables["_dlt_loads"] = set(schema.tables["_dlt_loads"]["columns"])
    assert described() == tables, f"{SOURCES_FILE} and dlt's schema disagree"


def test_the_first_load_creates_every_described_table(demo_warehouse: Paths) -> None:
    """model_deletions (written by a full reconciliation only) included: no stand-ins needed."""
    with duckdb.connect(str(demo_warehouse.raw_db), read_only=True) as con:
        created = columns_of(con)
    assert {t: c for t, c in created.items() if t in described()} == described()


def test_build_names_the_command_for_a_raw_file_an_earlier_version_loaded(
    demo_warehouse: Paths, tmp_path: Path
) -> None:
    """A raw.duckdb from before a table was added: `make build` says to run `make load` rather
    than failing in dbt with "table not found", and no warehouse appears."""
    old = Paths(tmp_path / "data")
    old.data_dir.mkdir()
    shutil.copyfile(demo_warehouse.raw_db, old.raw_db)
    with duckdb.connect(str(old.raw_db)) as con:
        con.execute("drop table raw_hub.model_sizes__siblings")
    done = run_module("hubcarbon.warehouse build", old.data_dir)
    assert done.returncode != 0
    assert "lacks raw_hub.model_sizes__siblings" in done.stderr, done.stderr[-2000:]
    assert "Run make load (with the same DATA_DIR" in done.stderr
    assert not old.warehouse.exists()


def test_make_load_brings_a_raw_file_of_the_summing_loader_forward(
    demo_warehouse: Paths, tmp_path: Path
) -> None:
    """The earlier loader stored its own weight sums in model_sizes and no file lists: one load
    fetches the reporters' sizes again, as files, and nothing else; the table is dlt's again."""
    old = Paths(tmp_path / "data")
    shutil.copytree(
        demo_warehouse.data_dir, old.data_dir, ignore=shutil.ignore_patterns("warehouse*", ".build")
    )
    pipeline = dlt.attach("hf_hub", pipelines_dir=str(old.pipelines_dir))
    schema = pipeline.default_schema
    del schema.tables["model_sizes__siblings"]
    schema.tables["model_sizes"]["columns"]["weight_files_bytes"] = {
        "name": "weight_files_bytes",
        "data_type": "bigint",
        "nullable": True,
    }
    pipeline.schemas.save_schema(schema)
    with duckdb.connect(str(old.raw_db)) as con:
        con.execute("drop table raw_hub.model_sizes__siblings")
        con.execute("alter table raw_hub.model_sizes add column weight_files_bytes bigint")
        reporters = con.execute("select count(*) from raw_hub.emission_reporters").fetchone()[0]
        sized = con.execute("select count(*) from raw_hub.model_sizes").fetchone()[0]

    budgets = {"SOURCES__HF_HUB__CARD_BUDGET": "0", "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "0"}
    # The reporters (the bundled snapshot) are all a rerun with no budgets asks about.
    with HubReplay(Corpus.bundled(population=0)) as hub:
        done = run_module("pipelines.load", old.data_dir, HF_ENDPOINT=hub.url, **budgets)
    assert done.returncode == 0, done.stderr[-3000:]
    requests = dict(re.findall(r"^  (\w+) +([\d,]+)$", done.stdout.split("rows loaded")[0], re.M))
    assert requests.get("model_sizes") == f"{reporters:,}"
    assert "model_cards" not in requests and "model_first_commits" not in requests
    with duckdb.connect(str(old.raw_db), read_only=True) as con:
        assert {t: c for t, c in columns_of(con).items() if t in described()} == described()
        assert con.execute("select count(*) from raw_hub.model_sizes").fetchone()[0] == sized
