"""`/career` in Block Kit: the readiness card, the guidance form, the coach's DM and its
buttons, the rep's notices. Pure functions of plain values (no sessions, no services);
user text arrives already through safe_text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.blocks import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    message,
    modal,
    plain,
    section,
)
from bot.growth.readiness import (
    COMPOSITE,
    MISSING_MONTHS,
    NO_HIRE_DATE,
    NO_LEVEL,
    NOT_ASKED,
    RATING,
    TOP,
    UNKNOWN_LEVEL,
    Criterion,
    Readiness,
)
from bot.i18n import fmt_date, fmt_percent, localized, t

# action, view and block ids, shared with handlers/career.py
ASK = "career_guidance_open"  # the card's "Request career guidance" button
ASK_MODAL = "career_guidance"
B_QUESTION = "career_question"
ACCEPT = "career_guidance_accept"
REASSIGN = "career_guidance_reassign"
DONE = "career_guidance_done"
REASSIGN_MODAL = "career_reassign"
B_TO = "career_reassign_to"
B_NOTE = "career_reassign_note"
VALUE = "value"  # every input's action id
MAX_QUESTION = 2000
MAX_OPTIONS = 100
MAX_REQUESTS_SHOWN = 10


@dataclass(frozen=True)
class RequestLine:
    status: str  # open | accepted | done
    coach: str | None  # Slack id
    asked: date
    question: str  # safe text


@dataclass(frozen=True)
class Card:
    subject: str  # Slack id
    own: bool  # the viewer's own card: the guidance button
    readiness: Readiness
    requests: list[RequestLine] = field(default_factory=list)


@dataclass(frozen=True)
class CoachDm:
    request_id: int
    rep: str  # Slack id
    question: str  # safe text
    readiness: Readiness
    numbers: bool  # the coach may see the rep's numbers
    passed_by: str | None = None  # Slack id of the coach who passed it on
    note: str | None = None  # their note (safe text)


# --- readiness -----------------------------------------------------------------------------


def _mark(c: Criterion) -> str:
    if not c.counted:
        return "➖"
    return "✅" if c.met else "❌"


def _verdict(c: Criterion, locale: str) -> str:
    if not c.counted:
        return t("career.not_counted", locale)
    return t("career.met" if c.met else "career.not_met", locale)


def _months(c: Criterion, locale: str) -> str:
    if not c.months:
        return ""
    first, last = c.months[0], c.months[-1]
    return first if first == last else t("career.month_range", locale, first=first, last=last)


def _required(c: Criterion, locale: str) -> str:
    if c.key == COMPOSITE:
        return fmt_percent(c.required, locale)
    if c.key == RATING:
        return f"{c.required:.1f}"
    return tenure_text(int(c.required), locale)


def _value(c: Criterion, locale: str) -> str:
    if c.key == COMPOSITE:
        average = fmt_percent(c.value, locale) if c.value is not None else "—"
        if c.problem == MISSING_MONTHS:
            return t(
                "career.composite_missing", locale, have=c.have, need=len(c.months), average=average
            )
        return average
    if c.key == RATING:
        if c.problem == NOT_ASKED:
            return t("career.rating_not_asked", locale)
        if c.value is None:
            key = "career.rating_none_in" if c.cycle else "career.rating_none"
            return t(key, locale, cycle=c.cycle or "")
        return t("career.rating_value", locale, rating=f"{c.value:.1f}", cycle=c.cycle or "")
    if c.problem == NO_HIRE_DATE:
        return t("career.tenure_unknown", locale)
    return tenure_text(int(c.value or 0), locale)


def tenure_text(months: int, locale: str) -> str:
    key = "career.tenure_one" if months == 1 else "career.tenure_value"
    return t(key, locale, months=months)


def criterion_line(c: Criterion, locale: str) -> str:
    name = t(f"career.criterion.{c.key}", locale)
    span = _months(c, locale)
    if span:
        name = t("career.criterion_with_months", locale, name=name, months=span)
    return t(
        "career.criterion_line",
        locale,
        mark=_mark(c),
        name=name,
        value=_value(c, locale),
        required=_required(c, locale),
        verdict=_verdict(c, locale),
    )


def level_lines(r: Readiness, locale: str) -> list[str]:
    """Where the person is on the ladder, then each criterion and the overall answer."""
    if r.place == NO_LEVEL:
        return [t("career.no_level", locale)]
    if r.place == UNKNOWN_LEVEL:
        return [t("career.unknown_level", locale, level=r.level_key or "")]
    assert r.level is not None
    title = localized(r.level, locale)
    if r.place == TOP:
        return [t("career.top_level", locale, level=title, code=r.level.key)]
    assert r.next_level is not None
    nxt = localized(r.next_level, locale)
    lines = [
        t(
            "career.level_line",
            locale,
            level=title,
            code=r.level.key,
            next=nxt,
            next_code=r.next_level.key,
        )
    ]
    lines += [criterion_line(c, locale) for c in r.criteria]
    if not r.criteria:
        lines.append(t("career.no_criteria", locale))
    if r.ready:
        lines.append(t("career.ready", locale, next=nxt))
    else:
        missing = sum(1 for c in r.criteria if c.counted and not c.met)
        key = "career.not_ready_one" if missing == 1 else "career.not_ready"
        lines.append(t(key, locale, next=nxt, count=missing))
    return lines


def _request_line(line: RequestLine, locale: str) -> str:
    coach = f"<@{line.coach}>" if line.coach else "—"
    return t(
        "career.request_line",
        locale,
        status=t(f"career.status.{line.status}", locale),
        coach=coach,
        date=fmt_date(line.asked, locale),
        question=clip(line.question, 200),
    )


def card(data: Card, locale: str) -> dict[str, Any]:
    """The reply to `/career` and `/career @someone`."""
    title = t(
        "career.title_own" if data.own else "career.title_of", locale, who=f"<@{data.subject}>"
    )
    lines = level_lines(data.readiness, locale)
    blocks: list[Block] = [section(f"*{title}*"), section("\n".join(lines))]
    if data.requests:
        shown = [_request_line(r, locale) for r in data.requests[:MAX_REQUESTS_SHOWN]]
        blocks += [divider(), section(t("career.requests_title", locale) + "\n" + "\n".join(shown))]
    if data.own:
        blocks.append(actions(button(t("career.ask_button", locale), ASK, "ask", style="primary")))
    return message("\n".join([title, *lines]), blocks)


def help_message(locale: str) -> dict[str, Any]:
    text = t("career.help", locale)
    return message(text, [section(text)])


# --- guidance --------------------------------------------------------------------------------


def ask_modal(locale: str) -> dict[str, Any]:
    question: Block = {
        "type": "input",
        "block_id": B_QUESTION,
        "label": plain(t("career.form.question", locale), 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": VALUE,
            "multiline": True,
            "max_length": MAX_QUESTION,
            "placeholder": plain(t("career.form.placeholder", locale), 150),
        },
    }
    return modal(
        ASK_MODAL,
        title=t("career.form.title", locale),
        submit=t("career.form.submit", locale),
        close=t("career.form.close", locale),
        blocks=[section(t("career.form.intro", locale)), question],
    )


def asked(locale: str) -> dict[str, Any]:
    """The rep's confirmation: sent to a coach, who will be named on accepting."""
    return message(t("career.guidance.sent", locale))


def coach_dm(data: CoachDm, locale: str) -> dict[str, Any]:
    lead = t("career.guidance.coach_intro", locale, rep=f"<@{data.rep}>")
    r = data.readiness
    if r.level is not None and r.next_level is not None:
        where = t(
            "career.guidance.coach_level",
            locale,
            level=localized(r.level, locale),
            next=localized(r.next_level, locale),
        )
    else:
        where = level_lines(r, locale)[0]
    blocks: list[Block] = [section(lead), section(where)]
    if data.passed_by:
        passed = t("career.guidance.passed_by", locale, coach=f"<@{data.passed_by}>")
        if data.note:
            passed += "\n" + t("career.guidance.note", locale, note=clip(data.note, 1000))
        blocks.append(context(passed))
    blocks.append(section(t("career.guidance.question", locale) + "\n" + _quote(data.question)))
    if data.numbers and r.criteria:
        blocks.append(context("\n".join(level_lines(r, locale)[1:])))
    value = str(data.request_id)
    blocks.append(
        actions(
            button(t("career.guidance.accept", locale), ACCEPT, value, style="primary"),
            button(t("career.guidance.reassign", locale), REASSIGN, value),
        )
    )
    return message(f"{lead}\n{where}", blocks)


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in clip(text, 2500).splitlines() or [""])


def coach_accepted(request_id: int, rep: str, locale: str) -> dict[str, Any]:
    """The coach's DM once accepted: no Accept / Reassign any more, Mark done instead."""
    text = t("career.guidance.you_accepted", locale, rep=f"<@{rep}>")
    done = button(t("career.guidance.done_button", locale), DONE, str(request_id))
    return {"text": text, "blocks": [section(text), actions(done)]}


def coach_done(rep: str, locale: str) -> dict[str, Any]:
    text = t("career.guidance.you_done", locale, rep=f"<@{rep}>")
    return {"text": text, "blocks": [section(text)]}


def coach_passed(rep: str, to: str, locale: str) -> dict[str, Any]:
    text = t("career.guidance.you_passed", locale, rep=f"<@{rep}>", coach=f"<@{to}>")
    return {"text": text, "blocks": [section(text)]}


def accepted_dm(coach: str, locale: str) -> dict[str, Any]:
    """The rep's DM: who will reach out."""
    text = t("career.guidance.accepted", locale, coach=f"<@{coach}>")
    return {"text": text, "blocks": [section(text)]}


def reassign_modal(
    request_id: int, rep: str, choices: list[tuple[str, str]], locale: str, where: dict[str, str]
) -> dict[str, Any]:
    """`choices`: (Slack id, name) of the other coaches; `where`: the DM to replace."""
    options = [
        {"text": plain(name, 75), "value": slack_id} for slack_id, name in choices[:MAX_OPTIONS]
    ]
    to: Block = {
        "type": "input",
        "block_id": B_TO,
        "label": plain(t("career.reassign.to", locale), 2000),
        "element": {"type": "static_select", "action_id": VALUE, "options": options},
    }
    note: Block = {
        "type": "input",
        "block_id": B_NOTE,
        "optional": True,
        "label": plain(t("career.reassign.note", locale), 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": VALUE,
            "multiline": True,
            "max_length": 500,
        },
    }
    intro = section(t("career.reassign.intro", locale, rep=f"<@{rep}>"))
    return modal(
        REASSIGN_MODAL,
        title=t("career.reassign.title", locale),
        submit=t("career.reassign.submit", locale),
        close=t("career.form.close", locale),
        blocks=[intro, to, note],
        metadata={"request": request_id, **where},
    )
