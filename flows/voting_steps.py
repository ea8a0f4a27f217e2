"""The voting session's steps, done from the session page: the Party committee's slate
approval, attendance, the tellers' counting keys, opening and closing (each confirmed
first), the tellers' opening of the sealed ballots or their paper counts, and the
announcement.

Each view reads the session through the scoped selector (404 outside the jurisdiction),
checks the step's permission and calls one service, which completes the flow's task under
the session's lock.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.models.voting import SessionStatus
from core.selectors import voting as selectors
from core.services import voting as services
from core.services.steps import StepRefused
from core.views.form_errors import apply_errors, error_text
from core.voting import tally
from core.voting.rules import APPROVE_ONLY
from permissions import checks

from . import voting_forms as forms


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


@login_required
def session_approve(request, pk):
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_approve_slate(request.user, session):
        raise PermissionDenied
    form = forms.ApproveSlateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_approve_slate(
                actor=request.user,
                session=session,
                approved=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Decision on the slate recorded."))
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "voting/slate_approve.html",
        {"form": form, "session": session, "candidates": selectors.candidates_of(session)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def session_submit_slate(request, pk):
    session = selectors.session_for_user(request.user, pk)
    return _done_or_refused(
        request,
        session,
        lambda: services.session_submit_slate(actor=request.user, session=session),
        _("The revised slate was sent for approval."),
    )


@login_required
def session_attendance(request, pk):
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_manage_sessions(request.user, session.jurisdiction):
        raise PermissionDenied
    deputies = list(
        services.active_deputies(session.jurisdiction).order_by("delegation", "name", "pk")
    )
    present = [str(a.deputy_id) for a in session.attendance.filter(present=True)]
    form = forms.AttendanceForm(
        request.POST or None, deputies=deputies, initial={"present": present}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record_attendance(
                actor=request.user, session=session, present=form.chosen()
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Attendance recorded."))
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Attendance at “%(t)s”") % {"t": session.title}},
        status=400 if form.errors else 200,
    )


def _confirm_or_do(request, session, *, allowed, call, success, title, explanation, facts):
    """A step that changes the vote for everyone: GET asks for confirmation with the facts,
    POST (from that page) does it."""
    if not allowed:
        raise PermissionDenied
    if request.method == "POST":
        return _done_or_refused(request, session, call, success)
    return render(
        request,
        "voting/confirm_step.html",
        {"session": session, "title": title, "explanation": explanation, "facts": facts},
    )


@login_required
def session_open(request, pk):
    session = selectors.session_for_user(request.user, pk)
    keys = services.session_tellers(session)
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_manage_sessions(request.user, session.jurisdiction),
        call=lambda: services.session_open(actor=request.user, session=session),
        success=_("Voting is open."),
        title=_("Open voting"),
        explanation=_(
            "Deputies marked present can vote from now on. Attendance, the slate and the "
            "tellers' keys can no longer be changed."
        ),
        facts=[
            (_("Deputies on the roster"), services.active_deputies(session.jurisdiction).count()),
            (_("Deputies present"), services.present_count(session)),
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
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_manage_sessions(request.user, session.jurisdiction),
        call=lambda: services.session_close(actor=request.user, session=session),
        success=_("Voting is closed."),
        title=_("Close voting"),
        explanation=_("No ballot is accepted after this. Deputies who have not voted cannot."),
        facts=[
            (_("Ballots issued"), session.ballots_issued),
            (_("Ballots cast"), session.participations.count()),
        ],
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
    return result


@login_required
def session_announce(request, pk):
    session = selectors.session_for_user(request.user, pk)
    preview = count_preview(session)
    facts = []
    if preview is not None:
        facts = [
            (_("Ballots cast"), preview["ballots_cast"]),
            (_("Valid ballots"), preview["ballots_valid"]),
            (_("Vote valid"), _("yes") if preview["valid"] else _("no")),
        ]
    return _confirm_or_do(
        request,
        session,
        allowed=checks.can_manage_sessions(request.user, session.jurisdiction),
        call=lambda: services.session_announce(actor=request.user, session=session),
        success=_("The result is announced."),
        title=_("Announce the result"),
        explanation=_(
            "The count below becomes the session's result: it is published on the public "
            "board and every candidate's case moves on."
        ),
        facts=facts,
    )


@never_cache
@login_required
def session_teller_key(request, pk):
    """A teller sets their counting passphrase before voting opens."""
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_count_ballots(request.user, session):
        raise PermissionDenied
    form = forms.TellerKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.teller_key_set(
                actor=request.user,
                session=session,
                passphrase=form.cleaned_data["passphrase"],
                confirm=form.cleaned_data["confirm"],
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(
                request,
                _("Your counting key is set. Keep the passphrase: it is needed to count."),
            )
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "voting/teller_key.html",
        {"form": form, "session": session},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def session_count(request, pk):
    """k tellers type their passphrases on one form to open the sealed ballots; or, when
    too few can, fall back to a paper count."""
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_count_ballots(request.user, session):
        raise PermissionDenied
    keys = services.session_tellers(session)
    form = forms.CountForm(
        request.POST if request.POST.get("action") != "paper" else None, tellers=keys
    )
    fallback = forms.PaperFallbackForm(
        request.POST if request.POST.get("action") == "paper" else None
    )
    if request.method == "POST":
        chosen = fallback if request.POST.get("action") == "paper" else form
        if chosen.is_valid():
            try:
                if chosen is fallback:
                    services.session_fallback_to_paper(
                        actor=request.user, session=session, reason=chosen.cleaned_data["reason"]
                    )
                    flash.success(
                        request,
                        _("The vote is counted on paper: two tellers enter their counts."),
                    )
                else:
                    services.session_count(
                        actor=request.user, session=session, passphrases=chosen.passphrases()
                    )
                    flash.success(
                        request,
                        _("The ballots are open and counted. Check the count, then announce."),
                    )
            except StepRefused as refused:
                flash.error(request, refused.message)
                return redirect("voting:session", pk=session.pk)
            except ValidationError as error:
                apply_errors(chosen, error)
            else:
                return redirect("voting:session", pk=session.pk)
    status = 400 if (form.errors or fallback.errors) else 200
    return render(
        request,
        "voting/count.html",
        {"form": form, "fallback": fallback, "session": session, "keys": keys},
        status=status,
    )


@login_required
def session_paper(request, pk):
    """A teller's entry form. It never shows the other teller's counts."""
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_enter_paper_count(request.user, session):
        raise PermissionDenied
    candidates = list(selectors.candidates_of(session))
    form = forms.PaperEntryForm(
        request.POST or None,
        candidates=candidates,
        approve_only=session.rules.get("mode") == APPROVE_ONLY,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_entry_submit(
                actor=request.user,
                session=session,
                ballots_returned=form.cleaned_data["ballots_returned"],
                ballots_invalid=form.cleaned_data["ballots_invalid"],
                counts=form.counts(),
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Your count has been entered."))
            return redirect("voting:session", pk=session.pk)
    mine = session.paper_tallies.filter(teller=request.user).order_by("-created", "-pk")
    return render(
        request,
        "voting/paper_entry.html",
        {"form": form, "session": session, "mine": mine},
        status=400 if form.errors else 200,
    )


class SessionStepView(LoginRequiredMixin, View):
    """The flow's human steps are done from the session page; a link to a step lands there."""

    def get(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        session = selectors.sessions_for_user(request.user).filter(process__pk=process_pk).first()
        if session is None:
            raise Http404
        return redirect("voting:session", pk=session.pk)
