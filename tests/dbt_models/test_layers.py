"""Only staging reads sources: every other model reads the raw layer through a staging view
(for the newest load, marts.build_info), as the session build's manifest records it."""

from __future__ import annotations

import json


def sources_read_outside_staging(manifest: dict) -> list[str]:
    return [
        f"{node['original_file_path']} reads {', '.join(node['depends_on']['nodes'])}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and not node["original_file_path"].startswith("models/staging/")
        and any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])
    ]


def test_only_staging_reads_sources(warehouse) -> None:
    manifest = json.loads((warehouse.work_dir / "target" / "manifest.json").read_text())
    staging = [
        node
        for node in manifest["nodes"].values()
        if node["original_file_path"].startswith("models/staging/hf_hub/")
    ]
    assert any("source.hubcarbon.hf_hub._dlt_loads" in n["depends_on"]["nodes"] for n in staging)
    assert sources_read_outside_staging(manifest) == []
    # A mart reading a source, as efficiency_label_boundaries did through a macro, is found.
    mart = {
        "resource_type": "model",
        "original_file_path": "models/marts/carbon/efficiency_label_boundaries.sql",
        "depends_on": {"nodes": ["source.hubcarbon.hf_hub._dlt_loads"]},
    }
    assert len(sources_read_outside_staging({"nodes": {"m": mart}})) == 1
