"""/award and HR's candidates card: the Announce button, the selects of someone else and
the reason modal they open. Every path calls the one service, bot/awards/announce.py."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.awards import announce, job, views
from bot.awards.parsing import HELP_WORDS, parse_award
from bot.core import claims
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import Mention, first_word
from bot.core.periods import Period, parse_key
from bot.core.workspace import Workspace
from bot.home import page as home
from bot.i18n import t
from bot.org import directory
from handlers import forms
from handlers.middleware import Unit, mentioned, unit

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]+$")


def _names(u: Unit) -> list[tuple[str, list[str]]]:
    return [(a.key, [a.key, a.name_en, a.name_zh]) for a in u.ws.config.awards]


def _month(key: str) -> Period:
    period = parse_key(key) if re.fullmatch(r"\d{4}-\d{1,2}", key or "") else None
    if period is None:
        raise UserFacingError("awards.command.bad_month", text=key)
    return period


def award(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    try:
        with unit(context, command["user_id"], mentioned(text)) as u:
            ws, who = u.ws, u.who
            if not text.strip() or first_word(text)[0] in HELP_WORDS:
                reply, winner = views.usage(ws.config, who.locale), None
            else:
                announce.check_actor(who.user)  # before anything is read of the text
                reply, winner = _announce(u, text, command["trigger_id"])
    except claims.AlreadyDone:
        return  # the same command delivered twice: the first delivery answers
    respond(**reply)
    if u.undelivered:
        respond(text=t("error.undelivered", who.locale), response_type="ephemeral")
    if winner:
        home.publish(ws, context["db"], winner)


def _announce(u: Unit, text: str, trigger_id: str) -> tuple[dict[str, Any], str | None]:
    ws, who = u.ws, u.who
    try:
        args = parse_award(text, _names(u))
    except UserFacingError as err:  # the usage, after what was wrong
        return views.usage(ws.config, who.locale, t(err.key, who.locale, **err.params)), None
    claims.claim(u.session, ws.team_id, f"trigger:{trigger_id}")
    found = announce.find_award(ws.config, args.award)
    winner = directory.resolve(u.session, ws.team_id, args.person, allow_bots=True)
    period = args.month or announce.last_complete_month(ws)
    row = announce.announce(ws, u.session, who.user, found, winner, period, args.reason)
    shown = views.Shown(found, period, winner.slack_id, row.reason or "", None)
    channel = ws.config.channels.announcements or ""
    return views.announced_reply(who.locale, shown, channel), winner.slack_id


# --- HR's card -------------------------------------------------------------------------------


def _pressed(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, ts) of the card the button or select is on."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def _refresh(ws: Workspace, context: Any, user_id: str, period: Period, where: Any) -> None:
    """Show the pressed card as it now is (who announced what), in the presser's language."""
    channel, ts = where
    if not (channel and ts):
        return
    with context["db"].session() as session:
        locale = directory.locale_of(directory.find(session, ws.team_id, user_id), ws.config)
        card = job.candidates_dm(ws, session, period, locale)
    ws.sender.update(channel, ts, **card)


def announce_button(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    """Announce: the card's candidate at once, with a reason from the numbers."""
    ack()
    action = body["actions"][0]
    user_id, chosen = body["user"]["id"], str(action.get("value") or "")
    target = views.parse_block_id(str(action.get("block_id") or ""))
    if target is None or not _SLACK_ID.match(chosen):
        return  # not a card of ours
    ws: Workspace = context["ws"]
    period = None
    try:
        with unit(context, user_id, [chosen]) as u:
            announce.check_actor(u.who.user)
            found = announce.find_award(ws.config, target[0])
            period = _month(target[1])
            winner = directory.resolve(u.session, ws.team_id, Mention(chosen), allow_bots=True)
            row = announce.announce_candidate(ws, u.session, u.who.user, found, winner, period)
            shown = views.Shown(found, period, chosen, row.reason or "", None)
            reply = views.announced_reply(
                u.who.locale, shown, ws.config.channels.announcements or ""
            )
    except announce.AlreadyAnnounced:
        assert period is not None
        _refresh(ws, context, user_id, period, _pressed(body))
        raise  # the presser hears who announced it when
    _refresh(ws, context, user_id, period, _pressed(body))
    respond(**reply, replace_original=False)
    home.publish(ws, context["db"], chosen)


def pick(ack: Ack, body: dict[str, Any], context: Any) -> None:
    """Someone else (another candidate, or anyone): open the modal asking for the reason."""
    ack()
    action = body["actions"][0]
    user_id = body["user"]["id"]
    chosen = action.get("selected_user") or (action.get("selected_option") or {}).get("value")
    target = views.parse_block_id(str(action.get("block_id") or ""))
    if target is None or not _SLACK_ID.match(str(chosen or "")):
        return
    ws: Workspace = context["ws"]
    with unit(context, user_id, [chosen]) as u:
        announce.check_actor(u.who.user)
        found = announce.find_award(ws.config, target[0])
        period = _month(target[1])
        winner = directory.resolve(u.session, ws.team_id, Mention(chosen), allow_bots=True)
        announce.check(u.who.user, winner)
        announce.check_open(ws, u.session, u.who.user, found, period)
        channel, ts = _pressed(body)
        meta = {
            "award": found.key,
            "month": period.key,
            "winner": chosen,
            "channel": channel,
            "ts": ts,
        }
        view = views.reason_modal(
            u.who.locale, award=found, period=period, winner=chosen, metadata=meta
        )
    ws.sender.open_view(body["trigger_id"], view)


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    """The reason modal: announce the person HR chose."""
    ws: Workspace = context["ws"]
    user_id, meta = body["user"]["id"], forms.metadata(view)
    state = view.get("state", {}).get("values", {})
    reason = ((state.get(views.B_REASON) or {}).get(views.A_REASON) or {}).get("value") or ""
    chosen = str(meta.get("winner") or "")
    months: list[Period] = []  # the month announced, for the card's refresh
    taken: list[bool] = []  # someone announced it first

    def announce_it(u: Unit) -> None:
        announce.check_actor(u.who.user)
        found = announce.find_award(ws.config, str(meta.get("award") or ""))
        months.append(_month(str(meta.get("month") or "")))
        winner = directory.resolve(u.session, ws.team_id, Mention(chosen), allow_bots=True)
        announce.announce(ws, u.session, u.who.user, found, winner, months[0], reason)

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        taken.append(isinstance(err, announce.AlreadyAnnounced))
        return forms.under(views.B_REASON)(context, user_id, err)

    mentions = [chosen] if _SLACK_ID.match(chosen) else []
    done = forms.submit_once(ack, context, user_id, view, announce_it, errors, mentions)
    if months and (done is not None or any(taken)):
        _refresh(ws, context, user_id, months[0], (meta.get("channel"), meta.get("ts")))
    if done is not None:
        home.publish(ws, context["db"], chosen)


def register(app: App, deps: Deps) -> None:
    app.command("/award")(award)
    app.action(views.ANNOUNCE)(announce_button)
    app.action(views.PICK_CANDIDATE)(pick)
    app.action(views.PICK_USER)(pick)
    app.view(views.MODAL)(submit)
