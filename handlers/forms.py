"""Modal submissions, the same way for every form: once per view, refusals under their field.

Slack delivers a submission once per click: a double click sends the same view id twice, and
a corrected form resubmitted after a refusal keeps its id (a refused one leaves no claim, so
only a true duplicate loses)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from slack_bolt import Ack

from bot.core import claims
from bot.core.errors import UserFacingError
from bot.i18n import t
from handlers.middleware import Unit, locale_of, unit

T = TypeVar("T")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The form's private_metadata as we wrote it; {} when it is not ours (forged, foreign)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def under(block_id: str) -> Callable[[Any, str, UserFacingError], dict[str, str]]:
    """Show every refusal of a form under one field."""

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        return {block_id: t(err.key, locale_of(context, user_id), **err.params)}

    return errors


def submit_once(
    ack: Ack,
    context: Any,
    user_id: str,
    view: dict[str, Any],
    work: Callable[[Unit], T],
    errors: Callable[[Any, str, UserFacingError], dict[str, str]],
    mentions: Iterable[str] = (),
) -> tuple[Unit, T] | None:
    """Run the submission as one unit of work, its view id claimed first, then `work`, and
    acknowledge it: a duplicate delivery closes quietly (the first one answers), a refusal
    is shown where `errors` puts it and writes nothing. Returns (the unit, what `work`
    returned) when it ran; None when the listener has nothing more to do."""
    try:
        with unit(context, user_id, mentions) as u:
            claims.claim(u.session, u.ws.team_id, f"view:{view['id']}")
            result = work(u)
    except claims.AlreadyDone:
        ack()
        return None
    except UserFacingError as err:
        ack(response_action="errors", errors=errors(context, user_id, err))
        return None
    ack()
    return u, result
