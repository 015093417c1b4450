"""The award candidates benchmark runs end to end (tiny N, SQLite only); the real run is by
hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_bench_award_candidates_runs_with_small_numbers(capsys):
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_award_candidates.py"
    spec = importlib.util.spec_from_file_location("bench_award_candidates", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--reps", "40", "--runs", "1"])
    out = capsys.readouterr().out
    # 40 reps (none deactivated below 96) and the 3 who get HR's card are active
    assert "baseline: leaderboard + metric_values of 43 people" in out
    assert "month_candidates, 4 awards" in out and "ranking t3_star (composite)" in out
    assert "candidates for 4 of 4 award(s); card queued for 3 HR; sent 0, failed 0" in out
    winners = dict(w.split() for w in out.split("winners: ")[1].strip().split(", "))
    assert set(winners) == {"champion", "fastest", "liked", "t3_star"}
    assert int(winners["t3_star"][1:]) % 10 == 3  # rep i is in team t{i % 10}
    assert len(results) == 7 and all(ms >= 0 for ms in results.values())
