"""The KPI benchmark runs end to end (tiny N, SQLite only); the real run is by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_bench_kpi_runs_with_small_numbers(tmp_path, capsys):
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_kpi.py"
    spec = importlib.util.spec_from_file_location("bench_kpi", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--reps", "40", "--facts", "2000", "--no-pg", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "import 2,000 facts" in out and "full leaderboard of 40" in out
    assert set(results["sqlite"]) >= {"import_s", "2026-11", "2026-W48"}
