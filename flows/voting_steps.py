"""The voting session's steps, done from the session page: the Party committee's slate
approval, attendance, the tellers' counting keys, the tellers' opening of the sealed
ballots or their paper counts. Opening, closing and the announcement, each confirmed
first, are in voting_confirm.py (imported here, where the URLs find every step).

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

from core.selectors import voting as selectors
from core.services import voting as services
from core.services.steps import StepRefused
from core.views.form_errors import apply_errors
from core.voting.rules import APPROVE_ONLY
from permissions import checks

from . import voting_forms as forms
from .voting_confirm import (  # noqa: F401 (the step views' URLs are all here)
    REASON_LABELS,
    _done_or_refused,
    count_preview,
    session_announce,
    session_close,
    session_confirm_count,
    session_open,
)


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
                        _(
                            "The ballots are open and counted. Check the count and confirm it; "
                            "the congress office can then announce it."
                        ),
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
        {
            "form": form,
            "fallback": fallback,
            "session": session,
            "keys": keys,
            "sealed": session.sealed_ballots.count(),
            "cast": session.participations.count(),
        },
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
