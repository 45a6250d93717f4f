"""The loader's DuckDB, where dlt's load step merges the staged rows, works within a fixed memory
limit and spills under DATA_DIR: the load's peak memory does not grow with the population."""

from __future__ import annotations

from pathlib import Path

import dlt

from hubcarbon_settings import Paths
from pipelines import load


def test_the_load_step_merges_within_the_memory_limit_spilling_under_data_dir(
    tmp_path: Path,
) -> None:
    paths = Paths(tmp_path / "data")
    pipeline = load.make_pipeline(paths)
    rows = dlt.resource([{"id": "a"}, {"id": "a"}], name="t", primary_key="id")
    pipeline.run(rows, write_disposition="merge")  # a merge job, as the load step runs them
    with pipeline.sql_client() as client:
        ((limit, insertion_order, temp, rows_merged),) = client.execute_sql(
            "select current_setting('memory_limit'), current_setting('preserve_insertion_order'),"
            " current_setting('temp_directory'), (select count(*) from t)"
        )
    assert limit == "381.4 MiB"  # 400MB as DuckDB reports it
    assert insertion_order is False
    assert Path(temp).parent == paths.data_dir
    assert rows_merged == 1
