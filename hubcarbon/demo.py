"""`make demo`: the whole pipeline offline, on the bundled snapshot.

Starts the local Hub imitation on 127.0.0.1, then runs exactly what `make all` runs (load, build,
check) against it into ``data/demo/``, and prints a short summary and how to query the result.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from hub_replay import Corpus, HubReplay
from hubcarbon_settings import REPO_ROOT, Paths

DEMO_DATA_DIR = REPO_ROOT / "data" / "demo"

STEPS = (
    ("load", [sys.executable, "-m", "pipelines.load"]),
    ("build", [sys.executable, "-m", "hubcarbon.warehouse", "build"]),
    ("check", [sys.executable, "-m", "expectations.checkpoint"]),
)


def run_steps(env: dict[str, str]) -> None:
    for name, command in STEPS:
        print(f"\n==> demo: {name}", flush=True)
        started = time.monotonic()
        result = subprocess.run(command, env=env, cwd=REPO_ROOT, check=False)
        if result.returncode != 0:
            raise SystemExit(f"demo: step '{name}' failed (exit {result.returncode}); see above.")
        print(f"==> demo: {name} done in {time.monotonic() - started:.1f}s", flush=True)


def summary(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        models, deleted = con.execute(
            "select count(*), count(*) filter (where is_deleted) from marts.dim_models"
        ).fetchone()
        reporters = con.execute("select count(*) from marts.fct_model_emissions").fetchone()[0]
        quarantined = con.execute("select count(*) from marts.quarantined_emissions").fetchone()[0]
        levels = con.execute(
            "select reporting_level, count(*) from marts.reporting_classification "
            "group by all order by 2 desc"
        ).fetchall()
        labels = con.execute(
            "select efficiency_label, count(*) from marts.efficiency_labels group by all order by 1"
        ).fetchall()
    lines = [
        "",
        "hubcarbon demo — summary",
        f"  models on the (imitated) Hub : {models:,} ({deleted:,} deleted)",
        f"  models reporting CO2         : {reporters:,} ({reporters / max(models, 1):.2%})",
        f"  quarantined emission values  : {quarantined:,}",
        "  reporting levels             : "
        + ", ".join(f"{level} {count:,}" for level, count in levels),
        "  efficiency labels            : "
        + ", ".join(f"{label or 'none'} {count:,}" for label, count in labels),
        "",
        f"Warehouse: {warehouse}",
        "Query it read-only (safe next to later builds), e.g.:",
        '  .venv/bin/python -c "import duckdb; '
        f"con = duckdb.connect('{warehouse}', read_only=True); "
        "con.sql('from marts.efficiency_labels limit 5').show()\"",
        "  or from any BI tool: see the README, 'Query it from your BI tool'.",
        f"HTML report: DATA_DIR={DEMO_DATA_DIR} make report",
    ]
    return "\n".join(lines)


def main() -> None:
    DEMO_DATA_DIR.mkdir(parents=True, exist_ok=True)
    print("==> demo: starting the local Hub imitation with the bundled snapshot", flush=True)
    with HubReplay(Corpus.bundled()) as hub:
        print(f"==> demo: Hub imitation at {hub.url}", flush=True)
        env = {**os.environ, "HF_ENDPOINT": hub.url, "DATA_DIR": str(DEMO_DATA_DIR)}
        env.pop("HF_TOKEN", None)  # the imitation needs no token; never send a real one to it
        run_steps(env)
    print(summary(Paths(DEMO_DATA_DIR).warehouse))


if __name__ == "__main__":
    main()
