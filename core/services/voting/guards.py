"""What every voting service shares: the refusal it raises, the session lock, the flow
step it completes, and the check that the actor runs the jurisdiction's sessions."""

import random

from django.core.exceptions import PermissionDenied

from core import messages
from core import messages as vm
from core.models import Deputy
from core.models.voting import VotingSession
from permissions.checks import can_manage_sessions

from ..steps import StepRefused, open_task

# Ballot order at counting must be unpredictable, so not the seeded module-level generator.
secure_random = random.SystemRandom()

SELECTION_MARKS = ("yes", "no", "abstain")


class BallotRefused(StepRefused):
    """A ballot that was not accepted: not open, not present, already cast ...

    ``status`` is the HTTP status the API answers with.
    """

    def __init__(self, message, status: int = 409):
        super().__init__(message)
        self.status = status


def voting_flow():
    from flows.voting_flow import VotingSessionFlow

    return VotingSessionFlow


def project_flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def require_manager(actor, session_or_jurisdiction) -> None:
    jurisdiction = getattr(session_or_jurisdiction, "jurisdiction", session_or_jurisdiction)
    if not can_manage_sessions(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)


def lock_session(session: VotingSession) -> VotingSession:
    """The session row, locked against every other writer until the transaction ends."""
    return (
        VotingSession.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=session.pk)
    )


def step_task(session: VotingSession, node):
    task = open_task(session.process, node)
    if task is None:
        raise StepRefused(vm.SESSION_STEP_NOT_AVAILABLE)
    return task


def active_deputies(jurisdiction):
    return Deputy.objects.filter(jurisdiction=jurisdiction, active=True)


def present_count(session: VotingSession) -> int:
    return session.attendance.filter(present=True).count()
