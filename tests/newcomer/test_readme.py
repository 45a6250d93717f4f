"""The README's quickstart as a newcomer types it, after `make demo`: the three next commands and
the SQL shell with the README's query, each as written but for the demo's directory (the
session's, copied: data/demo stands for it); every other make command it shows is a target."""

from __future__ import annotations

import os
import re
import subprocess

import duckdb
import pytest
from pipeline_support import copy_of_warehouse

from hubcarbon_settings import REPO_ROOT, Paths

README = (REPO_ROOT / "README.md").read_text()
NEXT = README.split("## Three commands next")[1].split("\n## ")[0]
(NEXT_BLOCK,) = re.findall(r"```bash\n(.*?)```", NEXT, re.S)
COMMANDS = [line.split("#")[0].strip() for line in NEXT_BLOCK.splitlines()]
QUERIES = re.findall(r"```sql\n(.*?)```", README, re.S)
DEMO = "data/demo"


def typed(command: str, paths: Paths, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``command`` in a shell at the checkout, with the demo's directory standing for data/demo."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_DIR", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["bash", "-c", command.replace(DEMO, str(paths.data_dir))],
        cwd=REPO_ROOT, env=env, input=stdin, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    return copy_of_warehouse(demo_warehouse, tmp_path_factory.mktemp("readme"))


def test_the_readme_shows_three_next_commands_on_the_demo() -> None:
    assert [c.split()[:2] for c in COMMANDS] == [["make", "report"], ["make", "label"],
                                                 ["make", "sql"]]  # fmt: skip
    assert all(f"DATA_DIR={DEMO}" in command for command in COMMANDS)


def test_the_report_and_the_label_as_written(demo: Paths) -> None:
    for command in COMMANDS[:2]:
        done = typed(command, demo)
        assert done.returncode == 0, f"{command}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert (demo.report_dir / "index.html").is_file()
    model = re.search(r"MODEL=(\S+)", COMMANDS[1])[1]
    for suffix in (".svg", ".png", ".badge.svg"):
        assert (demo.labels_dir / "cards" / f"{model}{suffix}").is_file()


@pytest.mark.parametrize("query", QUERIES, ids=range(1, len(QUERIES) + 1))
def test_every_readme_query_answers_in_the_sql_shell(demo: Paths, query: str) -> None:
    done = typed(COMMANDS[2], demo, stdin=query)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stdout + done.stderr
    with duckdb.connect(str(demo.warehouse), read_only=True) as con:
        rows = con.execute(query).fetchall()
    assert rows, "the demo has an answer to every README query"
    assert str(rows[0][0]) in done.stdout  # the shell printed the answer


def test_every_make_command_the_readme_shows_is_a_target() -> None:
    listed = set(re.findall(r"^  make (\S+)", typed("make help", Paths(REPO_ROOT)).stdout, re.M))
    shown = set(re.findall(r"^make ([a-z-]+)", README, re.M))
    assert shown and shown <= listed, shown - listed
