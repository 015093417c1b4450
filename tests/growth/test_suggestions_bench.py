"""The suggestions benchmark runs end to end (tiny N, SQLite only); the real run is by hand."""

from __future__ import annotations

from bench.bench_suggestions import main


def test_bench_suggestions_runs_with_small_numbers(capsys):
    results = main(["--reps", "30"])
    out = capsys.readouterr().out
    assert "baseline metric_values of 30 reps for 2026-11" in out
    assert "development-suggestions for 30 reps" in out
    # reps 0, 3, … (10): conversion and discount weak; 0, 6, … (5) revenue too
    assert "suggested 25 goal(s) to 10 rep(s)" in out and "second run (nothing new)" in out
    assert results["sqlite"]["suggestions"] == 25
