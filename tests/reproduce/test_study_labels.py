"""The label macro on the study's own HFCO2.csv reproduces the study exactly
(docs/method.md#the-efficiency-label-a-e).

Reads the database of the session's `make reproduce` run (conftest.py).
"""

from __future__ import annotations

import duckdb
import pytest

# The study's boundaries b0 > b1 > b2 > b3 in index space, recomputed by its algorithm
# (docs/method.md#the-efficiency-label-a-e).
STUDY_BOUNDARIES = {
    "co2_eq_emissions": (714.732, 287.321, 147.836, 72.891),
    "size_efficiency": (703_521.40, 138_905.46, 43_875.32, 11_653.80),
    "dataset_size_efficiency": (119.176, 12.959, 5.318, 0.7227),
    "downloads": (7.3327e-5, 4.5122e-5, 1.7053e-5, 5.1158e-6),
    "performance_score": (1.17440, 1.08652, 0.90949, 0.58156),
}


@pytest.fixture(scope="module")
def study(run) -> duckdb.DuckDBPyConnection:
    done, database = run
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(database), read_only=True)
    yield con
    con.close()


def counts(study, column: str) -> dict[str, int]:
    return dict(study.execute(
        f"select {column}, count(*) from reproduction.study_efficiency_labels group by all"
    ).fetchall())  # fmt: skip


def test_paper_labels_match_the_study(study):
    assert counts(study, "label_paper") == {"A": 37, "B": 486, "C": 826, "D": 55, "E": 15}


def test_consistent_co2_variant_matches_the_recomputation(study):
    assert counts(study, "label_consistent") == {
        "A": 15,
        "B": 197,
        "C": 547,
        "D": 456,
        "E": 204,
    }


def test_per_metric_co2_ratings_show_the_sqrt_quirk(study):
    assert counts(study, "co2_eq_emissions_rating_paper") == {
        0: 1333,
        1: 34,
        2: 18,
        3: 13,
        4: 21,
    }


def test_boundaries_match_the_study(study):
    rows = study.execute(
        "select metric, reference_value, index_boundary_ab, index_boundary_bc, index_boundary_cd,"
        " index_boundary_de from reproduction.study_efficiency_label_boundaries"
        " where label_variant = 'paper'"
    ).fetchall()
    boundaries = {metric: tuple(b) for metric, _, *b in rows}
    for metric, expected in STUDY_BOUNDARIES.items():
        assert boundaries[metric] == pytest.approx(expected, rel=1e-4), metric
    references = {metric: reference for metric, reference, *_ in rows}
    assert references["co2_eq_emissions"] == 149_200
    assert references["performance_score"] == pytest.approx(0.8235253357723011)  # the median
