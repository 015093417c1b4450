"""Digest compute benchmark: the time to queue the weekly digest (team posts, charts, rep
DMs) of N reps with M facts, for this tree and optionally another one (`--baseline DIR`, e.g.
`git archive <commit> | tar -x -C DIR`), on the same seeded database, and whether both queued
exactly the same deliveries (key, channel, text, blocks, file, not_before).

    python bench/bench_digest_compute.py --reps 1000 --facts 100000 --baseline /tmp/base
    python bench/bench_digest_compute.py --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

SQLite by default (a temporary file); with --url a PostgreSQL server, on its own database."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLUMNS = ("key", "channel", "text", "blocks", "file", "file_name", "not_before")

_RUN = """
import json, sys, time
from bench.bench_digest_fanout import AS_OF, config
from bot.core.config import Settings
from bot.core.deps import Deps
from bot.kpi.digest import queue_digest
from sqlalchemy import text
url, reps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cfg = config(reps)
deps = Deps.build(Settings(slack_bot_token="xoxb-bench", database_url=url), cfg, team_id="TBENCH")
started = time.perf_counter()
queued = queue_digest(deps.workspace(), deps.db, AS_OF)
secs = time.perf_counter() - started
cols = sys.argv[4].split(',')
with deps.db.engine.connect() as conn:
    rows = conn.execute(text(f"SELECT {', '.join(cols)} FROM deliveries ORDER BY key")).all()
def norm(v):
    if isinstance(v, (bytes, memoryview)):
        import hashlib
        return hashlib.sha256(bytes(v)).hexdigest()
    if isinstance(v, str) and v.startswith(("[", "{")):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v if v is None or isinstance(v, (int, float, list, dict)) else str(v)
json.dump({"secs": secs, "queued": queued, "rows": [[norm(v) for v in r] for r in rows]},
          open(out, "w"))
deps.db.dispose()
"""


def run_tree(tree: Path, url: str, reps: int, workdir: Path) -> dict:
    out = workdir / f"out-{abs(hash(str(tree)))}.json"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(
        [sys.executable, "-c", _RUN, url, str(reps), str(out), ",".join(COLUMNS)],
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


def reset(url: str) -> None:
    from storage.db import Database

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM deliveries"))
        conn.execute(text("DELETE FROM digest_runs"))
    db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--url", help="a PostgreSQL server (default: SQLite in a temp file)")
    parser.add_argument("--baseline", type=Path, help="another source tree to compare with")
    args = parser.parse_args(argv)
    from bench.bench_digest_fanout import config, seed
    from tests.support.databases import create_test_database, drop_test_database

    workdir = Path(tempfile.mkdtemp(prefix="bench_digest_"))
    url = create_test_database(args.url) if args.url else f"sqlite:///{workdir / 'bench.db'}"
    try:
        seed(url, args.reps, args.facts, config(args.reps), workdir)
        trees = [("this tree", ROOT)] + ([("baseline", args.baseline)] if args.baseline else [])
        results = {}
        for label, tree in trees:
            reset(url)
            results[label] = got = run_tree(tree, url, args.reps, workdir)
            print(f"{label}: {got['queued']} queued in {got['secs']:.2f} s")
        if args.baseline:
            a, b = results["this tree"], results["baseline"]
            same = a["rows"] == b["rows"]
            print(
                f"speed-up {b['secs'] / a['secs']:.1f}x; deliveries identical: {same} "
                f"({len(a['rows'])} vs {len(b['rows'])})"
            )
            if not same:
                diff = [(x, y) for x, y in zip(a["rows"], b["rows"], strict=False) if x != y]
                print("first difference:", str(diff[:1])[:2000])
                raise SystemExit(1)
    finally:
        if args.url:
            drop_test_database(url)


if __name__ == "__main__":
    main()
