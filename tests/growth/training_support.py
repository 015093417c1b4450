"""The training tests' config (a catalog linked to three metrics, one lower-is-better), known
KPI figures for November 2026, and helpers to drive the buttons and modals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.growth import training_form_views as form_views
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from demo.slack_emulator import Call, FakeSlack
from demo.slack_requests import SlackRequests
from storage.db import Database
from storage.models.core import User
from storage.models.growth import TrainingRequest
from storage.models.kpi import KpiTarget
from tests.conftest import TEAM, TEST_CONFIG
from tests.support.feedback import button_value, dump, opened_view

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 26 November, 10:00 in Shanghai
MID = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # Tuesday 10 November: sums judged by pace
PEOPLE = ("UHR", "UDIR", "UEMGR", "UWMGR", "UALICE", "UBOB", "UXW", "UCAROL")

METRICS = [
    {"key": "conversion_rate", "label_en": "Conversion rate", "label_zh": "转化率", "unit": "%",
     "aggregate": "avg", "weight": 0.4},
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 0.4},
    {"key": "discount_rate", "label_en": "Discount rate", "label_zh": "折扣率", "unit": "%",
     "aggregate": "avg", "higher_is_better": False, "weight": 0.2},
]  # fmt: skip
CATALOG = [
    {"key": "negotiation", "title_en": "Negotiation and closing", "title_zh": "谈判与成交",
     "kind": "skill", "metrics": ["conversion_rate"]},
    {"key": "prospecting", "title_en": "Prospecting", "title_zh": "客户开发", "kind": "skill",
     "metrics": ["revenue"]},
    {"key": "value_selling", "title_en": "Value selling", "title_zh": "价值销售", "kind": "soft",
     "metrics": ["discount_rate"]},
    {"key": "communication", "title_en": "Communication", "title_zh": "沟通技巧", "kind": "soft"},
]  # fmt: skip


def training_config(**extra: Any) -> AppConfig:
    return AppConfig.model_validate(
        {**TEST_CONFIG, "metrics": METRICS, "training": CATALOG, **extra}
    )


# November 2026 (targets are east's team targets):
# alice  conversion (60 + 64) / 2 = 62 of 100 -> 62% (weak); discount 15 of 10, lower is
#        better -> 10 / 15 = 66.7% (weak); revenue 90,000 of 100,000 -> 90% (fine)
# bob    conversion 90 -> 90%, discount 8 -> 125%, revenue 100,000 -> 100%: nothing weak
# 小王   conversion 50 -> 50% (weak)
# carol  (west, no targets, no facts): no data
FACTS = [
    ("UALICE", "2026-11-03", "conversion_rate", "60"),
    ("UALICE", "2026-11-05", "conversion_rate", "64"),
    ("UALICE", "2026-11-04", "discount_rate", "15"),
    ("UALICE", "2026-11-02", "revenue", "20000"),
    ("UALICE", "2026-11-20", "revenue", "70000"),
    ("UBOB", "2026-11-03", "conversion_rate", "90"),
    ("UBOB", "2026-11-03", "discount_rate", "8"),
    ("UBOB", "2026-11-03", "revenue", "100000"),
    ("UXW", "2026-11-03", "conversion_rate", "50"),
]
TARGETS = [("conversion_rate", 100), ("discount_rate", 10), ("revenue", 100000)]


def ids(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {u.slack_id: u.id for u in s.exec(select(User)).all()}  # type: ignore[misc]


def load_facts(db: Database, facts: list[tuple[str, str, str, str]] = FACTS) -> None:
    who = ids(db)
    rows = []
    for line, (user, day, metric, value) in enumerate(facts, start=2):
        d = date.fromisoformat(day)
        micro = int(Decimal(value) * 1_000_000)
        rows.append(FactRow(line, who[user], metric, d, micro, None, keys_of(d)))
    with db.session() as s:
        write_facts(s, TEAM, rows)


def load_targets(db: Database, targets: list[tuple[str, int]] = TARGETS) -> None:
    with db.session() as s:
        for metric, value in targets:
            s.add(
                KpiTarget(
                    team_id=TEAM,
                    period="2026-11",
                    user_id=None,
                    sales_team="east",
                    metric=metric,
                    target=value * 1_000_000,
                )
            )


def requests(db: Database) -> list[TrainingRequest]:
    with db.session() as s:
        return list(s.exec(select(TrainingRequest).order_by(TrainingRequest.id)).all())  # type: ignore[arg-type]


def snapshot(db: Database) -> list[tuple]:
    """Every request's state (to prove a refusal changed nothing)."""
    return [
        (r.id, r.status, r.decided_by_id, r.decline_reason, r.scheduled_for, r.completed_at)
        for r in requests(db)
    ]


def wait_dm(fake: FakeSlack, user: str, n: int = 1) -> Call:
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), dump(fake.calls)
    return fake.dms_to(user)[n - 1]


def click(slack: SlackRequests, user: str, action: str, card: Call) -> None:
    """Press a button of a message as its recipient."""
    channel = card.params.get("channel", "")
    slack.block_action(
        user,
        action,
        button_value(card, action),
        channel_id=channel,
        container={"type": "message", "channel_id": channel, "message_ts": "1.0"},
    )


def responses(fake: FakeSlack, user: str) -> list[dict]:
    return [c.params for c in fake.calls_to("response_url") if c.params.get("user") == user]


def submit_modal(
    slack: SlackRequests, fake: FakeSlack, user: str, n_view: int, values: dict[str, Any]
) -> Any:
    view = opened_view(fake, n_view)
    resp = slack.view_submission(user, view, values)
    assert resp.status_code == 200
    return resp.json() if resp.content else None


def text_value(block: str, value: str) -> dict[str, Any]:
    return {block: {"value": {"type": "plain_text_input", "value": value}}}


def chosen(block: str, value: str, kind: str = "static_select") -> dict[str, Any]:
    return {block: {"value": {"type": kind, "selected_option": {"value": value}}}}


def picked_date(day: date) -> dict[str, Any]:
    return {form_views.B_DATE: {"value": {"type": "datepicker", "selected_date": day.isoformat()}}}
