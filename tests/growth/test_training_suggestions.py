"""Courses suggested by a rep's weak metrics this month (bot.growth.weak, the one rule):
weakest first, a lower-is-better metric judged by its direction, sums by their pace while the
month runs, no data and no catalog said truthfully; then `/training` and its Request button
end to end, in both languages."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.config import AppConfig
from bot.growth import training_form_views as form_views
from bot.growth import training_queries as queries
from bot.growth import training_views as views
from storage.models.core import User
from storage.models.growth import TrainingRequest
from tests.conftest import TEAM
from tests.growth.training_support import (
    MID,
    NOW,
    load_facts,
    load_targets,
    training_config,
)
from tests.support.feedback import dump, opened_view, reply_text


@pytest.fixture
def config():
    return training_config()


@pytest.fixture
def people(org, db):
    people = org.standard()
    load_targets(db)
    return people


def suggested(deps, db, user: User, at: datetime = NOW, locale: str = "en-US"):
    deps.clock = lambda: at
    ws = deps.workspace()
    with db.session() as s:
        found, why = queries.suggestions(ws, s, s.get(User, user.id), locale)
    return [(x.course, x.metric, round(x.ratio, 3), x.on_pace) for x in found], why


def test_weak_metrics_suggest_their_courses_weakest_first(deps, db, people):
    load_facts(db)
    found, why = suggested(deps, db, people["alice"])
    # conversion 62 of 100; discount 15 against 10, lower is better: 10 / 15
    assert found == [
        ("negotiation", "Conversion rate", 0.62, False),
        ("value_selling", "Discount rate", 0.667, False),
    ]
    assert why is None


def test_a_fine_lower_is_better_metric_suggests_nothing(deps, db, people):
    # 12.5 against 10 is exactly 80%: not under the threshold; 12.6 is
    load_facts(db, [("UBOB", "2026-11-03", "discount_rate", "12.5")])
    assert suggested(deps, db, people["bob"]) == ([], "training.none_weak")
    load_facts(db, [("UXW", "2026-11-03", "discount_rate", "12.6")])
    found, _ = suggested(deps, db, people["xiaowang"])
    assert found == [("value_selling", "Discount rate", 0.794, False)]


def test_nothing_weak_no_data_and_no_catalog_are_told_apart(deps, db, people):
    load_facts(db)
    assert suggested(deps, db, people["bob"]) == ([], "training.none_weak")
    assert suggested(deps, db, people["carol"]) == ([], "training.none_data")
    deps.config = AppConfig.model_validate({**deps.config.model_dump(), "training": []})
    assert suggested(deps, db, people["alice"]) == ([], "training.none_catalog")


def test_sums_are_judged_by_pace_mid_month(deps, db, people):
    # 10 November: 10 of 30 days, so the target to date is 33,333
    load_facts(
        db,
        [
            ("UALICE", "2026-11-02", "revenue", "20000"),  # 60% of the pace: weak
            ("UBOB", "2026-11-02", "revenue", "30000"),  # 90% of the pace (30% of the month)
        ],
    )
    found, _ = suggested(deps, db, people["alice"], MID)
    assert found == [("prospecting", "Revenue", 0.6, True)]
    assert suggested(deps, db, people["bob"], MID) == ([], "training.none_weak")


@pytest.mark.parametrize("taken", ["scheduled", "completed"])
def test_courses_in_progress_or_done_are_not_suggested_again(deps, db, people, taken):
    load_facts(db)
    with db.session() as s:
        for course, status in (("negotiation", taken), ("value_selling", "declined")):
            s.add(TrainingRequest(team_id=TEAM, rep_id=people["alice"].id, course=course,
                                  topic=course, status=status))  # fmt: skip
    found, _ = suggested(deps, db, people["alice"])
    assert [f[0] for f in found] == ["value_selling"]


def test_training_alone_shows_requests_and_figures_and_prefills_the_form(
    deps, slack, fake, db, people
):
    deps.clock = lambda: NOW
    load_facts(db)
    slack.command("UALICE", "/training", "")
    reply = reply_text(fake, "UALICE")
    assert "You have no training requests yet" in reply
    assert "Conversion rate: 62% of target" in reply and "Discount rate: 67% of target" in reply
    assert reply.index("Negotiation and closing") < reply.index("Value selling")
    assert "Prospecting" not in reply and "Communication" not in reply
    card = fake.ephemerals("UALICE")[0]
    slack.block_action("UALICE", views.REQUEST, "negotiation")
    view = opened_view(fake)
    course = next(b for b in view["blocks"] if b.get("block_id") == form_views.B_COURSE)
    assert course["element"]["initial_option"]["value"] == "negotiation"
    kind = next(b for b in view["blocks"] if b.get("block_id") == form_views.B_KIND)
    assert kind["element"]["initial_option"]["value"] == "skill"
    reason = next(b for b in view["blocks"] if b.get("block_id") == form_views.B_REASON)
    assert "Conversion rate: 62% of target" in reason["element"]["initial_value"]
    assert views.REQUEST in dump([card])


def test_chinese_rep_sees_chinese_suggestions(deps, slack, fake, db, people):
    deps.clock = lambda: NOW
    load_facts(db)
    slack.command("UXW", "/training", "")
    reply = reply_text(fake, "UXW")
    assert "你还没有培训申请" in reply and "谈判与成交" in reply and "转化率：达成率 50%" in reply


def test_no_data_and_nothing_weak_say_so(deps, slack, fake, db, people):
    deps.clock = lambda: MID
    load_facts(db)
    slack.command("UCAROL", "/training", "")
    assert "no KPI figures with targets for you this month" in reply_text(fake, "UCAROL")
    slack.command("UBOB", "/training", "")
    assert "nothing to suggest" in reply_text(fake, "UBOB")
