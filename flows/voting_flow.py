"""The voting session: a congress's project vote or year-end satisfaction vote."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from core.models.voting import SessionStatus, VotingProcess, VotingSession
from permissions.roles import Step, perm

from .voting_steps import SessionStepView


def _session(process):
    if isinstance(process, VotingProcess):
        return process.session
    return process.coerced.session


def session_jurisdiction(process):
    return _session(process).jurisdiction


# Where each human step is done: a page of its own, or the session page (which lists what
# is to do now); every other step of the flow lands on the session page.
STEP_PAGES = {
    "approve_slate": "voting:session_approve",
    "count_ballots": "voting:session_count",
}


def step_url(session_pk: int, step_name: str) -> str:
    """The page on which a session's step is done."""
    from django.urls import reverse

    return reverse(STEP_PAGES.get(step_name, "voting:session"), kwargs={"pk": session_pk})


def _status(activation) -> str:
    # Read afresh: the service saved its own locked copy of the session, not the one
    # cached on the process.
    return (
        VotingSession.objects.filter(pk=_session(activation.process).pk)
        .values_list("status", flat=True)
        .get()
    )


def _is_paper(activation) -> bool:
    return (
        VotingSession.objects.filter(pk=_session(activation.process).pk)
        .values_list("method", flat=True)
        .get()
        == "paper"
    )


def _is_runoff(activation) -> bool:
    return _session(activation.process).parent_id is not None


class VotingSessionFlow(flow.Flow):
    """Voting session

    A congress session's secret vote (无记名投票) on the livelihood projects: the congress
    office creates the session, sets its rules and builds the slate from the
    Party-approved candidates (or, for the year-end satisfaction vote, from the year's
    elected projects); the Party committee office, never the slate's builder, approves
    it; the tellers set their counting keys; the congress office records attendance and
    opens voting; deputies' ballots are sealed to the tellers' keys; the congress office
    closes voting; k tellers together open the sealed ballots (for paper ballots, two
    tellers enter counts that agree); the engine counts and the congress office announces
    the result, which releases every candidate case's waiting step. A tie under the runoff policy
    opens a follow-up session on the tied candidates, whose slate needs no new approval.
    """

    process_class = VotingProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Voting session")

    # -- congress office: the session, its rules and its slate
    create = (
        flow.StartHandle(this.start_session)
        .Annotation(title=_("Create session"))
        .Next(this.check_runoff)
    )
    check_runoff = (
        flow.If(_is_runoff)
        .Annotation(title=_("Runoff?"))
        .Then(this.open_session)
        .Else(this.approve_slate)
    )

    # -- Party committee office
    approve_slate = (
        flow.View(SessionStepView.as_view())
        .Annotation(title=_("Approve the slate"))
        .Permission(perm(Step.APPROVE_SLATE), obj=session_jurisdiction)
        .Next(this.check_slate_approved)
    )
    check_slate_approved = (
        flow.If(lambda activation: _status(activation) == SessionStatus.SLATE_APPROVED)
        .Annotation(title=_("Slate approved?"))
        .Then(this.open_session)
        .Else(this.revise_slate)
    )
    # -- congress office: a returned slate is revised and sent back for approval
    revise_slate = (
        flow.View(SessionStepView.as_view())
        .Annotation(title=_("Revise the slate"))
        .Permission(perm(Step.MANAGE_SESSIONS), obj=session_jurisdiction)
        .Next(this.approve_slate)
    )

    # -- congress office: attendance is recorded, then voting opens, closes, is announced
    open_session = (
        flow.View(SessionStepView.as_view())
        .Annotation(title=_("Record attendance and open voting"))
        .Permission(perm(Step.MANAGE_SESSIONS), obj=session_jurisdiction)
        .Next(this.close_session)
    )
    close_session = (
        flow.View(SessionStepView.as_view())
        .Annotation(title=_("Close voting"))
        .Permission(perm(Step.MANAGE_SESSIONS), obj=session_jurisdiction)
        .Next(this.check_paper)
    )
    check_paper = (
        flow.If(_is_paper)
        .Annotation(title=_("Paper ballots?"))
        .Then(this.announce)
        .Else(this.count_ballots)
    )

    # -- tellers: k of them open the sealed ballots together (or fall back to paper)
    count_ballots = (
        flow.View(SessionStepView.as_view())
        .Annotation(title=_("Open the sealed ballots"))
        .Permission(perm(Step.COUNT_BALLOTS), obj=session_jurisdiction)
        .Next(this.announce)
    )

    # -- congress office
    announce = (
        flow.View(SessionStepView.as_view())
        .Annotation(title=_("Count and announce"))
        .Permission(perm(Step.MANAGE_SESSIONS), obj=session_jurisdiction)
        .Next(this.check_valid)
    )
    check_valid = (
        flow.If(lambda activation: _status(activation) == SessionStatus.ANNOUNCED)
        .Annotation(title=_("Vote valid?"))
        .Then(this.announced)
        .Else(this.void)
    )

    announced = flow.End().Annotation(title=_("Announced"))
    void = flow.End().Annotation(title=_("Void"))

    def start_session(self, activation, session, actor):
        activation.process.session = session
        activation.task.owner = actor
        return activation.process
