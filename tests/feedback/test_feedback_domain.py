"""Domain rules for feedback and kudos: the visibility matrix as a table, day boundaries,
value counting, metric options, acknowledgement races and the reminder job's idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.core.config import AppConfig
from bot.core.errors import UserFacingError
from bot.feedback import requests as feedback_requests
from bot.feedback import service as feedback
from bot.kudos import service as kudos
from bot.permissions import feedback as permissions
from storage.models.feedback import Feedback, FeedbackAsk, FeedbackRequest

EVERYONE = ("hr", "director", "east_mgr", "west_mgr", "alice", "bob", "xiaowang", "carol")

# (giver, kind, visibility) -> who may read the text of feedback to bob.
READ_MATRIX = [
    ("alice", "correction", "private", {"alice", "bob"}),
    ("alice", "correction", "manager", {"alice", "bob", "east_mgr", "director"}),
    ("alice", "suggestion", "private", {"alice", "bob"}),
    ("alice", "suggestion", "manager", {"alice", "bob", "east_mgr", "director"}),
    ("alice", "praise", "private", {"alice", "bob"}),
    ("alice", "praise", "manager", {"alice", "bob", "east_mgr", "director"}),
    ("alice", "praise", "public", set(EVERYONE)),
    ("east_mgr", "correction", "private", {"bob", "east_mgr", "director"}),
    ("director", "correction", "private", {"bob", "east_mgr", "director"}),
    ("west_mgr", "correction", "private", {"west_mgr", "bob"}),
    ("hr", "suggestion", "private", {"hr", "bob"}),
    ("carol", "correction", "manager", {"carol", "bob", "east_mgr", "director"}),
]


@pytest.fixture
def people(org):
    return org.standard()


@pytest.mark.parametrize(("giver", "kind", "visibility", "readers"), READ_MATRIX)
def test_who_may_read_feedback(db, people, giver, kind, visibility, readers):
    fb = Feedback(
        team_id="T0001",
        giver_id=people[giver].id,
        recipient_id=people["bob"].id,
        kind=kind,
        visibility=visibility,
        message="x",
    )
    with db.session() as s:
        for name in EVERYONE:
            assert permissions.can_read_feedback(s, people[name], fb) == (name in readers), name


def _held_answer(db, people) -> Feedback:
    """Alice's answer to east_mgr's request for feedback about bob: held for the manager."""
    with db.session() as s:
        request = FeedbackRequest(
            team_id="T0001", requester_id=people["east_mgr"].id, subject_id=people["bob"].id
        )
        s.add(request)
        s.flush()
        ask = FeedbackAsk(team_id="T0001", request_id=request.id, peer_id=people["alice"].id)
        s.add(ask)
        s.flush()
        fb = Feedback(
            team_id="T0001",
            giver_id=people["alice"].id,
            recipient_id=people["bob"].id,
            kind="correction",
            visibility="private",
            message="x",
            ask_id=ask.id,
        )
        s.add(fb)
        s.flush()
        fb_id = fb.id
    with db.session() as s:
        stored = s.get(Feedback, fb_id)
        s.expunge(stored)
        return stored


def test_held_answer_readable_by_asking_manager_and_giver_then_rep_once_shared(db, people):
    fb = _held_answer(db, people)
    assert fb.held_for_id == people["east_mgr"].id  # derived from the request
    with db.session() as s:
        readers = {n for n in EVERYONE if permissions.can_read_feedback(s, people[n], fb)}
        assert readers == {"alice", "east_mgr"}
        assert not permissions.can_acknowledge(people["bob"], fb)
        assert permissions.can_share_with_subject(people["east_mgr"], fb)
        assert not permissions.can_share_with_subject(people["director"], fb)
        fb.shared_at = datetime.now(UTC)
        readers = {n for n in EVERYONE if permissions.can_read_feedback(s, people[n], fb)}
        assert readers == {"alice", "east_mgr", "bob"}
        assert permissions.can_acknowledge(people["bob"], fb)


def _name_seers(db, people, fb: Feedback) -> set[str]:
    with db.session() as s:
        return {n for n in EVERYONE if permissions.can_see_giver(s, people[n], fb)}


def test_who_may_see_the_name_of_a_held_answers_giver(db, people):
    """Alice answered east_mgr's request about bob. Her name: alice and east_mgr always; bob
    only once shared and only if she agreed; never the director above east_mgr, bob's peers,
    another team's manager or HR (they may not read the answer at all)."""
    fb = _held_answer(db, people)
    assert _name_seers(db, people, fb) == {"alice", "east_mgr"}
    fb.shared_at = datetime.now(UTC)
    assert _name_seers(db, people, fb) == {"alice", "east_mgr"}  # bob reads "a colleague"
    fb.share_name = True
    assert _name_seers(db, people, fb) == {"alice", "east_mgr", "bob"}
    fb.shared_at = None  # consent alone shows nothing: bob reads nothing before sharing
    assert _name_seers(db, people, fb) == {"alice", "east_mgr"}


@pytest.mark.parametrize(("giver", "kind", "visibility", "readers"), READ_MATRIX)
def test_whoever_reads_other_feedback_sees_its_giver(db, people, giver, kind, visibility, readers):
    fb = Feedback(
        team_id="T0001",
        giver_id=people[giver].id,
        recipient_id=people["bob"].id,
        kind=kind,
        visibility=visibility,
        message="x",
    )
    assert _name_seers(db, people, fb) == readers


def test_hr_sees_counts_not_text(db, people):
    with db.session() as s:
        assert permissions.can_see_feedback_counts(s, people["hr"], people["bob"])
        assert permissions.can_see_feedback_counts(s, people["east_mgr"], people["bob"])
        assert not permissions.can_see_feedback_counts(s, people["west_mgr"], people["bob"])
        assert not permissions.can_see_feedback_counts(s, people["alice"], people["bob"])


def test_corrections_and_suggestions_are_never_public():
    assert "public" in permissions.allowed_visibilities("praise")
    assert "public" not in permissions.allowed_visibilities("correction")
    assert "public" not in permissions.allowed_visibilities("suggestion")
    with pytest.raises(feedback.InvalidInput) as err:
        feedback.check_new(
            SimpleNamespace(id=1), [SimpleNamespace(id=2)], "correction", "public", "x"
        )
    assert err.value.field == "visibility"


def test_only_managers_in_the_chain_may_ask_about_a_rep(db, people):
    with db.session() as s:
        for name, allowed in (("east_mgr", True), ("director", True), ("west_mgr", False)):
            assert permissions.can_request_feedback_about(s, people[name], people["bob"]) is allowed
        assert not permissions.can_request_feedback_about(s, people["alice"], people["bob"])
        assert not permissions.can_request_feedback_about(s, people["bob"], people["bob"])


def test_given_today_ignores_withdrawn_and_yesterday(db, people):
    from storage.models.feedback import Kudos

    alice = people["alice"]
    now = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # noon in Shanghai
    with db.session() as s:
        for created, withdrawn in (
            (now - timedelta(hours=1), None),
            (now - timedelta(hours=2), now),
            (now - timedelta(hours=13), None),  # 23:00 yesterday, Shanghai
        ):
            s.add(
                Kudos(
                    team_id="T0001",
                    giver_id=alice.id,
                    message="m",
                    created_at=created,
                    withdrawn_at=withdrawn,
                )
            )
    with db.session() as s:
        assert kudos.given_today(s, alice, now, "Asia/Shanghai") == 1


def test_kudos_value_labels_follow_locale():
    config = AppConfig.model_validate(
        {"values": [{"key": "customer", "label_en": "Customer first", "label_zh": "客户第一"}]}
    )
    assert kudos.values_of(config) == {
        "customer": "customer",
        "customer-first": "customer",
        "customerfirst": "customer",
        "客户第一": "customer",
    }
    assert kudos.value_label(config, "customer", "zh-CN") == "客户第一"
    assert kudos.value_label(config, "customer", "en-US") == "Customer first"
    assert kudos.value_label(config, "gone", "en-US") == "gone"


def test_config_defaults_and_validation():
    config = AppConfig()
    assert (config.kudos.max_recipients, config.kudos.daily_limit, config.kudos.emoji) == (
        10,
        10,
        "clap",
    )
    assert (config.feedback.reminder_days, config.feedback.expiry_days) == (3, 14)
    assert AppConfig.model_validate({"kudos": {"emoji": ":tada:"}}).kudos.emoji == "tada"
    with pytest.raises(ValueError):
        AppConfig.model_validate({"kudos": {"daily_limit": 0}})
    with pytest.raises(ValueError):
        AppConfig.model_validate({"kudos": {"unknown": 1}})


def test_metric_options_follow_the_metric_config():
    assert feedback.metric_options(AppConfig()) == [
        ("revenue", "Revenue", "销售额"),
        ("csat", "Customer satisfaction", "客户满意度"),
        ("new_customers", "New customers", "新客户数"),
        ("conversion_rate", "Conversion rate", "转化率"),
    ]
    assert feedback.metric_options(AppConfig(metrics=[])) == []


def test_acknowledge_is_exactly_once(deps, ws, people):
    with deps.db.session() as s:
        [fb] = feedback.give(
            ws, s, giver=people["alice"], recipients=[people["bob"]],
            kind="praise", message="well done",
        )  # fmt: skip
    with deps.db.session() as s:
        first = feedback.acknowledge(ws, s, people["bob"], fb.id, "thanks")
        second = feedback.acknowledge(ws, s, people["bob"], fb.id, "discuss")
        assert (first.first, second.first) == (True, False)
        assert second.fb.ack == "thanks"
        with pytest.raises(UserFacingError):
            feedback.acknowledge(ws, s, people["carol"], fb.id, "thanks")


def test_reminder_job_is_idempotent_and_expires(deps, people, fake):
    t0 = datetime(2026, 11, 2, tzinfo=UTC)
    deps.clock = lambda: t0
    with deps.db.session() as s:
        feedback_requests.create_request(
            deps.workspace(), s, requester=people["alice"],
            peers=[people["bob"], people["carol"]], subject=None, topic=None,
        )  # fmt: skip
    assert feedback_requests.remind_and_expire(deps, t0 + timedelta(days=3)).startswith(
        "reminded 2"
    )
    assert feedback_requests.remind_and_expire(deps, t0 + timedelta(days=3)).startswith(
        "reminded 0"
    )
    assert feedback_requests.remind_and_expire(deps, t0 + timedelta(days=14)).startswith(
        "reminded 0, expired 2"
    )
    with deps.db.session() as s:
        from sqlmodel import select

        assert {a.status for a in s.exec(select(FeedbackAsk)).all()} == {"expired"}
    reminders = [c for c in fake.messages() if "Reminder" in c.params["text"]]
    assert sorted(c.params["channel"] for c in reminders) == ["DUBOB", "DUCAROL"]
