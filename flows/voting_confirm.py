"""The steps that change a vote for everyone, each confirmed first on a page that shows
what will happen: opening voting (roster, present, quorum, tellers' keys), closing it
(ballots issued and cast), and the announcement, which shows the count the tellers opened
or entered before it is published.

Each view reads the session through the scoped selector (404 outside the jurisdiction)
and refuses anyone without the step's permission; a step not open for the session now is
not offered.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import messages as vm
from core.models.voting import SessionStatus
from core.selectors import voting as selectors
from core.services import voting as services
from core.services.steps import StepRefused, open_task
from core.views.form_errors import error_text
from core.voting import tally
from permissions import checks

REASON_LABELS = {
    "teller_mismatch": gettext_lazy("The two tellers' counts differ."),
    "quorum_not_met": gettext_lazy("Not more than half of the deputies were present."),
    "more_ballots_than_issued": gettext_lazy("More ballots came back than were issued."),
    "impossible_counts": gettext_lazy("The paper counts are impossible."),
}


def _done_or_refused(request, session, call, success: str):
    try:
        call()
    except StepRefused as refused:
        flash.error(request, refused.message)
    except ValidationError as error:
        flash.error(request, error_text(error))
    else:
        flash.success(request, success)
    return redirect("voting:session", pk=session.pk)


def _confirm_or_do(
    request,
    session,
    *,
    allowed,
    step,
    call,
    success,
    title,
    explanation,
    facts,
    warning=None,
    preview=None,
    available=None,
):
    """A step that changes the vote for everyone: GET asks for confirmation with the facts
    (and, before the announcement, the count), POST (from that page) does it. A step that
    is not open for the session now is not offered: back to the session page, saying so."""
    if not allowed:
        raise PermissionDenied
    if request.method == "POST":
        return _done_or_refused(request, session, call, success)
    if available is None:
        available = open_task(session.process, getattr(_flow(), step)) is not None
    if not available:
        flash.error(request, vm.SESSION_STEP_NOT_AVAILABLE)
        return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "voting/confirm_step.html",
        {
            "session": session,
            "title": title,
            "explanation": explanation,
            "facts": facts,
            "warning": warning,
            "preview": preview,
            "candidates": list(selectors.candidates_of(session)) if preview else [],
        },
    )


def _flow():
    from .voting_flow import VotingSessionFlow

    return VotingSessionFlow


@login_required
def session_open(request, pk):
    session = selectors.session_for_user(request.user, pk)
    keys = services.session_tellers(session)
    roster = services.active_deputies(session.jurisdiction).count()
    present = services.present_count(session)
    warning = None
    if 2 * present <= roster:
        warning = vm.QUORUM_NOT_PRESENT % {"present": present, "total": roster}
    elif not session.is_paper and len(keys) <= session.tellers_needed:
        warning = vm.TELLERS_TOO_FEW % {
            "needed": session.tellers_needed + 1,
            "count": len(keys),
            "k": session.tellers_needed,
        }
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_manage_sessions(request.user, session.jurisdiction),
        step="open_session",
        warning=warning,
        call=lambda: services.session_open(actor=request.user, session=session),
        success=_("Voting is open."),
        title=_("Open voting"),
        explanation=_(
            "Deputies marked present can vote from now on. Attendance, the slate and the "
            "tellers' keys can no longer be changed."
        ),
        facts=[
            (_("Deputies on the roster"), roster),
            (_("Deputies present"), present),
            (_("Present needed (more than half)"), roster // 2 + 1),
            (_("Ballots to issue"), present),
            (_("Candidates on the slate"), session.candidates.count()),
            (
                _("Tellers with counting keys"),
                "—"
                if session.is_paper
                else f"{len(keys)} ({_('any %(k)d can count') % {'k': session.tellers_needed}})",
            ),
        ],
    )


@login_required
def session_close(request, pk):
    session = selectors.session_for_user(request.user, pk)
    facts = [(_("Ballots issued"), session.ballots_issued)]
    if session.is_paper:
        explanation = _(
            "Voting ends: the paper ballots are collected, and two tellers each enter their "
            "count of them."
        )
    else:
        cast = session.participations.count()
        waiting = max((session.ballots_issued or 0) - cast, 0)
        facts += [(_("Ballots cast"), cast), (_("Present deputies who have not voted"), waiting)]
        explanation = _(
            "No ballot is accepted after this: deputies who have not voted cannot. The sealed "
            "ballots then wait for the tellers to open them together."
        )
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_manage_sessions(request.user, session.jurisdiction),
        step="close_session",
        call=lambda: services.session_close(actor=request.user, session=session),
        success=_("Voting is closed."),
        title=_("Close voting"),
        explanation=explanation,
        facts=facts,
    )


def count_preview(session):
    """The engine's count of the opened ballots (or agreeing paper counts), before it is
    published: for the tellers and the congress office to check."""
    if session.status != SessionStatus.CLOSED:
        return None
    document = services.session_document(session)
    if document is None:
        return None
    result = tally(document)
    result["reason_label"] = REASON_LABELS.get(result.get("reason"))
    return result


def _count_facts(preview) -> list:
    if preview is None:
        return []
    return [
        (_("Ballots cast"), preview["ballots_cast"]),
        (_("Valid ballots"), preview["ballots_valid"]),
        (_("Vote valid"), _("yes") if preview["valid"] else _("no")),
    ]


@login_required
def session_confirm_count(request, pk):
    """A teller checks the count of the opened ballots and confirms it, so that the
    congress office may announce it."""
    session = selectors.session_for_user(request.user, pk)
    preview = count_preview(session)
    facts = _count_facts(preview)
    if session.ballots_digest:
        facts.append((_("Hash of the ballots counted"), session.ballots_digest[:16] + "…"))
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_count_ballots(request.user, session),
        step="announce",
        available=services.count_awaits_confirmation(session),
        preview=preview,
        call=lambda: services.session_confirm_count(actor=request.user, session=session),
        success=_("The count is confirmed: the congress office can announce it."),
        title=_("Confirm the count"),
        explanation=_(
            "Check the count below against the opened ballots. Once a teller confirms it, the "
            "congress office can announce it as the session's result; nothing is published "
            "before then."
        ),
        facts=facts,
    )


@login_required
def session_announce(request, pk):
    session = selectors.session_for_user(request.user, pk)
    preview = count_preview(session)
    facts = _count_facts(preview)
    if session.count_confirmed_at:
        who = session.count_confirmed_by
        name = (who.get_full_name() or who.username) if who else "—"
        when = localtime(session.count_confirmed_at).strftime("%Y-%m-%d %H:%M")
        facts.append((_("Count confirmed by"), f"{name} · {when}"))
    elif session.is_paper and preview is not None:
        facts.append((_("Count confirmed by"), _("the two tellers' agreeing entries")))
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_manage_sessions(request.user, session.jurisdiction),
        step="announce",
        preview=preview,
        warning=vm.COUNT_NOT_CONFIRMED if services.count_awaits_confirmation(session) else None,
        call=lambda: services.session_announce(actor=request.user, session=session),
        success=_("The result is announced."),
        title=_("Announce the result"),
        explanation=_(
            "The count below becomes the session's result: it is published on the public "
            "board and every candidate's case moves on."
        ),
        facts=facts,
    )
