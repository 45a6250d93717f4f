"""A separate process holding a DuckDB file open, as a BI tool or `make load` would.

    python holder.py PATH {read_only|read_write}

Prints ``ready`` once connected, then answers stdin lines: ``reconnect`` (close every connection
and open the path again), or a SQL query (one JSON line of rows back; ``error: ...`` on failure).
"""

from __future__ import annotations

import json
import sys

import duckdb


def main() -> None:
    path, mode = sys.argv[1:]
    con = duckdb.connect(path, read_only=mode == "read_only")
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.strip()
        try:
            if command == "reconnect":
                # Closing first matters: DuckDB shares one instance per path within a process.
                con.close()
                con = duckdb.connect(path, read_only=mode == "read_only")
                answer = "ok"
            else:
                answer = json.dumps(con.execute(command).fetchall(), default=str)
        except duckdb.Error as exc:
            answer = f"error: {exc}"
        print(answer, flush=True)


if __name__ == "__main__":
    main()
