"""Peers: the rep's nomination task becomes one peer-review task per chosen colleague; the
rep's manager (chain) may change the choice later: removed peers' open tasks are cancelled,
new peers get tasks. Every peer learns of their task by DM, with its button."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.core.errors import NotAllowed, UserFacingError
from bot.core.workspace import Workspace
from bot.i18n import fmt_date
from bot.org import directory
from bot.permissions.reviews import may_nominate
from bot.reviews import start_views as views
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

log = logging.getLogger(__name__)


@dataclass
class Nomination:
    """A nomination task with what its modal and its submission need."""

    task: ReviewTask
    cycle: ReviewCycle
    subject: User
    peers: list[User] = field(default_factory=list)  # chosen now (tasks not cancelled)


@dataclass
class Chosen:
    nomination: Nomination
    added: list[User]
    removed: list[User]


def nomination(session: Session, team_id: str, actor: User, task_id: int) -> Nomination:
    """The nomination task `task_id`, if `actor` may choose its peers (the rep, their manager
    chain) and its cycle is open; otherwise the same refusal whoever asks."""
    task = session.get(ReviewTask, task_id)
    cycle = session.get(ReviewCycle, task.cycle_id) if task else None
    subject = directory.by_id(session, task.subject_id) if task else None
    if (
        task is None
        or cycle is None
        or subject is None
        or task.team_id != team_id
        or task.role != "nominate"
        or not may_nominate(session, actor, subject)
    ):
        raise NotAllowed("reviews.start.not_your_task")
    if cycle.status != "open":
        raise UserFacingError("reviews.start.cycle_closed", cycle=cycle.name)
    current = [t for t in _peer_tasks(session, task) if t.status != "cancelled"]
    peers = [p for p in (directory.by_id(session, t.reviewer_id) for t in current) if p]
    return Nomination(task, cycle, subject, peers)


def _peer_tasks(session: Session, nominate: ReviewTask) -> list[ReviewTask]:
    return list(
        session.exec(
            select(ReviewTask)
            .where(
                ReviewTask.cycle_id == nominate.cycle_id,
                ReviewTask.subject_id == nominate.subject_id,
                ReviewTask.role == "peer",
            )
            .order_by(ReviewTask.id)
        ).all()
    )


def check_peers(nom: Nomination, peers: list[User]) -> None:
    """Exactly the cycle's number of distinct people, not the rep, no bots, nobody gone."""
    for peer in peers:
        if peer.id == nom.subject.id:
            raise UserFacingError("reviews.start.peer_self")
        if peer.is_bot or peer.deactivated:
            raise UserFacingError("reviews.start.peer_unavailable", peer=f"<@{peer.slack_id}>")
    if len({p.id for p in peers}) != nom.cycle.peers:
        raise UserFacingError("reviews.start.peer_count", n=nom.cycle.peers)


def choose(
    ws: Workspace, session: Session, actor: User, task_id: int, peers: list[User], once: str
) -> Chosen:
    """Save the choice of peers (the caller claimed `once`, which keys the DMs it queues)."""
    nom = nomination(session, ws.team_id, actor, task_id)
    check_peers(nom, peers)
    wanted = {p.id: p for p in peers}
    existing = {t.reviewer_id: t for t in _peer_tasks(session, nom.task)}
    added, removed = [], []
    for reviewer_id, task in existing.items():
        if reviewer_id not in wanted and task.status == "open":
            task.status = "cancelled"
            session.add(task)
            removed.append((task, directory.by_id(session, reviewer_id)))
    new_tasks = []
    for peer_id, peer in wanted.items():
        task = existing.get(peer_id)
        if task is None:
            task = _new_peer_task(nom.task, peer)
        elif task.status != "cancelled":
            continue
        task.status = "open"
        session.add(task)
        new_tasks.append((task, peer))
    nom.task.status = "done"
    session.add(nom.task)
    session.flush()
    for task, peer in new_tasks:
        _tell_peer(ws, session, nom, task, peer, once)
        added.append(peer)
    for task, peer in removed:
        if peer is not None:
            _tell_removed(ws, session, nom, task, peer, once)
    if actor.id == nom.subject.id:
        _tell_manager(ws, session, nom, list(wanted.values()), once)
    nom.peers = list(wanted.values())
    log.info("peers of task %s: %d added, %d removed", task_id, len(added), len(removed))
    return Chosen(nom, added, [p for _, p in removed if p is not None])


def _new_peer_task(nominate: ReviewTask, peer: User) -> ReviewTask:
    assert peer.id is not None
    return ReviewTask(
        team_id=nominate.team_id,
        cycle_id=nominate.cycle_id,
        subject_id=nominate.subject_id,
        reviewer_id=peer.id,
        role="peer",
    )


def _tell_peer(
    ws: Workspace, session: Session, nom: Nomination, task: ReviewTask, peer: User, once: str
) -> None:
    locale = directory.locale_of(peer, ws.config)
    line = views.TaskLine(task.id or 0, "peer", nom.subject.slack_id)
    dm = views.peer_task_dm(locale, nom.cycle.name, fmt_date(nom.cycle.due, locale), line)
    ws.sender.enqueue(session, ws.team_id, f"review-peer:{task.id}:{once}", peer.slack_id, **dm)


def _tell_removed(
    ws: Workspace, session: Session, nom: Nomination, task: ReviewTask, peer: User, once: str
) -> None:
    locale = directory.locale_of(peer, ws.config)
    dm = views.peer_cancelled_dm(locale, nom.cycle.name, nom.subject.slack_id)
    key = f"review-peer-cancelled:{task.id}:{once}"
    ws.sender.enqueue(session, ws.team_id, key, peer.slack_id, **dm)


def _tell_manager(
    ws: Workspace, session: Session, nom: Nomination, peers: list[User], once: str
) -> None:
    """The rep chose: their manager hears whom, with a "Change peers" button."""
    manager = directory.by_id(session, nom.subject.manager_id)
    if manager is None or manager.deactivated:
        return
    locale = directory.locale_of(manager, ws.config)
    dm = views.peers_chosen_dm(
        locale,
        nom.cycle.name,
        nom.subject.slack_id,
        [p.slack_id for p in peers],
        nom.task.id or 0,
    )
    key = f"review-peers-chosen:{nom.task.id}:{once}"
    ws.sender.enqueue(session, ws.team_id, key, manager.slack_id, **dm)
