"""What the directory keeps of any Slack user object: only values every reader can use."""

from __future__ import annotations

from zoneinfo import available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.org.profiles import profile_of

ZONES = sorted(available_timezones())
anything = st.none() | st.booleans() | st.integers() | st.text(max_size=80)
members = st.fixed_dictionaries(
    {"id": st.just("U1")},
    optional={
        "tz": anything | st.sampled_from(ZONES),
        "locale": anything | st.sampled_from(["zh-CN", "zh-TW", "en-US", "en-GB", "ja-JP", ""]),
        "deleted": anything,
        "is_bot": anything,
    },
)


@settings(deadline=None)  # a time zone's first lookup reads its file: slow on a cold, busy disk
@given(members)
def test_any_user_object_gives_usable_values_and_only_those_it_carries(member):
    found = profile_of(member)
    carried = {"tz": "slack_timezone", "locale": "slack_locale", "deleted": "deactivated"}
    assert set(found) == {column for key, column in carried.items() if key in member}
    assert found.get("slack_timezone") in (None, *ZONES)
    assert found.get("slack_locale") in (None, "zh-CN", "en-US")
    assert found.get("deactivated") in (None, True, False)


def test_slack_locales_map_to_the_two_catalogs_and_a_bad_zone_is_dropped():
    assert profile_of({"locale": "zh-TW", "tz": "Mars/Olympus"}) == {
        "slack_locale": "zh-CN",
        "slack_timezone": None,
    }
    assert profile_of({"locale": "en-GB", "tz": "Europe/London", "deleted": True}) == {
        "slack_locale": "en-US",
        "slack_timezone": "Europe/London",
        "deactivated": True,
    }
