"""The tellers confirm the count before it is published.

Once the sealed ballots are opened, the engine's count is shown to the tellers and the
congress office; a teller (never whoever runs the session) checks it against the opened
ballots and confirms it, and only then can the congress office announce it. A paper count
needs no such step: two tellers' independent entries that agree are its confirmation.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages as vm
from core.models.voting import SessionStatus, VotingSession
from permissions.checks import can_count_ballots

from ..audit import audit_record
from ..history import save_with_reason
from ..steps import StepRefused
from .guards import lock_session
from .tellers import teller_display


def count_awaits_confirmation(session: VotingSession) -> bool:
    """An electronic vote whose ballots are opened and whose count no teller confirmed."""
    return (
        session.status == SessionStatus.CLOSED
        and not session.is_paper
        and session.unsealed_at is not None
        and session.count_confirmed_at is None
    )


@transaction.atomic
def session_confirm_count(*, actor, session: VotingSession) -> VotingSession:
    """A teller confirms the count of the opened ballots, which the congress office may
    then announce. Refused to anyone who runs the session, before the ballots are opened,
    for a paper count, and once confirmed."""
    if not can_count_ballots(actor, session):
        raise PermissionDenied(vm.TELLER_RUNS_SESSION)
    session = lock_session(session)
    if not count_awaits_confirmation(session):
        raise StepRefused(vm.COUNT_CONFIRM_NOT_NOW)
    session.count_confirmed_at = timezone.now()
    session.count_confirmed_by = actor
    name = teller_display(actor)
    save_with_reason(
        session, actor=actor, reason=_("Count confirmed by teller %(name)s") % {"name": name}
    )
    audit_record(
        actor=actor,
        action="session.count_confirm",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Count confirmed by teller %(name)s") % {"name": name} + f" · {session.title}",
        data={"teller": actor.username, "ballots_digest": session.ballots_digest},
    )
    return session
