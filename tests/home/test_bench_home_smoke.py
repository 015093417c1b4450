"""The App Home benchmark runs end to end (tiny N, SQLite only); the real run is by hand."""

from __future__ import annotations

from bench import bench_home


def test_bench_home_runs_with_small_numbers(tmp_path, capsys):
    results = bench_home.main(["--people", "60", "--reports", "9", "--runs", "2", "--no-pg",
                               "--workdir", str(tmp_path)])  # fmt: skip
    out = capsys.readouterr().out
    assert "rep (baseline)" in out and "HR over 60 people" in out
    rows = results["sqlite"]
    manager = next(row for name, row in rows.items() if name.startswith("manager of "))
    assert manager["queries"] <= 40 and rows["HR over 60 people"]["queries"] <= 30
    assert all(row["blocks"] <= 100 for row in rows.values())
