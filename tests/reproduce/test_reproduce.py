"""`make reproduce`: the study's published data through the project's dbt logic, one real build."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from hubcarbon import reproduce
from hubcarbon_settings import REPO_ROOT


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    data_dir = tmp_path_factory.mktemp("reproduce") / "data"
    done = subprocess.run(
        [sys.executable, "-m", "hubcarbon.reproduce"],
        cwd=REPO_ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    return done, data_dir / "reproduce" / "study.duckdb"


def figures(database: Path, figure: str) -> dict[str, float]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select item, figure_value from reproduction.repro_figures where figure = ?", [figure]
        ).fetchall()
    return dict(rows)


def test_every_figure_is_within_tolerance(run) -> None:
    done, _ = run
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✗" not in done.stdout
    total = len(reproduce.REFERENCES)
    assert f"{total}/{total} figures within tolerance" in done.stdout
    for label in ("label A", "median CO₂e 2023-03", "r log CO₂ ~ log size (study method)"):
        assert any(line.startswith("✓") and label in line for line in done.stdout.splitlines())


def test_labels_match_the_study_exactly(run) -> None:
    _, database = run
    assert figures(database, "label") == {"A": 37, "B": 486, "C": 826, "D": 55, "E": 15}
    assert figures(database, "label_consistent") == {
        "A": 15,
        "B": 197,
        "C": 547,
        "D": 456,
        "E": 204,
    }


def test_correlations_match_with_the_study_method(run) -> None:
    _, database = run
    r = figures(database, "correlation")
    assert r["model size, study method"] == pytest.approx(0.561, abs=5e-4)
    assert r["dataset size, study method"] == pytest.approx(0.560, abs=5e-4)


def test_a_figure_outside_tolerance_fails_the_run(run, monkeypatch, capsys) -> None:
    _, database = run
    wrong = replace(reproduce.REFERENCES[0], study=reproduce.REFERENCES[0].study + 100)
    monkeypatch.setattr(reproduce, "REFERENCES", [wrong, *reproduce.REFERENCES[1:]])
    monkeypatch.setattr(reproduce, "build_study_warehouse", lambda paths: database)
    with pytest.raises(SystemExit) as exit_:
        reproduce.main()
    assert wrong.label in str(exit_.value)
    printed = [line for line in capsys.readouterr().out.splitlines() if wrong.label in line]
    assert printed and printed[0].startswith("✗")
