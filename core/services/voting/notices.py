"""Who is told what, as a voting session moves: each step's holders when the step becomes
theirs, the tellers when the slate is approved (their counting passphrases), the present
deputies when voting opens.

Every notice goes through `notify` (in-app with the step's transaction, e-mail after
commit through the outbox), once per step or per session. A notice to deputies names the
session, never a ballot or a mark.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.models.calendar import NotificationKind
from core.models.voting import SessionMethod, VotingSession
from core.selectors import task_counts
from core.selectors.calendar import responsible_users
from permissions.checks import can_act_on_session_step, can_count_ballots

from ..notifications import notify
from ..steps import open_task
from .guards import voting_flow


def step_holders(session: VotingSession, task) -> list:
    """The users who may do `task` of `session`: its owner once taken, otherwise whoever
    holds the step's permission in the jurisdiction and passes the session's own rule."""
    return [
        user
        for user in responsible_users(task)
        if can_act_on_session_step(user, session, task.flow_task.name)
    ]


def step_opened_notice(session: VotingSession, node, note) -> list:
    """Tell the holders of the session's open `node` step that it is theirs (once per
    step). `note` (a lazy text) says why, in the site's language."""
    from flows.voting_flow import step_url

    task = open_task(session.process, node)
    if task is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "node": node.name,
            "step": str(node.task_title),
            "session": session.title,
            "note": str(note),
        }
    return notify(
        event_key=f"session-step:{task.pk}",
        recipients=step_holders(session, task),
        kind=NotificationKind.SESSION_STEP,
        params=params,
        url=step_url(session.pk, node.name),
        task=task,
    )


def slate_sent_notice(session: VotingSession) -> list:
    """The slate waits for the Party committee office's approval."""
    n = session.candidates.count()
    return step_opened_notice(
        session,
        voting_flow().approve_slate,
        translation.ngettext_lazy(
            "The congress office sent a slate of %(n)d project for approval.",
            "The congress office sent a slate of %(n)d projects for approval.",
            n,
        )
        % {"n": n},
    )


def slate_decided_notice(session: VotingSession, *, approved: bool, comment: str) -> list:
    """The Party committee office approved the slate (attendance and opening are the
    congress office's next), or returned it (to revise)."""
    flow = voting_flow()
    if approved:
        keys_wanted_notice(session)
        return step_opened_notice(
            session,
            flow.open_session,
            translation.gettext_lazy(
                "The Party committee office approved the slate: record attendance, then open "
                "voting."
            ),
        )
    with translation.override(settings.LANGUAGE_CODE):
        note = _("The Party committee office returned the slate: %(comment)s") % {
            "comment": comment
        }
    return step_opened_notice(session, flow.revise_slate, note)


def ballots_sealed_notice(session: VotingSession) -> list:
    """Voting closed: the tellers open the sealed ballots."""
    return step_opened_notice(
        session,
        voting_flow().count_ballots,
        translation.gettext_lazy(
            "Voting is closed: any tellers with their passphrases open the sealed ballots together."
        ),
    )


def tellers_of(session: VotingSession) -> list:
    """The jurisdiction's tellers who may count the session (not those who run it)."""
    from guardian.shortcuts import get_users_with_perms

    users = get_users_with_perms(
        session.jurisdiction, with_group_users=False, only_with_perms_in=["count_ballots"]
    )
    return [
        user
        for user in users.filter(is_active=True).order_by("pk")
        if can_count_ballots(user, session)
    ]


def tellers_changed(session: VotingSession) -> None:
    """A session the tellers owe a counting passphrase for appeared or opened: their
    inboxes change from their next page."""
    if session.method != SessionMethod.ELECTRONIC:
        return
    ids = [u.pk for u in tellers_of(session)]
    transaction.on_commit(lambda: task_counts.forget_many(ids))


def keys_wanted_notice(session: VotingSession) -> list:
    """The slate is approved: the tellers who have not set their counting passphrase are
    asked to, before voting opens."""
    if session.method != SessionMethod.ELECTRONIC:
        return []
    have = set(session.teller_keys.values_list("teller_id", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "step": _("Your counting passphrase"),
            "session": session.title,
            "note": _("Set it before voting opens: the ballots are sealed to the tellers' keys."),
        }
    return notify(
        event_key=f"teller-keys:{session.pk}",
        recipients=[u for u in tellers_of(session) if u.pk not in have],
        kind=NotificationKind.SESSION_STEP,
        params=params,
        url=reverse("voting:session_teller_key", kwargs={"pk": session.pk}),
    )


def present_deputy_users(session: VotingSession) -> list:
    """The accounts of the deputies marked present at the session (in the roster)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            deputy__attendance__session=session,
            deputy__attendance__present=True,
            deputy__active=True,
            deputy__jurisdiction=session.jurisdiction_id,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def vote_opened_notice(session: VotingSession) -> list:
    """Voting opened: every present deputy is told, with a link to their ballot, and their
    inbox shows the vote from their next page."""
    users = present_deputy_users(session)
    transaction.on_commit(lambda: task_counts.forget_many([u.pk for u in users]))
    tellers_changed(session)  # no passphrase is owed once voting is open
    if session.method != SessionMethod.ELECTRONIC:
        return []  # a paper vote is cast in the hall
    with translation.override(settings.LANGUAGE_CODE):
        params = {"session": session.title}
    return notify(
        event_key=f"vote-open:{session.pk}",
        recipients=users,
        kind=NotificationKind.VOTE_OPEN,
        params=params,
        url=reverse("voting:ballot", kwargs={"pk": session.pk}),
    )


def vote_closed(session: VotingSession) -> None:
    """Voting closed: the vote leaves the present deputies' inboxes."""
    ids = [u.pk for u in present_deputy_users(session)]
    transaction.on_commit(lambda: task_counts.forget_many(ids))
