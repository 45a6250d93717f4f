"""Command line: ``serve`` runs the imitation until killed; ``bench`` measures its page speed;
``families`` prints the generated population's lineage and memory.

python -m hub_replay serve [--population N | --generated N] [--port P] [--log FILE]
                                     [--rate-limit Q/W] [--fault-rate X] [--latency S]
python -m hub_replay bench [--models N] [--pages P]
python -m hub_replay families [--models N] [--reporter-share X] [--seed S]
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import statistics
import sys
import time
import tracemalloc

import httpx2
import numpy as np

from hub_replay.corpus import DEFAULT_POPULATION, Corpus
from hub_replay.population import Population
from hub_replay.server import Faults, HubReplay, RateLimit

# What a co2 miner asks for on every listing page (the Hub's expand[] properties).
BENCH_EXPAND = (
    "cardData", "lastModified", "createdAt", "downloads", "likes", "tags", "pipeline_tag",
    "library_name", "author", "sha", "safetensors", "gguf", "usedStorage", "private", "gated",
)  # fmt: skip


def serve(args: argparse.Namespace) -> int:
    if args.generated is not None:
        corpus = Corpus.generated(args.generated, args.reporter_share, seed=args.seed)
    else:
        corpus = Corpus.bundled(population=args.population, seed=args.seed)
    hub = HubReplay(
        corpus,
        rate_limit=args.rate_limit,
        faults=Faults(rate=args.fault_rate, seed=args.seed),
        latency_s=args.latency,
        log_path=args.log,
        port=args.port,
    )
    # SIGTERM (what `kill` sends) ends the server as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with hub:
        print(hub.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            signal.pause()
    return 0


def bench(args: argparse.Namespace) -> int:
    """Follow ``sort=lastModified`` pages of 1,000 with the miner's expand list, keep-alive."""
    started = time.perf_counter()
    corpus = Corpus.generated(args.models, reporter_share=0.005)
    print(f"generated {args.models:,} models in {time.perf_counter() - started:.2f} s")
    expand = "&".join(f"expand[]={name}" for name in BENCH_EXPAND)
    with HubReplay(corpus) as hub, httpx2.Client(timeout=60) as client:
        url = f"{hub.url}/api/models?sort=lastModified&limit=1000&{expand}"
        pages = size = 0
        started = time.perf_counter()
        while url and pages < args.pages:
            response = client.get(url)
            size += len(response.content)
            pages += 1
            url = response.links.get("next", {}).get("url")
        elapsed = time.perf_counter() - started
        server_ms = [entry["duration_ms"] for entry in hub.requests]
    print(
        f"{pages} pages ({size / pages / 1024:.0f} KiB each) in {elapsed:.2f} s: "
        f"{pages / elapsed:.1f} pages/s, {pages * 1000 / elapsed:,.0f} models/s through HTTP; "
        f"server time per page: median {statistics.median(server_ms):.1f} ms, "
        f"first {server_ms[0]:.1f} ms"
    )
    return 0


def families(args: argparse.Namespace) -> int:
    """The generated population's families, and what generating it costs."""
    tracemalloc.start()
    started = time.perf_counter()
    population = Population(args.models, seed=args.seed, reporter_share=args.reporter_share)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    held = sum(v.nbytes for v in vars(population).values() if isinstance(v, np.ndarray))
    print(
        f"generated {args.models:,} models in {elapsed:.2f} s: columns {held / 2**20:,.0f} MiB, "
        f"peak while generating {peak / 2**20:,.0f} MiB (tracemalloc)"
    )
    for name, value in population.family_statistics().items():
        print(f"{name}: {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub_replay")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve a corpus on 127.0.0.1 until killed")
    corpus = serve_cmd.add_mutually_exclusive_group()
    corpus.add_argument(
        "--population",
        type=int,
        default=DEFAULT_POPULATION,
        help=f"generated non-reporters besides the snapshot (default {DEFAULT_POPULATION})",
    )
    corpus.add_argument("--generated", type=int, help="serve N generated models only (benchmarks)")
    serve_cmd.add_argument("--reporter-share", type=float, default=0.005, help="with --generated")
    serve_cmd.add_argument("--seed", type=int, default=0)
    serve_cmd.add_argument("--port", type=int, default=0, help="default: a free port")
    serve_cmd.add_argument("--log", help="append every request as a JSON line to this file")
    serve_cmd.add_argument("--rate-limit", type=RateLimit.parse, help="Q/W: Q requests per W s")
    serve_cmd.add_argument("--fault-rate", type=float, default=0.0, help="share answered 5xx")
    serve_cmd.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    serve_cmd.set_defaults(run=serve)
    bench_cmd = commands.add_parser("bench", help="measure listing pages/s on generated models")
    bench_cmd.add_argument("--models", type=int, default=1_000_000)
    bench_cmd.add_argument("--pages", type=int, default=200)
    bench_cmd.set_defaults(run=bench)
    families_cmd = commands.add_parser("families", help="the generated population's lineage")
    families_cmd.add_argument("--models", type=int, default=1_000_000)
    families_cmd.add_argument("--reporter-share", type=float, default=0.005)
    families_cmd.add_argument("--seed", type=int, default=0)
    families_cmd.set_defaults(run=families)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
