"""Single-repo endpoints: model info, commits, datasets, README downloads."""

from __future__ import annotations

import httpx2
import pytest
from huggingface_hub import hf_hub_download
from huggingface_hub.errors import (
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from hub_replay import HubReplay
from hub_replay.records import LFS_THRESHOLD, PLACEHOLDER_CREATED_AT, ms


def _snapshot_model(corpus, predicate):
    return next(r for r in corpus._models.values() if predicate(r))


def test_model_info_with_files_metadata_gives_sizes_and_lfs(api, corpus):
    record = _snapshot_model(corpus, lambda r: r.files.get("pytorch_model.bin", 0) > LFS_THRESHOLD)
    info = api.model_info(record.id, files_metadata=True)
    sizes = {s.rfilename: s.size for s in info.siblings}
    assert sizes["pytorch_model.bin"] == record.files["pytorch_model.bin"]
    assert sizes["README.md"] == len(record.readme.encode())
    weights = next(s for s in info.siblings if s.rfilename == "pytorch_model.bin")
    assert weights.lfs is not None and weights.lfs.size == weights.size
    assert (
        info.card_data.to_dict()["co2_eq_emissions"] == record.api["cardData"]["co2_eq_emissions"]
    )
    assert info.used_storage >= sum(record.files.values())
    assert info.sha == record.api["sha"] and info.created_at is not None


def test_model_info_expand_and_revision(api, hub, corpus):
    record = _snapshot_model(corpus, lambda r: "safetensors" in r.api)
    body = httpx2.get(f"{hub.url}/api/models/{record.id}?expand=safetensors&expand=usedStorage")
    assert set(body.json()) == {"_id", "id", "safetensors", "usedStorage"}
    info = api.model_info(record.id, revision=record.api["sha"], expand=["safetensors"])
    assert info.safetensors.total == record.api["safetensors"]["total"]
    with pytest.raises(RevisionNotFoundError):
        api.model_info(record.id, revision="0" * 40)


def test_detail_has_no_parameter_summary_where_the_real_count_is_unknown(api, hub, corpus):
    """A snapshot repo with safetensors weights but no known count: its files (and sizes) are
    served, the summary is absent, as the Hub omits one it cannot read, not made up."""
    record = _snapshot_model(
        corpus, lambda r: "model.safetensors" in r.files and "safetensors" not in r.api
    )
    body = httpx2.get(f"{hub.url}/api/models/{record.id}", params={"blobs": "true"}).json()
    assert "safetensors" not in body
    sizes = {s["rfilename"]: s["size"] for s in body["siblings"]}
    assert sizes["model.safetensors"] == record.files["model.safetensors"]
    assert api.model_info(record.id, files_metadata=True).safetensors is None


def test_unknown_repositories_are_404_with_the_hub_error_code(api, hub):
    response = httpx2.get(f"{hub.url}/api/models/nobody/nothing")
    assert response.status_code == 404
    assert response.headers["X-Error-Code"] == "RepoNotFound"
    assert response.json() == {"error": "Repository not found"}
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/nothing")
    with pytest.raises(RepositoryNotFoundError):
        api.dataset_info("nobody/nothing")


def test_first_commit_is_the_real_creation_date_behind_the_placeholder(api, corpus):
    record = _snapshot_model(corpus, lambda r: r.api["createdAt"] == PLACEHOLDER_CREATED_AT)
    commits = api.list_repo_commits(record.id)
    assert commits[0].commit_id == record.api["sha"]
    assert ms(commits[-1].created_at) == ms(record.created_real) < ms(PLACEHOLDER_CREATED_AT)
    dates = [c.created_at for c in commits]
    assert dates == sorted(dates, reverse=True)


def test_commits_paginate_with_link_headers(api, fresh_corpus):
    model_id = next(iter(fresh_corpus._models))
    for _ in range(60):
        fresh_corpus.touch(model_id)
    with HubReplay(fresh_corpus) as hub:
        client = type(api)(endpoint=hub.url, token=False)
        commits = client.list_repo_commits(model_id)
        pages = [r for r in hub.requests if r["path"].endswith("/commits/main")]
    assert len(commits) == 60 + fresh_corpus.model(model_id).n_commits
    assert len(pages) == 2 and pages[1]["params"]["p"] == ["1"]
    assert len({c.commit_id for c in commits}) == len(commits)


def test_dataset_info_carries_dataset_info_as_dict_or_config_list(api, corpus):
    shapes = set()
    for dataset in list(corpus._datasets.values())[:60]:
        info = api.dataset_info(dataset.id)
        card = info.card_data.to_dict()["dataset_info"]
        shapes.add(type(card))
        configs = card if isinstance(card, list) else [card]
        assert all(c["dataset_size"] > 0 for c in configs)
        assert info.sha == dataset.api["sha"]
    assert shapes == {dict, list}


def test_readme_download_and_missing_readme(api, hub, corpus, tmp_path):
    record = _snapshot_model(corpus, lambda r: r.readme is not None)
    path = hf_hub_download(
        record.id, "README.md", cache_dir=tmp_path, endpoint=hub.url, token=False
    )
    with open(path, encoding="utf-8") as f:
        assert f.read() == record.readme
    head = httpx2.head(f"{hub.url}/{record.id}/resolve/main/README.md")
    assert head.headers["X-Repo-Commit"] == record.api["sha"]
    assert int(head.headers["Content-Length"]) == len(record.readme.encode())
    pop = corpus.population
    no_readme = pop.model_id(pop.row(int((pop.card == 0).argmax())))
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download(no_readme, "README.md", cache_dir=tmp_path, endpoint=hub.url, token=False)
