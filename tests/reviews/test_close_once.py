"""Closing happens once: two closes at once queue one set of summaries; the `review-close` job
closes on the due date plus close_after_days, once; a manager of 60 reports still gets a
valid message; the CLI closes by id or name and refuses an unknown cycle in one line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import col, func, select

from bot.core.blocks import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from bot.core.errors import UserFacingError
from bot.features import find_job
from bot.reviews.close import close_by_ref, due_to_close
from handlers.cli import cli
from storage.models.core import Delivery
from storage.models.reviews import ReviewCycle
from tests.reviews.close_support import at_once, close_config, november_cycle
from tests.support.reviews import start_cycle


@pytest.fixture
def config():
    return close_config()


def _summaries(db) -> list[str]:
    with db.session() as s:
        return list(
            s.exec(select(Delivery.key).where(col(Delivery.key).startswith("review-close:"))).all()
        )


def test_two_closes_at_once_queue_one_set_of_summaries(deps, db, org):
    org.standard()
    november_cycle(db)
    ws = deps.workspace()

    def close() -> object:
        try:
            with db.session() as session:
                return close_by_ref(ws, session, None, "Nov 2026")
        except UserFacingError as exc:
            return exc.key

    results = at_once(close, close)
    assert sorted(map(str, results))[-1] == "reviews.close.already"
    assert sum(not isinstance(r, str) for r in results) == 1
    keys = _summaries(db)
    assert len(keys) == len(set(keys)) == 4 + 3 + 1  # reps, managers, HR


def test_the_job_closes_after_the_due_date_plus_close_after_days(deps, db, org, fake):
    org.standard()
    start_cycle(db, "T0001", name="Q4", due=date(2026, 12, 31))
    job = find_job("review-close")
    assert job is not None
    # 8 Jan 2027 00:20 in Shanghai is 7 Jan 16:20 UTC: still 7 days after, not more
    assert "closed 0 cycle(s)" in job.func(deps, datetime(2027, 1, 7, 15, 59, tzinfo=UTC))
    summary = job.func(deps, datetime(2027, 1, 7, 16, 20, tzinfo=UTC))
    # 00:20 is inside everyone's quiet hours: the summaries wait for their working hours
    assert summary.startswith("closed 1 cycle(s); sent 0")
    assert fake.dms_to("UALICE") == []
    deliver = find_job("deliver-outbox")
    assert deliver is not None
    deliver.func(deps, datetime(2027, 1, 8, 2, 0, tzinfo=UTC))  # Friday 10:00 in Shanghai
    assert "closed 0 cycle(s); sent 0" in job.func(deps, datetime(2027, 1, 8, 16, 20, tzinfo=UTC))
    assert len(fake.dms_to("UALICE")) == 1
    with db.session() as s:
        assert s.exec(select(ReviewCycle)).one().status == "closed"


def test_due_to_close_counts_whole_days_after_the_due_date():
    cycle = ReviewCycle(team_id="T", name="x", kind="monthly", period="2026-11",
                        due=date(2026, 11, 30), steps=["self"])  # fmt: skip
    assert not due_to_close(cycle, date(2026, 12, 7), 7)
    assert due_to_close(cycle, date(2026, 12, 8), 7)
    assert due_to_close(cycle, date(2026, 12, 1), 0)


def test_a_manager_of_60_reports_gets_a_valid_message(deps, db, org, fake):
    boss = org.person("UBOSS", "Big Boss", role="manager")
    for i in range(60):
        org.person(f"UR{i:03d}", f"Representative Number {i:03d} " + "x" * 40, manager=boss)
    start_cycle(db, "T0001")
    with db.session() as session:
        close_by_ref(deps.workspace(), session, None, None)
    deps.sender.flush(db)
    [call] = fake.dms_to("UBOSS")
    blocks = call.params["blocks"]
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in blocks if "text" in b)
    shown = "\n".join(b["text"]["text"] for b in blocks if "text" in b)
    assert all(f"<@UR{i:03d}>" in shown for i in range(60))  # everyone fits in a few sections
    assert "60 people in your team; 0 of 120 reviews submitted" in shown


def _cli_env(deps, fake, tmp_path, monkeypatch) -> None:
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(tmp_path / "none.toml"),
    }.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "none.toml").write_text('[workspace]\ndefault_locale = "en-US"\n')


def test_the_cli_closes_by_name_and_refuses_unknown_cycles(
    deps, db, org, fake, tmp_path, monkeypatch
):
    org.standard()
    november_cycle(db)
    _cli_env(deps, fake, tmp_path, monkeypatch)
    unknown = CliRunner().invoke(cli, ["review", "close", "Nov 2025"])
    assert unknown.exit_code != 0
    assert unknown.output.strip().splitlines() == ["Error: No review cycle matches “Nov 2025”."]
    done = CliRunner().invoke(cli, ["review", "close", "Nov 2026"])
    assert done.exit_code == 0, done.output
    assert (
        "5 open task(s) cancelled; summaries: 4 rep(s), 3 manager(s), 1 HR; sent 8" in done.output
    )
    again = CliRunner().invoke(cli, ["review", "close", "Nov 2026"])
    assert again.exit_code != 0 and "closed already" in again.output
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(Delivery)).one() == 8
