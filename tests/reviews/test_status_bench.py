"""The review status benchmark runs end to end (tiny N, SQLite); the real run is by hand."""

from __future__ import annotations

from bench import bench_review_status


def test_bench_review_status_runs_with_small_numbers(capsys):
    results = bench_review_status.main(["--people", "150", "--runs", "1"])
    assert "/review status by team (300 tasks)" in capsys.readouterr().out
    assert len(results) == 5 and all(ms >= 0 for ms in results.values())
