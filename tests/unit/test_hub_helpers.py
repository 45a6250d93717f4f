"""The loader's pure row-shaping helpers: dataset naming, dataset sizes, repo files.

Each helper gets the Hub's real shapes (``/api/models?blobs=true`` siblings, dataset card data).
Retry delays and quota learning are tests/unit/test_rate_limits.py.
"""

from __future__ import annotations

import pytest

from pipelines.hf_hub.helpers import dataset_size_bytes, model_size_row, named_datasets


@pytest.mark.parametrize(
    ("card_data", "expected"),
    [
        ({"datasets": ["imdb", "glue"]}, {"imdb", "glue"}),
        ({"datasets": "  wikitext  "}, {"wikitext"}),
        ({"datasets": ["org/set-1.0_x", "has space", "../etc", "", None]}, {"org/set-1.0_x"}),
        ({"datasets": ["a/b/c", "ok"]}, {"ok"}),
        ({"datasets": {"name": "imdb"}}, set()),  # untrusted shapes are ignored
        (None, set()),
    ],
)  # fmt: skip
def test_named_datasets_keeps_only_well_formed_repo_ids(card_data, expected) -> None:
    assert named_datasets(card_data) == expected


@pytest.mark.parametrize(
    ("card_data", "expected"),
    [
        ({"dataset_info": {"dataset_size": 1_000}}, 1_000),
        ({"dataset_info": [{"dataset_size": 10}, {"dataset_size": 2.5}, {"config": "x"}]}, 12),
        ({"dataset_info": [{"dataset_size": True}, {"dataset_size": "9"}]}, None),
        ({"dataset_info": None}, None),
        ("not a dict", None),
    ],
)
def test_dataset_size_sums_the_configs_that_state_a_number(card_data, expected) -> None:
    assert dataset_size_bytes(card_data) == expected


def sibling(name: str, size: int | None = None, lfs: int | None = None) -> dict:
    """A file of ``/api/models/{id}?blobs=true``: LFS files carry their size under ``lfs``."""
    return {"rfilename": name, "size": size, **({"lfs": {"size": lfs}} if lfs else {})}


def test_model_size_keeps_every_file_as_the_hub_lists_it() -> None:
    """Raw stays raw: no file is judged or summed here (dbt does, by the weight-patterns seed)."""
    info = {
        "siblings": [
            sibling("model.safetensors", size=500, lfs=500),
            sibling("training_args.bin", size=4),
            sibling("b.safetensors"),  # a size the Hub did not give stays unknown
            {"size": 3},  # no path: not a file
            "junk",
        ],
        "safetensors": {"total": 66_000_000},
        "usedStorage": 2_704,
    }
    assert model_size_row(info) == {
        "parameters": 66_000_000,
        "used_storage_bytes": 2_704,
        "siblings": [
            {"rfilename": "model.safetensors", "size": 500, "lfs_size": 500},
            {"rfilename": "training_args.bin", "size": 4, "lfs_size": None},
            {"rfilename": "b.safetensors", "size": None, "lfs_size": None},
        ],
    }
    assert model_size_row({}) == {"parameters": None, "used_storage_bytes": None, "siblings": []}
