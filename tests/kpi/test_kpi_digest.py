"""The weekly digest through the jobs code and the fake Slack: who gets what, the numbers,
block limits with a large team, idempotent reruns, a 429 and a failing recipient."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.core.config import ValueConfig
from bot.core.periods import keys_of
from bot.features import find_job
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.models.core import Delivery, DigestRun
from storage.models.feedback import (
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    Kudos,
    KudosRecipient,
    KudosValue,
)
from storage.models.kpi import KpiTarget
from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text

MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: covers week 48


@pytest.fixture
def people(org, deps):
    people = org.standard()
    deps.config = kpi_config(deps.config)
    deps.clock = lambda: MONDAY
    load(deps.db, org.team_id, people)
    return people


def run(deps, as_of=MONDAY):
    return find_job("weekly-digest").func(deps, as_of)


def texts(calls):
    return [all_text(c.params) for c in calls]


def test_team_channels_and_reps_get_their_digest(deps, fake, people):
    summary = run(deps)
    assert "week 2026-W48" in summary
    [east] = texts(fake.messages("CEAST"))
    assert "Team east · weekly KPI digest · Week 48, 2026" in east
    order = [east.index(f"<@{u}>") for u in ("UALICE", "UBOB", "UXW")]
    assert order == sorted(order)  # ranked by composite, month to date
    assert "1. <@UALICE>" in east and "106.7%" in east and "63.3%" in east
    assert "¥" not in east  # no one's raw numbers in a channel
    # team revenue: (180,001 + 100,000 + 0) / 400,000
    assert "Revenue*\n`███████░░░` 70.0%" in east
    [west] = texts(fake.messages("CWEST"))
    assert "<@UCAROL>" in west and "UALICE" not in west

    [alice] = texts(fake.dms_to("UALICE"))
    assert "Your weekly KPI digest" in alice and "¥180,001 of ¥200,000 · ↑ ¥90,001" in alice
    assert "Change (↑ ↓) vs the first 30 days of October" in alice  # as of Monday Nov 30
    assert "Last week's composite: 0.0%  ↓ 49.0 pts" in alice  # the arrow carries the sign
    # weakest metric: pipeline 90% (revenue is 90.0005%)
    assert "Pipeline is at ¥270,000 against a target of ¥300,000" in alice
    [xw] = texts(fake.dms_to("UXW"))
    assert "你的 KPI 周报" in xw
    assert (
        "销售额目前完成目标的 0.0%：到 2026年11月30日 还差 ¥100,000，平均每个工作日约 ¥100,000"
        in xw
    )
    assert len(fake.dms_to("UBOB")) == 1 and len(fake.dms_to("UCAROL")) == 1
    for nobody in ("UEMGR", "UWMGR", "UDIR", "UHR"):
        assert fake.dms_to(nobody) == []
    uploads = fake.calls_to("files.completeUploadExternal")
    assert sorted(c.params["channel_id"] for c in uploads) == ["CEAST", "CWEST"]
    assert all(data[:8] == b"\x89PNG\r\n\x1a\n" for data in fake.uploads.values())
    assert fake.violations == []


def test_second_run_for_the_same_week_sends_nothing(deps, fake, people):
    run(deps)
    before = len(fake.messages()), len(fake.uploads)
    summary = run(deps, MONDAY + timedelta(hours=3))
    assert (len(fake.messages()), len(fake.uploads)) == before
    assert "already queued" in summary


def statuses(deps, week):
    with deps.db.session() as s:
        rows = s.exec(select(Delivery).where(Delivery.key.startswith(f"digest:{week}:"))).all()
        return {d.key.split(":")[2]: d.status for d in rows}


def test_rate_limit_is_retried_after_retry_after(deps, fake, people):
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    run(deps)
    first, second = fake.messages("CEAST")  # the 429, then the same post again
    assert second.at - first.at >= 0.9
    assert set(statuses(deps, "2026-W48").values()) == {"sent"}


def test_a_failing_recipient_does_not_stop_others_and_is_retried(deps, fake, people):
    fake.fail_next(
        "chat.postMessage", status=500
    )  # transient: retried (channel_not_found fails for good)
    summary = run(deps)
    assert "1 failed" in summary
    sent = statuses(deps, "2026-W48")
    assert sent.pop("CEAST") == "pending"  # the first delivery failed...
    assert set(sent.values()) == {"sent"} and len(sent) == 5  # ...the rest went out
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == "digest:2026-W48:CEAST")).one()
        row.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)  # backoff elapsed
        s.add(row)
    run(deps, MONDAY + timedelta(hours=1))
    assert statuses(deps, "2026-W48")["CEAST"] == "sent"
    assert len(fake.dms_to("UALICE")) == 1  # nobody got anything twice
    assert len(fake.messages("CWEST")) == 1


def test_large_team_stays_within_block_limits(deps, fake, org):
    org.standard()
    deps.config = kpi_config(deps.config)
    reps = [org.person(f"UREP{i:03d}", f"Rep {i}", manager=None) for i in range(120)]
    with deps.db.session() as s:
        s.add(
            KpiTarget(
                team_id=org.team_id,
                period="2026-11",
                sales_team="east",
                metric="revenue",
                target=1000 * 10**6,
            )
        )
        rows = [
            FactRow(
                i,
                r.id,
                "revenue",
                date(2026, 11, 20),
                (i + 1) * 10**6,
                None,
                keys_of(date(2026, 11, 20)),
            )
            for i, r in enumerate(reps)
        ]
        write_facts(s, org.team_id, rows)
    run(deps)
    [east] = fake.messages("CEAST")
    assert len(east.params["blocks"]) <= 50
    assert "…and 108 more" in all_text(east.params)  # 123 ranked, 15 shown
    assert "1. <@UREP119>" in all_text(east.params)
    assert fake.violations == []
    assert len([c for c in fake.messages() if c.params["channel"].startswith("DUREP")]) == 120


def test_jobs_cli_runs_the_digest_as_of_a_day(deps, fake, org, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from handlers.cli import cli

    people = org.standard()
    config = tmp_path / "salespulse.toml"
    config.write_text('[workspace]\ndefault_locale = "en-US"\n[teams.east]\nchannel = "CEAST"\n')
    with deps.db.session() as s:
        s.add(
            KpiTarget(
                team_id=org.team_id,
                period="2026-11",
                sales_team="east",
                metric="revenue",
                target=1000 * 10**6,
            )
        )
        day = date(2026, 11, 24)
        write_facts(
            s,
            org.team_id,
            [FactRow(2, people["bob"].id, "revenue", day, 250 * 10**6, None, keys_of(day))],
        )
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(config),
    }.items():
        monkeypatch.setenv(name, value)
    out = CliRunner().invoke(cli, ["jobs", "run", "weekly-digest", "--as-of", "2026-11-30"])
    assert out.exit_code == 0, out.output
    assert "weekly-digest: week 2026-W48" in out.output
    [east] = texts(fake.messages("CEAST"))
    assert "1. <@UBOB>" in east and "25.0%" in east
    [bob] = texts(fake.dms_to("UBOB"))
    assert "¥250 of ¥1,000" in bob


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def add_kudos(s, team_id, giver, recipients, when, values=(), withdrawn=False):
    k = Kudos(
        team_id=team_id,
        giver_id=giver.id,
        message="great work",
        created_at=when,
        withdrawn_at=when + timedelta(minutes=1) if withdrawn else None,
    )
    s.add(k)
    s.flush()
    for r in recipients:
        s.add(KudosRecipient(team_id=team_id, kudos_id=k.id, user_id=r.id))
    for v in values:
        s.add(KudosValue(team_id=team_id, kudos_id=k.id, value_key=v))


def held_ask(s, team_id, manager, subject, peer) -> int:
    """An ask of `manager`'s request for feedback about `subject`: its answer is held."""
    request = FeedbackRequest(team_id=team_id, requester_id=manager.id, subject_id=subject.id)
    s.add(request)
    s.flush()
    ask = FeedbackAsk(team_id=team_id, request_id=request.id, peer_id=peer.id)
    s.add(ask)
    s.flush()
    return ask.id


def test_digest_counts_the_weeks_kudos_and_feedback_nothing_else(deps, fake, people, org):
    deps.config.values = [
        ValueConfig(key="customer", label_en="Customer first", label_zh="客户第一"),
        ValueConfig(key="teamwork", label_en="Teamwork", label_zh="团队合作"),
    ]
    p = people
    with deps.db.session() as s:
        t = org.team_id
        add_kudos(s, t, p["bob"], [p["alice"]], at(24), ["customer"])
        add_kudos(s, t, p["carol"], [p["alice"], p["bob"]], at(25), ["customer", "teamwork"])
        add_kudos(s, t, p["alice"], [p["xiaowang"]], at(26), ["teamwork"], withdrawn=True)
        add_kudos(s, t, p["bob"], [p["alice"]], at(20), ["teamwork"])  # week 47
        add_kudos(s, t, p["alice"], [p["carol"]], at(27), ["teamwork"])  # west
        for giver, kind, when, held in [
            (p["bob"], "praise", at(24), None),
            (p["east_mgr"], "suggestion", at(25), None),
            (p["bob"], "correction", at(26), p["east_mgr"]),  # held for the manager, unshared
            (p["bob"], "correction", at(19), None),  # week 47
        ]:
            s.add(
                Feedback(
                    team_id=t,
                    giver_id=giver.id,
                    recipient_id=p["alice"].id,
                    kind=kind,
                    message="private words",
                    ask_id=held_ask(s, t, held, p["alice"], giver) if held else None,
                    created_at=when,
                )
            )
    run(deps)
    [east] = texts(fake.messages("CEAST"))
    assert "*2 kudos* for the team this week · top values: Customer first ×2, Teamwork ×1" in east
    [west] = texts(fake.messages("CWEST"))
    assert "*1 kudos* for the team this week · top values: Teamwork ×1" in west
    [alice] = texts(fake.dms_to("UALICE"))
    assert "you received *2 kudos* and *2 feedback* (Praise ×1, Suggestion ×1)" in alice
    assert "private words" not in alice and "private words" not in east
    [bob] = texts(fake.dms_to("UBOB"))
    assert "you received *1 kudos* and *0 feedback* (—)" in bob
    [xw] = texts(fake.dms_to("UXW"))
    assert "本周没有新的点赞或反馈" in xw  # the withdrawn kudos doesn't count


def test_a_week_without_kudos_says_so(deps, fake, people):
    run(deps)
    [east] = texts(fake.messages("CEAST"))
    assert "No kudos for the team this week" in east


def cli_env(deps, fake, tmp_path, monkeypatch) -> None:
    config = tmp_path / "salespulse.toml"
    config.write_text('[workspace]\ndefault_locale = "en-US"\n[teams.east]\nchannel = "CEAST"\n')
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(config),
    }.items():
        monkeypatch.setenv(name, value)


def test_a_friday_run_reports_the_last_complete_week_and_leaves_monday_its_own(
    deps, fake, people, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from handlers.cli import cli

    cli_env(deps, fake, tmp_path, monkeypatch)
    friday = CliRunner().invoke(cli, ["jobs", "run", "weekly-digest", "--as-of", "2026-11-27"])
    assert friday.exit_code == 0, friday.output
    assert "weekly-digest: week 2026-W47: 5 digest(s) and 1 chart(s) queued" in friday.output
    [east] = texts(fake.messages("CEAST"))
    assert "Week 47, 2026" in east  # Nov 16-22, not the week in progress
    monday = CliRunner().invoke(cli, ["jobs", "run", "weekly-digest", "--as-of", "2026-11-30"])
    assert monday.exit_code == 0, monday.output
    assert "weekly-digest: week 2026-W48: 5 digest(s) and 1 chart(s) queued" in monday.output
    assert "Week 48, 2026" in texts(fake.messages("CEAST"))[1]
    assert len(fake.dms_to("UALICE")) == 2  # one digest per week
    again = CliRunner().invoke(cli, ["jobs", "run", "weekly-digest", "--as-of", "2026-12-04"])
    assert "week 2026-W48: already queued" in again.output  # Friday after: still W48, done


def test_a_failed_chart_upload_is_retried_by_the_outbox(deps, fake, people):
    fake.fail_next("files.getUploadURLExternal", status=200, error="internal_error")
    assert "1 failed" in run(deps)
    assert [c.params["channel_id"] for c in fake.calls_to(UPLOAD)] == ["CWEST"]
    with deps.db.session() as s:
        chart = s.exec(select(Delivery).where(Delivery.key == "digest-chart:2026-W48:CEAST")).one()
        assert (chart.status, chart.last_error) == ("pending", "internal_error")
        chart.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)  # backoff elapsed
        s.add(chart)
    assert find_job("deliver-outbox").func(deps, MONDAY + timedelta(minutes=2)) == (
        "sent 1, failed 0"
    )
    assert sorted(c.params["channel_id"] for c in fake.calls_to(UPLOAD)) == ["CEAST", "CWEST"]
    assert len(fake.messages("CEAST")) == 1


UPLOAD = "files.completeUploadExternal"
SH = ZoneInfo("Asia/Shanghai")


def test_deliver_outbox_queues_the_due_digest_once(deps, fake, people):
    tick = find_job("deliver-outbox").func
    assert tick(deps, datetime(2026, 11, 30, 8, 59, tzinfo=SH)) == "sent 0, failed 0"
    assert fake.messages() == []  # not due before Monday 09:00
    summary = tick(deps, datetime(2026, 11, 30, 9, 0, tzinfo=SH))
    assert "digest of week 2026-W48 caught up: 6 digest(s), 2 chart(s)" in summary
    assert len(fake.messages("CEAST")) == 1 and len(fake.dms_to("UALICE")) == 1
    for later in (datetime(2026, 11, 30, 9, 1, tzinfo=SH), datetime(2026, 12, 6, 23, 0, tzinfo=SH)):
        assert tick(deps, later) == "sent 0, failed 0"  # queued: the database says so
    assert "week 2026-W48: already queued" in run(deps)  # the cron run finds it done too
    assert len(fake.messages()) == 6 and len(fake.calls_to(UPLOAD)) == 2


def test_a_digest_missed_while_down_is_caught_up_later_in_the_week(deps, fake, people):
    # no process ran on Monday: Wednesday's first tick queues the last complete week
    tick = find_job("deliver-outbox").func
    assert "week 2026-W48 caught up" in tick(deps, datetime(2026, 12, 2, 15, 0, tzinfo=SH))
    assert "Week 48, 2026" in texts(fake.messages("CEAST"))[0]


def test_parallel_runs_queue_a_week_once(deps, fake, people):
    import threading

    from bot.kpi.digest import queue_digest

    barrier = threading.Barrier(4)
    results: list[object] = []

    def queue() -> None:
        barrier.wait()
        try:
            results.append(queue_digest(deps.workspace(), deps.db, MONDAY))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=queue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=str) == [(6, 2), None, None, None]
    with deps.db.session() as s:
        assert len(s.exec(select(Delivery)).all()) == 8
        assert [r.week for r in s.exec(select(DigestRun)).all()] == ["2026-W48"]
