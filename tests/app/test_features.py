"""The feature registry (bot/features.py) is the one list: every feature with listeners has
its module in handlers/ and no listeners module is left out, every config section has one
owner, ids are unique, and Home and /pulse help follow it."""

from __future__ import annotations

from bot import features
from bot.core.config import AppConfig
from bot.features import FEATURES
from handlers import LISTENERS


def test_every_feature_with_listeners_has_its_module_and_every_module_its_feature():
    assert {f.key for f in FEATURES if f.listeners} == set(LISTENERS)
    for key, module in LISTENERS.items():
        assert callable(module.register), key


def test_feature_keys_commands_and_job_ids_are_unique():
    for names in (
        [f.key for f in FEATURES],
        [c.name for c in features.commands()],
        [j.id for j in features.jobs()],
    ):
        assert len(names) == len(set(names)), names


def test_every_config_section_belongs_to_exactly_one_feature():
    owned = [section for f in FEATURES for section in f.config_sections]
    assert sorted(owned) == sorted(AppConfig.model_fields)


def test_home_shows_kpi_numbers_before_the_feedback_overview():
    from bot.awards.home import home_section as awards_section
    from bot.feedback.queries import home_section as feedback_section
    from bot.growth.plan import home_section as plan_section
    from bot.growth.training import home_section as training_section
    from bot.improvement.suggestions import home_section as suggestions_section
    from bot.kpi.home import home_section as kpi_section
    from bot.reviews.status import home_section as review_section

    # review tasks first: something to do, with a due date
    assert [s.build for s in features.home_sections()] == [
        review_section,
        kpi_section,
        feedback_section,
        plan_section,
        training_section,
        awards_section,
        suggestions_section,
    ]


def test_help_lists_the_commands_in_registry_order():
    assert [c.name for c in features.commands()] == [
        "/pulse",
        "/kudos",
        "/feedback",
        "/kpi",
        "/review",
        "/training",
        "/career",
        "/award",
        "/suggest",
    ]
    assert features.help_keys() == (
        "help.pulse",
        "help.kudos",
        "help.feedback",
        "help.kpi",
        "help.review",
        "help.training",
        "help.career",
        "help.award",
        "help.suggest",
    )


def test_find_job_finds_every_registered_job_and_nothing_else():
    for job in features.jobs():
        assert features.find_job(job.id) is job
    assert features.find_job("no-such-job") is None
