"""`salespulse export recognition`: counts of kudos (per company value) and feedback (per kind)
given and received, and awards won, from kudos and feedback made through the real /kudos and
/feedback flows (plus a withdrawn kudos and last month's, written directly); never a feedback
text; formula-looking names neutralised; both formats and header languages; both databases."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from storage.models.core import User
from tests.awards.export_support import NOV_26, app_config, award, cli_env, read, run
from tests.support import home
from tests.support.feedback import open_and_submit, reply_text

SECRET = "HR-MUST-NOT-SEE feedback words"
EN = ["slack_id", "name", "team", "manager", "kudos_given", "kudos_received",
      "kudos_received_customer", "kudos_received_teamwork",
      "feedback_given_praise", "feedback_given_correction", "feedback_given_suggestion",
      "feedback_received_praise", "feedback_received_correction", "feedback_received_suggestion",
      "awards"]  # fmt: skip
ZH = ["Slack 账号", "姓名", "团队", "经理", "给出的点赞", "收到的点赞",
      "收到的点赞：客户第一", "收到的点赞：团队合作",
      "给出的反馈：表扬", "给出的反馈：改进", "给出的反馈：建议",
      "收到的反馈：表扬", "收到的反馈：改进", "收到的反馈：建议", "奖项"]  # fmt: skip


@pytest.fixture
def config() -> AppConfig:
    return app_config()


def kudos(slack, fake, giver: str, text: str, n: int) -> None:
    slack.command(giver, "/kudos", text)
    assert "Kudos posted" in reply_text(fake, giver, n)


@pytest.fixture
def world(org, deps, db, slack, fake, tmp_path, monkeypatch):
    people = org.standard()
    deps.clock = lambda: NOV_26
    evil = org.person("UEVIL", '=HYPERLINK("http://evil.example","x")', manager=people["east_mgr"])
    frank = org.person("UFRANK", "Frank Fu", manager=people["east_mgr"])
    # November, through the real commands and modal
    kudos(slack, fake, "UALICE", "<@UBOB> great demo #teamwork", 1)
    kudos(slack, fake, "UALICE", "<@UBOB> <@UXW> saved the deal #customer #teamwork", 2)
    kudos(slack, fake, "UBOB", "<@UALICE> thanks for the help", 1)
    kudos(slack, fake, "UEVIL", "<@UALICE> thanks", 1)
    for recipients, kind in ((["UBOB"], "correction"), (["UBOB", "UCAROL"], "praise")):
        open_and_submit(slack, fake, "UALICE", recipients=recipients, kind=kind, text=SECRET)
    open_and_submit(slack, fake, "UXW", recipients=["UALICE"], kind="suggestion", text=SECRET)
    # withdrawn in November; given in October: neither counts for November
    home.kudos(db, "T0001", people["carol"], [people["bob"]], "2026-11-10", withdrawn=True)
    home.kudos(db, "T0001", people["carol"], [people["alice"]], "2026-10-15")
    home.feedback(db, "T0001", people["carol"], people["alice"], "2026-10-15", SECRET, "praise")
    award(db, people["alice"], "champion", "2026-11")
    award(db, people["bob"], "hunter", "2026-10")
    award(db, evil, "hunter", "2026-11")
    with db.session() as s:  # carol has left (her counts stay); frank left with none
        for user in s.exec(select(User).where(User.slack_id.in_(["UCAROL", "UFRANK"]))):  # type: ignore[attr-defined]
            user.deactivated = True
    cli_env(monkeypatch, db, tmp_path)
    people.update(evil=evil, frank=frank)
    return people


def export(tmp_path, fmt: str, lang: str = "en", period: str = "2026-11") -> tuple[list, dict]:
    path = tmp_path / f"recognition.{fmt}"
    out = run("recognition", "--period", period, "--format", fmt, "--output", str(path),
              "--lang", lang)  # fmt: skip
    assert out.exit_code == 0, out.output
    assert SECRET not in path.read_bytes().decode("utf-8", "replace")
    header, rows = read(path)
    return header, {row[0]: [str(c) if c is not None else "" for c in row[4:]] for row in rows}


def counts(*cells: object) -> list[str]:
    return [str(c) for c in cells]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_counts_per_person_value_and_kind_and_awards(world, tmp_path, fmt):
    header, rows = export(tmp_path, fmt)
    assert header == EN
    # everyone active, and carol (left, with counts); not frank (left, none)
    assert set(rows) == {"UHR", "UDIR", "UEMGR", "UWMGR", "UALICE", "UBOB", "UXW", "UCAROL",
                         "UEVIL"}  # fmt: skip
    #                         kudos  cust team  fb given p/c/s  fb received p/c/s  awards
    assert rows["UALICE"] == counts(2, 2, 0, 0, 2, 1, 0, 0, 0, 1, "Sales Champion (2026-11)")
    assert rows["UBOB"] == counts(1, 2, 1, 2, 0, 0, 0, 1, 1, 0, "")
    assert rows["UXW"] == counts(0, 1, 1, 1, 0, 0, 1, 0, 0, 0, "")
    assert rows["UCAROL"] == counts(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, "")
    assert rows["UEVIL"] == counts(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, "Customer Hunter (2026-11)")
    assert rows["UHR"] == counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "")


def test_formula_cells_are_neutralised(world, tmp_path):
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"r.{fmt}"
        run("recognition", "--period", "2026-11", "--format", fmt, "--output", str(path))
        _, rows = read(path)
        evil = next(row for row in rows if row[0] == "UEVIL")
        assert evil[1:4] == ['\'=HYPERLINK("http://evil.example","x")', "'+cmd", "Eric East"]
        assert all(not str(c).startswith(("=", "+", "-", "@")) for row in rows for c in row)


def test_chinese_headers_and_award_names(world, tmp_path):
    header, rows = export(tmp_path, "xlsx", "zh")
    assert header == ZH
    assert rows["UALICE"][-1] == "销售冠军（2026-11）"


def test_a_quarter_counts_october_too(world, tmp_path):
    _, rows = export(tmp_path, "csv", period="2026-Q4")
    # alice: carol's October kudos and praise now count; bob: October's award
    assert rows["UALICE"] == counts(2, 3, 0, 0, 2, 1, 0, 1, 0, 1, "Sales Champion (2026-11)")
    assert rows["UBOB"][-1] == "Customer Hunter (2026-10)"
    assert rows["UCAROL"][:2] == ["1", "0"]  # gave the October kudos
