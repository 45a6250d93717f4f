"""dlt's schema is the one definition of the raw tables: dbt's sources file describes exactly its
tables and columns, and the loader creates every one of them, empty or not, on the first load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dlt
import duckdb
import pytest
from dlt.common.schema.utils import new_table
from pipeline_support import run_module
from raw_tables import SOURCES_FILE, columns_of, described

from hub_replay import Corpus, HubReplay, Query
from hubcarbon import demo
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
        con.execute("drop table raw_hub.model_claim_observations")
    done = run_module("hubcarbon.warehouse build", old.data_dir)
    assert done.returncode != 0
    assert "lacks raw_hub.model_claim_observations" in done.stderr, done.stderr[-2000:]
    assert "Run make load (with the same DATA_DIR" in done.stderr
    assert not old.warehouse.exists()


def _summed_sizes(schema: dlt.Schema, con: duckdb.DuckDBPyConnection) -> None:
    """The first loader's layout: its own weight sums in model_sizes, no file lists."""
    del schema.tables["model_sizes"]["columns"]["siblings"]
    schema.tables["model_sizes"]["columns"]["weight_files_bytes"] = {
        "name": "weight_files_bytes",
        "data_type": "bigint",
        "nullable": True,
    }
    con.execute("alter table raw_hub.model_sizes drop column siblings")
    con.execute("alter table raw_hub.model_sizes add column weight_files_bytes bigint")


def _nested_files(schema: dlt.Schema, con: duckdb.DuckDBPyConnection) -> None:
    """The next loader's layout: the files in dlt's nested table model_sizes__siblings."""
    del schema.tables["model_sizes"]["columns"]["siblings"]
    files = {
        "rfilename": {"data_type": "text", "nullable": False},
        "size": {"data_type": "bigint"},
        "lfs_size": {"data_type": "bigint"},
        "_dlt_parent_id": {"data_type": "text", "nullable": False, "parent_key": True},
        "_dlt_list_idx": {"data_type": "bigint", "nullable": False},
        "_dlt_id": {"data_type": "text", "nullable": False, "row_key": True, "unique": True},
        "_dlt_root_id": {"data_type": "text", "nullable": False, "root_key": True},
    }
    nested = new_table(
        "model_sizes__siblings",
        parent_table_name="model_sizes",
        columns=[{"name": name, **hints} for name, hints in files.items()],
    )
    nested["x-normalizer"] = {"seen-data": True}  # dlt drops only tables that received rows
    schema.update_table(nested)
    con.execute("""
        create table raw_hub.model_sizes__siblings as
        select
            file.value ->> 'rfilename' as rfilename,
            cast(file.value ->> 'size' as bigint) as size,
            cast(file.value ->> 'lfs_size' as bigint) as lfs_size,
            sizes._dlt_id as _dlt_parent_id,
            cast(file.key as bigint) as _dlt_list_idx,
            md5(sizes._dlt_id || file.key) as _dlt_id,
            sizes._dlt_id as _dlt_root_id
        from raw_hub.model_sizes as sizes, json_each(sizes.siblings) as file
    """)
    con.execute("alter table raw_hub.model_sizes drop column siblings")


@pytest.mark.parametrize("layout", [_summed_sizes, _nested_files], ids=lambda f: f.__name__[1:])
def test_make_load_brings_model_sizes_of_an_earlier_loader_forward(
    layout, demo_warehouse: Paths, tmp_path: Path
) -> None:
    """Earlier loaders kept model sizes in other layouts: one load fetches the reporters' sizes
    again, with their files, and nothing else; the tables are dlt's current ones again."""
    old = Paths(tmp_path / "data")
    shutil.copytree(
        demo_warehouse.data_dir, old.data_dir, ignore=shutil.ignore_patterns("warehouse*", ".build")
    )
    pipeline = dlt.attach("hf_hub", pipelines_dir=str(old.pipelines_dir))
    schema = pipeline.default_schema
    with duckdb.connect(str(old.raw_db)) as con:
        layout(schema, con)
    pipeline.schemas.save_schema(schema)

    budgets = {"SOURCES__HF_HUB__CARD_BUDGET": "0", "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "0"}
    # The reporters (the bundled snapshot) are all a rerun with no budgets asks about; it reads
    # again only the cards of those the demo changed (the snapshot serves their first commit).
    corpus = Corpus.bundled(population=0)
    reporters = len(corpus.page(Query(filters=("co2_eq_emissions",)), None, 100_000)[0])
    with HubReplay(corpus) as hub:
        done = run_module("pipelines.load", old.data_dir, HF_ENDPOINT=hub.url, **budgets)
    assert done.returncode == 0, done.stderr[-3000:]
    requests = dict(re.findall(r"^  (\w+) +([\d,]+)$", done.stdout.split("rows loaded")[0], re.M))
    assert requests.get("model_sizes") == f"{reporters:,}"
    assert "model_first_commits" not in requests
    tables = dlt.attach("hf_hub", pipelines_dir=str(old.pipelines_dir)).default_schema.tables
    assert "siblings" in tables["model_sizes"]["columns"] and "model_sizes__siblings" not in tables
    with duckdb.connect(str(old.raw_db), read_only=True) as con:
        assert {t: c for t, c in columns_of(con).items() if t.startswith("model_sizes")} == {
            "model_sizes": described()["model_sizes"]
        }
        # The served reporters' sizes (the demo's raw also held its new reporter's).
        assert con.execute("select count(*) from raw_hub.model_sizes").fetchone()[0] == reporters
        reread = con.execute(
            "select model_id from raw_hub.model_cards"
            " where _dlt_load_id = (select max(load_id) from raw_hub._dlt_loads)"
        ).fetchall()
        assert {m for (m,) in reread} == {demo.KG_TO_G_FIX, demo.REPORT_REMOVED, demo.MODEL_DELETED}
        (unlisted,) = con.execute(
            "select count(*) from raw_hub.model_sizes where json_array_length(siblings) = 0"
        ).fetchone()
        assert unlisted < reporters
