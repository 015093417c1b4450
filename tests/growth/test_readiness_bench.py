"""The readiness benchmark runs end to end (tiny N, SQLite only); the real run is by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_bench_readiness_runs_with_small_numbers(capsys):
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_readiness.py"
    spec = importlib.util.spec_from_file_location("bench_readiness", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--reps", "30", "--runs", "1"])
    out = capsys.readouterr().out
    assert "baseline: composites of 30 people x 3 months" in out
    assert "readiness of 30 reps" in out and "of 30 ready)" in out
    assert len(results) == 3 and all(ms >= 0 for ms in results.values())
