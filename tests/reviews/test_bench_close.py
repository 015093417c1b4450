"""The closing benchmark runs end to end (tiny N, SQLite only); the real run is by hand."""

from __future__ import annotations

from bench.bench_review_close import main


def test_bench_review_close_runs_with_small_numbers(capsys):
    results = main(["--reps", "30"])
    out = capsys.readouterr().out
    assert "close 30 reps (3 managers)" in out and "34 summaries queued" in out
    assert results["sqlite"] > 0
