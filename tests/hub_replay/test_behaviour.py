"""Rate limits, injected faults, the request log, mutations and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx2
import numpy as np
import pytest
from huggingface_hub import HfApi, hf_hub_download

from hub_replay import Corpus, Faults, HubReplay, RateLimit
from hub_replay.__main__ import main
from hub_replay.population import Population

TOKEN = "hf_" + "x" * 34  # a fake token: only its absence from the log matters


def test_rate_limit_headers_and_429(fresh_corpus):
    with (
        HubReplay(
            fresh_corpus, rate_limit=RateLimit(quota=3, window_s=60, resolvers_quota=1)
        ) as hub,
        httpx2.Client(base_url=hub.url) as client,
    ):
        answers = [client.get("/api/models?limit=1") for _ in range(4)]
        resolver = client.head(f"/{next(iter(fresh_corpus._models))}/resolve/main/README.md")
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit"].startswith('"api";r=2;t=')
    assert answers[3].headers["RateLimit"].startswith('"api";r=0;t=')
    assert answers[3].headers["RateLimit-Policy"] == '"fixed window";"api";q=3;w=60'
    assert int(answers[3].headers["Retry-After"]) > 0
    assert resolver.status_code == 200  # a separate bucket
    assert resolver.headers["RateLimit-Policy"] == '"fixed window";"resolvers";q=1;w=60'


def test_client_waits_out_a_429(fresh_corpus):
    """huggingface_hub's paginate() backs off on 429 for the time the RateLimit header gives."""
    with HubReplay(fresh_corpus, rate_limit=(2, 3)) as hub:  # 3 s: room for 3 requests
        api = HfApi(endpoint=hub.url, token=False)
        pages = [list(api.list_models(limit=1)) for _ in range(3)]
        statuses = [r["status"] for r in hub.requests]
    assert all(len(page) == 1 for page in pages)
    assert statuses == [200, 200, 429, 200]


def test_fail_next_and_client_retry(fresh_corpus):
    with HubReplay(fresh_corpus) as hub:
        hub.fail_next(1, status=502)
        pages = list(HfApi(endpoint=hub.url, token=False).list_models(limit=3))
        statuses = [r["status"] for r in hub.requests]
    assert len(pages) == 3 and statuses == [502, 200]


def test_seeded_faults_are_reproducible(fresh_corpus):
    def run() -> list[int]:
        faults = Faults(rate=0.3, statuses=(502, 503), seed=11)
        with HubReplay(fresh_corpus, faults=faults) as hub, httpx2.Client(base_url=hub.url) as c:
            return [c.get("/api/models?limit=1").status_code for _ in range(40)]

    first = run()
    assert first == run()
    assert set(first) == {200, 502, 503}


def test_request_log_records_auth_presence_never_the_token(fresh_corpus, tmp_path):
    log = tmp_path / "requests.jsonl"
    with HubReplay(fresh_corpus, log_path=log) as hub:
        api = HfApi(endpoint=hub.url, token=TOKEN)
        list(api.list_models(filter="co2_eq_emissions", limit=2, expand=["sha"]))
        HfApi(endpoint=hub.url, token=False).model_info(next(iter(fresh_corpus._models)))
        in_memory = list(hub.requests)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines == json.loads(json.dumps(in_memory))
    assert [e["auth"] for e in lines] == [True, False]
    assert lines[0]["params"]["filter"] == ["co2_eq_emissions"]
    assert lines[0]["params"]["expand"] == ["sha"]
    assert TOKEN not in log.read_text()


def test_mutations_move_models_and_keep_history(fresh_corpus, tmp_path):
    corpus = fresh_corpus
    with HubReplay(corpus) as hub:
        api = HfApi(endpoint=hub.url, token=False)
        oldest = list(api.list_models(sort="last_modified", expand=["sha", "lastModified"]))[-1]
        corpus.touch(oldest.id)
        top = next(iter(api.list_models(sort="last_modified", expand=["sha", "lastModified"])))
        assert top.id == oldest.id and top.sha != oldest.sha

        generated = corpus.population.model_id(corpus.population.row(0))
        corpus.set_card_data(generated, {"co2_eq_emissions": {"emissions": 42.0}}, readme="# new\n")
        reporters = {m.id for m in api.list_models(filter="co2_eq_emissions", cardData=True)}
        assert generated in reporters
        info = api.model_info(generated)
        assert info.card_data.to_dict()["co2_eq_emissions"] == {"emissions": 42.0}
        latest = hf_hub_download(
            generated, "README.md", cache_dir=tmp_path, endpoint=hub.url, token=False
        )
        with open(latest, encoding="utf-8") as f:
            assert "emissions: 42.0" in f.read()
        assert len(list(api.list_models(search=generated.split("/")[1]))) == 1  # no shadow twin

        added = corpus.add_model("someone/fresh-model", card_data={"license": "mit"}, readme="hi\n")
        assert api.model_info("someone/fresh-model").sha == added.api["sha"]
        corpus.delete_model("someone/fresh-model")
        assert not api.repo_exists("someone/fresh-model")
        with pytest.raises(KeyError):
            corpus.touch("someone/fresh-model")


def test_generated_tags_and_tag_masks_agree():
    pop = Population(5_000, seed=5, reporter_share=0.02)
    rows = pop.rows(np.arange(pop.size))
    parents = pop.parents_of(rows)
    tags = [pop.tags(row, parents.get(row.i, [])) for row in rows]
    merge = tags[int(pop.merge_rows[0])]
    lineage = [t for t in merge if t.startswith("base_model:")]  # a parent, with its relation
    withdrawn = next(t for ts in tags for t in ts if "withdrawn-" in t)
    for tag in ("co2_eq_emissions", "autotrain", "transformers", "text-classification", "en",
                "license:mit", "dataset:imdb", "pytorch", "region:us", "no-such-tag",
                *lineage, withdrawn, "base_model:", "base_model:finetune:no/such-1"):  # fmt: skip
        expected = np.array([tag in t for t in tags])
        assert (pop.tag_mask(tag) == expected).all(), tag
    assert all(pop.index_of(pop.model_id(row)) == row.i for row in rows[:200])
    author = pop.author_name(int(pop.author[0]))
    assert (pop.author_mask(author) == (pop.author == pop.author[0])).all()


def test_generated_corpus_is_deterministic_and_hub_shaped():
    first, second = Corpus.generated(2_000, seed=9), Corpus.generated(2_000, seed=9)
    a = [
        r.to_api(["id", "sha", "lastModified", "createdAt"])
        for r in first.population.records(range(50))
    ]
    b = [
        r.to_api(["id", "sha", "lastModified", "createdAt"])
        for r in second.population.records(range(50))
    ]
    assert a == b
    assert all(
        r["lastModified"] >= r["createdAt"] or r["createdAt"].startswith("2022-03-02") for r in a
    )


def test_cli_serves_until_killed(tmp_path):
    log = tmp_path / "cli.jsonl"
    command = [
        sys.executable,
        "-m",
        "hub_replay",
        "serve",
        "--population",
        "200",
        "--log",
        str(log),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            url = server.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            assert len(httpx2.get(f"{url}/api/models?limit=3").json()) == 3
        finally:
            server.terminate()
        assert server.wait(timeout=10) == 0
    assert json.loads(log.read_text().splitlines()[0])["path"] == "/api/models"


def test_bench_reports_pages_per_second(capsys):
    assert main(["bench", "--models", "5000", "--pages", "3"]) == 0
    assert "3 pages" in capsys.readouterr().out


def test_rate_limit_spec_parses_quota_and_window():
    assert RateLimit.parse("500/300") == RateLimit(500, 300.0)
    assert RateLimit.parse("30") == RateLimit(30, 300.0)
