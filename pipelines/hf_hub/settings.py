"""Constants of the Hub source: endpoints, page sizes, fields, budgets and retry limits."""

from __future__ import annotations

DEFAULT_ENDPOINT = "https://huggingface.co"

# Where a load came from (raw_hub.load_endpoints.endpoint_kind). The project's imitation of the Hub
# announces the corpus it serves in a header the real Hub never sends; its bundled snapshot is
# "bundled". Read from the answers, never from the caller's say-so.
REPLAY_CORPUS_HEADER = "X-Hub-Replay-Corpus"
BUNDLED_CORPUS = "bundled"
ENDPOINT_KINDS = ("huggingface_hub", "bundled_snapshot", "other_endpoint")

# The Hub's maximum page size for listings: one request per 1,000 models.
PAGE_SIZE = 1000

# Exactly the properties the raw tables need (`expand` returns only these, plus `id` and `_id`).
MODEL_EXPAND = (
    "author",
    "sha",
    "createdAt",
    "lastModified",
    "downloads",
    "downloadsAllTime",
    "likes",
    "tags",
    "pipeline_tag",
    "library_name",
    "gated",
    "private",
    "disabled",
    "cardData",
    "safetensors",
    "gguf",
)

# The Hub computes this tag for every model whose card metadata has the key.
EMISSIONS_TAG = "co2_eq_emissions"

# Per-run budgets for models that do not report emissions (reporters are always covered).
DEFAULT_CARD_BUDGET = 2000
DEFAULT_FIRST_COMMIT_BUDGET = 2000

# Parallel detail requests. The Hub's rate limits, not this, bound the real throughput.
DEFAULT_DETAIL_WORKERS = 8

# Give up on a request once retries and rate-limit waits for it have taken this long.
DEFAULT_MAX_WAIT_S = 900.0
REQUEST_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 5.0
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})

# Start pacing once fewer than this share of a rate-limit window's quota remains.
PACE_BELOW_SHARE = 0.1

# Progress lines per resource at most this often.
PROGRESS_EVERY_S = 10.0

# A dataset repo id as the Hub accepts it: `name` or `owner/name`.
DATASET_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?$"

# DuckDB of the destination, in force where dlt's load step copies and merges the staged rows:
# merging a full listing (1M models) otherwise takes GBs of RAM; with a limit DuckDB spills to
# DATA_DIR/raw.duckdb.tmp/, and the loader's peak stays flat with the population
# (docs/benchmarks.md).
DUCKDB_CONFIG = {"memory_limit": "400MB", "preserve_insertion_order": False}
