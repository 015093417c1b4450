"""The demo's Block Kit renderer and modal state building: pure functions."""

from __future__ import annotations

import re

import pytest

from bot.core.blocks import actions, button, context, divider, fields, header, section
from demo import modal
from demo.render import (
    Names,
    describe_value,
    mrkdwn,
    render_blocks,
    render_message,
    render_view,
    with_ids,
)

NAMES = Names(users={"UALICE": "alice", "UXW": "小王"}, channels={"C0EAST": "east"})


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict:
    return {"text": plain(text), "value": value}


def feedback_modal() -> dict:
    """Like a /feedback modal: a person, a kind, a message, an optional note, a button."""
    return {
        "type": "modal",
        "callback_id": "feedback",
        "title": plain("Give feedback"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": with_ids(
            [
                {
                    "type": "input",
                    "block_id": "to",
                    "label": plain("To"),
                    "element": {"type": "users_select", "action_id": "who"},
                },
                {
                    "type": "input",
                    "block_id": "kind",
                    "label": plain("Type"),
                    "element": {
                        "type": "static_select",
                        "action_id": "pick",
                        "options": [option("Praise", "praise"), option("Suggestion", "suggest")],
                        "initial_option": option("Praise", "praise"),
                    },
                },
                {
                    "type": "input",
                    "block_id": "msg",
                    "label": plain("Message"),
                    "element": {"type": "plain_text_input", "action_id": "text", "min_length": 5},
                    "hint": plain("Be specific"),
                },
                {
                    "type": "input",
                    "block_id": "cc",
                    "optional": True,
                    "label": plain("Also tell"),
                    "element": {"type": "multi_users_select", "action_id": "cc"},
                },
                actions(button("Add example", "add_example", "x")),
            ]
        ),
    }


def resolve(text: str) -> str | None:
    return {"alice": "UALICE", "小王": "UXW", "王小明": "UXW"}.get(text)


# -- rendering ---------------------------------------------------------------------------


def test_mrkdwn_shows_people_channels_links_and_specials_by_name():
    text = "<@UALICE> thanks <@UXW|xw> in <#C0EAST> and <#C9|other> <!here> <https://x.io|docs> &lt;b&gt;"
    assert mrkdwn(text, NAMES) == (
        "@alice thanks @小王 in #east and #other @here docs (https://x.io) <b>"
    )
    assert mrkdwn("<@UNKNOWN>", NAMES) == "@UNKNOWN"
    assert mrkdwn("<!date^1700000000^{date}|Nov 14>", NAMES) == "Nov 14"


def test_blocks_render_header_fields_context_divider_image_and_numbered_buttons():
    blocks = [
        header("Weekly digest"),
        section("Hi <@UALICE>", accessory=button("Open", "open", "1")),
        *fields([("Team", "east"), ("Manager", "<@UXW>")]),
        context("Updated today"),
        divider(),
        {"type": "image", "image_url": "https://x/chart.png", "alt_text": "chart"},
        actions(button("Thanks", "thanks", "42", style="primary"), button("Reply", "reply")),
    ]
    out = render_blocks(blocks, NAMES, first_number=3)
    assert out.lines == [
        "  == Weekly digest ==",
        "  Hi @alice",
        "    [3] Open",
        "  Team: east",
        "  Manager: @小王",
        "  › Updated today",
        "  ────────────────────────",
        "  [image: chart]",
        "  [4] Thanks   [5] Reply",
    ]
    assert [(c.number, c.element["action_id"]) for c in out.controls] == [
        (3, "open"),
        (4, "thanks"),
        (5, "reply"),
    ]


def test_message_without_blocks_shows_text_and_selects_show_choices():
    assert render_message({"text": "hello <@UXW>"}, NAMES).lines == ["  hello @小王"]
    select = {
        "type": "static_select",
        "action_id": "period",
        "options": [option("This week", "w"), option("This month", "m")],
        "initial_option": option("This week", "w"),
    }
    out = render_blocks([actions(select)], NAMES)
    assert out.lines == ["  [1] ▾ This week [This week | This month]"]


def test_modal_shows_title_inputs_with_values_errors_and_submit():
    view = feedback_modal()
    state = modal.state_values(
        view, {"to": {"who": {"type": "users_select", "selected_user": "UALICE"}}}
    )
    out = render_view(view, NAMES, state=state, errors={"msg": "Too short"})
    text = out.text
    assert out.lines[0] == "  ┌ Give feedback"
    assert "  ▸ To (required): @alice" in text
    assert "  ▸ Type (required): Praise" in text
    assert "      options: Praise | Suggestion" in text
    assert "  ▸ Message (required): —" in text and "      ✗ Too short" in text
    assert "      Be specific" in text
    assert "  ▸ Also tell: —" in text
    assert "  [1] Add example" in text
    assert out.lines[-1] == "  └ [submit: Send]  [close: Cancel]"


def test_home_view_has_no_modal_frame():
    out = render_view({"type": "home", "blocks": [section("Hello")]}, NAMES)
    assert out.lines == ["  Hello"]


def test_with_ids_gives_every_block_and_element_an_id_without_touching_the_input():
    blocks = [
        section("a"),
        actions(button("Go", "go")),
        {"type": "input", "element": {"type": "plain_text_input"}, "label": plain("X")},
    ]
    out = with_ids(blocks)
    assert [b["block_id"] for b in out] == ["b0", "b1", "b2"]
    assert out[2]["element"]["action_id"] == "b2-a0"
    assert out[1]["elements"][0]["action_id"] == "go"
    assert "block_id" not in blocks[0]


# -- fill and submit -----------------------------------------------------------------------


def test_fill_builds_state_values_like_slack():
    view = feedback_modal()
    fields_ = modal.input_fields(view)
    filled: dict = {}
    for label, value in [
        ("to", "@alice"),
        ("Type", "sugg"),
        ("Message", "Great demo"),
        ("also", "小王, alice"),
    ]:
        field = modal.find_field(fields_, label)
        filled.setdefault(field.block_id, {})[field.action_id] = modal.element_value(
            field.element, value, resolve_user=resolve
        )
    values = modal.state_values(view, filled)
    assert values == {
        "to": {"who": {"type": "users_select", "selected_user": "UALICE"}},
        "kind": {
            "pick": {"type": "static_select", "selected_option": option("Suggestion", "suggest")}
        },
        "msg": {"text": {"type": "plain_text_input", "value": "Great demo"}},
        "cc": {"cc": {"type": "multi_users_select", "selected_users": ["UXW", "UALICE"]}},
    }
    assert modal.client_errors(view, values) == {}
    assert describe_value(values["cc"]["cc"], NAMES) == "@小王, @alice"


def test_unfilled_inputs_are_sent_with_initial_or_empty_values_and_required_ones_refused():
    view = feedback_modal()
    values = modal.state_values(view, {})
    assert values["kind"]["pick"]["selected_option"] == option("Praise", "praise")
    assert values["to"]["who"] == {"type": "users_select", "selected_user": None}
    assert values["cc"]["cc"] == {"type": "multi_users_select", "selected_users": []}
    errors = modal.client_errors(view, values)
    assert set(errors) == {"to", "msg"}  # Type has an initial option; Also tell is optional
    short = modal.state_values(view, {"msg": {"text": {"type": "plain_text_input", "value": "ok"}}})
    assert modal.client_errors(view, short)["msg"] == "Please enter at least 5 characters."


@pytest.mark.parametrize(
    ("label", "value", "problem"),
    [
        ("Nope", "x", "no input labelled 'Nope'"),
        ("Type", "Rant", "'Rant' is not an option (options: Praise | Suggestion)"),
        ("To", "nobody", "no person 'nobody'"),
        ("To", "alice, 小王", "pick exactly one person"),
    ],
)
def test_fill_mistakes_say_what_was_wrong(label, value, problem):
    fields_ = modal.input_fields(feedback_modal())
    with pytest.raises(modal.FillError, match=re.escape(problem)):
        field = modal.find_field(fields_, label)
        modal.element_value(field.element, value, resolve_user=resolve)


def test_other_elements_fill_too():
    assert modal.element_value({"type": "datepicker"}, "2026-12-28") == {
        "type": "datepicker",
        "selected_date": "2026-12-28",
    }
    assert modal.element_value({"type": "timepicker"}, "9:30".zfill(5))["selected_time"] == "09:30"
    boxes = {"type": "checkboxes", "options": [option("A", "a"), option("B", "b")]}
    assert modal.element_value(boxes, "a, B")["selected_options"] == [
        option("A", "a"),
        option("B", "b"),
    ]
    with pytest.raises(modal.FillError):
        modal.element_value({"type": "number_input", "is_decimal_allowed": False}, "1.5")


def test_updated_modal_keeps_what_was_typed_into_inputs_that_still_exist():
    view = feedback_modal()
    filled = {"msg": {"text": {"type": "plain_text_input", "value": "hi there"}}, "gone": {"x": {}}}
    assert modal.keep_filled(filled, view) == {
        "msg": {"text": {"type": "plain_text_input", "value": "hi there"}}
    }


def test_button_action_carries_value_and_select_action_carries_the_pick():
    assert modal.action_entry(button("Thanks", "thanks", "42")) == {
        "type": "button",
        "action_id": "thanks",
        "text": {"type": "plain_text", "text": "Thanks", "emoji": True},
        "value": "42",
    }
    select = {"type": "static_select", "action_id": "p", "options": [option("A", "a")]}
    entry = modal.element_value(select, "A")
    assert modal.action_entry(select, entry)["selected_option"] == option("A", "a")
