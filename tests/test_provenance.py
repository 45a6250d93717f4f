"""Where the demo's figures come from (issue #25 §3): the load records its endpoint and kind in
raw, the build carries it into marts.build_info, and the exports carry it in their metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from pipeline_support import DEMO_ORIGIN

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import Paths


def test_the_demo_load_records_the_bundled_snapshot_in_raw_and_build_info(
    demo_warehouse: Paths,
) -> None:
    with duckdb.connect(str(demo_warehouse.warehouse), read_only=True) as con:
        loads = con.execute(
            "select e.endpoint, e.endpoint_kind from raw_hub.load_endpoints e"
            " join raw_hub._dlt_loads l on l.load_id = e.load_id where l.status = 0"
        ).fetchall()
        info = con.execute("select endpoint_kind, data_origin from marts.build_info").fetchone()
    # The demo's two loads, from one imitation: the changes made to it between them leave it the
    # bundled snapshot, as far as provenance goes.
    assert len(loads) == 2 and {endpoint for endpoint, _ in loads} == {loads[0][0]}
    assert loads[0][0].startswith("http://127.0.0.1:")
    assert {kind for _, kind in loads} == {"bundled_snapshot"}
    assert info == ("bundled_snapshot", DEMO_ORIGIN)


def test_every_export_says_where_its_figures_come_from(
    demo_warehouse: Paths, tmp_path: Path
) -> None:
    copy = Paths(tmp_path / "data")
    copy.data_dir.mkdir()
    shutil.copyfile(demo_warehouse.warehouse, copy.warehouse)
    written = warehouse.export(copy)
    assert len(written) > 10
    for path in written:
        metadata = pq.read_metadata(path).metadata
        assert metadata[b"hubcarbon.data_origin"].decode() == DEMO_ORIGIN, path.name
        assert metadata[b"hubcarbon.endpoint_kind"] == b"bundled_snapshot", path.name
