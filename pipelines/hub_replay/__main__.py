"""``python -m pipelines.hub_replay serve``: run the imitation until killed, printing its URL."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys

from pipelines.hub_replay.corpus import DEFAULT_POPULATION, Corpus
from pipelines.hub_replay.server import Faults, HubReplay, RateLimit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.hub_replay")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a corpus on 127.0.0.1 until killed")
    corpus = serve.add_mutually_exclusive_group()
    corpus.add_argument(
        "--population",
        type=int,
        default=DEFAULT_POPULATION,
        help=f"generated non-reporters besides the snapshot (default {DEFAULT_POPULATION})",
    )
    corpus.add_argument("--generated", type=int, help="serve N generated models only (benchmarks)")
    serve.add_argument("--reporter-share", type=float, default=0.005, help="with --generated")
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--port", type=int, default=0, help="default: a free port")
    serve.add_argument("--log", help="append every request as a JSON line to this file")
    serve.add_argument("--rate-limit", type=RateLimit.parse, help="Q/W: Q requests per W seconds")
    serve.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests answered 5xx"
    )
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    args = parser.parse_args(argv)

    if args.generated is not None:
        hub_corpus = Corpus.generated(args.generated, args.reporter_share, seed=args.seed)
    else:
        hub_corpus = Corpus.bundled(population=args.population, seed=args.seed)
    hub = HubReplay(
        hub_corpus,
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


if __name__ == "__main__":
    raise SystemExit(main())
