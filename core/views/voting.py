"""Voting pages of the congress office: sessions, their rules and slate, the printable
ballots and announcement sheet, the ballots' export for a recount, and the public results.

The session's steps (approval, attendance, keys, opening, counting, announcement) are in
flows/voting_steps.py; the deputy's ballot in core/views/ballots.py. Pages read through
core.selectors.voting (scoped, 404 outside the jurisdiction) and write through
core.services.voting.
"""

import json

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.models.meetings import RatingPurpose
from core.models.voting import SessionKind
from core.selectors import voting as selectors
from core.selectors.differential import candidates_needed
from core.selectors.session_guide import session_guide
from core.services import voting as services
from core.services.steps import StepRefused
from core.views.form_errors import apply_errors
from flows import voting_forms as forms
from flows.voting_confirm import REASON_LABELS, count_preview
from permissions import checks
from permissions.scope import home_jurisdictions


def _managed_jurisdictions(user):
    return [j for j in home_jurisdictions(user) if checks.can_manage_sessions(user, j)]


# -- the congress office's pages ------------------------------------------------------


@login_required
def session_list(request):
    sessions = selectors.sessions_for_user(request.user)
    return render(
        request,
        "voting/session_list.html",
        {"sessions": sessions, "can_create": bool(_managed_jurisdictions(request.user))},
    )


@login_required
def session_new(request):
    jurisdictions = _managed_jurisdictions(request.user)
    if not jurisdictions:
        raise PermissionDenied
    form = forms.SessionCreateForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rules = form.rules()
        try:
            session = services.session_create(
                actor=request.user,
                jurisdiction=form.jurisdictions[data["jurisdiction"]],
                year=data["year"],
                kind=data["kind"],
                method=data["method"],
                title=data["title"],
                rules=rules,
                purpose=(data["purpose"] or RatingPurpose.YEAR_END)
                if data["kind"] == SessionKind.SATISFACTION
                else RatingPurpose.YEAR_END,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Session created. Set its rules and build the slate."))
            return redirect("voting:session_rules", pk=session.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New voting session")},
        status=400 if form.errors else 200,
    )


def _open_steps(session) -> set[str]:
    from core.selectors.tasks import open_tasks_of

    return {task.flow_task.name for task in open_tasks_of(session.process)}


@login_required
def session_detail(request, pk):
    session = selectors.session_for_user(request.user, pk)
    user = request.user
    candidates = list(selectors.candidates_of(session))
    present = services.present_count(session)
    entries = services.paper_entries(session) if session.is_paper else []
    agree = len(entries) == 2 and entries[0].entry == entries[1].entry
    steps = _open_steps(session)
    guide = session_guide(session, steps)
    context = {
        "session": session,
        "candidates": candidates,
        "present": present,
        "ballots_cast": session.participations.count() if not session.is_paper else None,
        "steps": steps,
        "awaits_confirmation": services.count_awaits_confirmation(session),
        "guide": guide,
        "can_manage": checks.can_manage_sessions(user, session.jurisdiction),
        "can_approve": checks.can_approve_slate(user, session),
        "can_teller": checks.can_enter_paper_count(user, session),
        "can_count": checks.can_count_ballots(user, session),
        "can_read_ballots": checks.can_read_individual_ballots(user, session),
        "teller_keys": services.session_tellers(session),
        "my_key": any(k.teller_id == user.pk for k in services.session_tellers(session)),
        "sealed_count": session.sealed_ballots.count() if not session.is_announced else 0,
        "preview": count_preview(session)
        if checks.can_manage_sessions(user, session.jurisdiction)
        or checks.can_count_ballots(user, session)
        or checks.can_enter_paper_count(user, session)
        else None,
        "counted_trackers": session.counted_trackers.values_list("tracker", flat=True)
        if session.is_announced
        else [],
        "entries": entries,
        "entries_agree": agree,
        "slate_problem": guide.slate_problem,
        "rows": selectors.result_rows(session),
        "reason_label": REASON_LABELS.get((session.result or {}).get("reason")),
        "runoffs": session.runoffs.all(),
    }
    return render(request, "voting/session_detail.html", context)


@login_required
def session_rules(request, pk):
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_manage_sessions(request.user, session.jurisdiction):
        raise PermissionDenied
    form_class = forms.SelectionRulesForm if session.is_selection else forms.SatisfactionRulesForm
    form = form_class(request.POST or None, initial=form_class.initial_from(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_set_rules(
                actor=request.user,
                session=session,
                rules=form.rules(),
                tellers_needed=form.cleaned_data["tellers_needed"],
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Rules saved."))
            for note in getattr(form, "notes", ()):
                flash.info(request, note)
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "voting/rules_form.html",
        {
            "form": form,
            "session": session,
            "title": _("Rules of “%(t)s”") % {"t": session.title},
            "followed_note": forms.MAX_APPROVALS_FOLLOWED,
        },
        status=400 if form.errors else 200,
    )


@login_required
def session_slate(request, pk):
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_manage_sessions(request.user, session.jurisdiction):
        raise PermissionDenied
    eligible = list(services.eligible_projects(session))
    current = [str(c.project_id) for c in session.candidates.all()]
    form = forms.SlateForm(
        request.POST or None,
        projects=eligible,
        initial={"projects": current or [str(p.pk) for p in eligible]},
    )
    if session.is_selection:
        needs = candidates_needed(session.rules["seats"], session.rules["differential"])
        if needs:
            form.fields["projects"].help_text = _(
                "Projects to elect: %(seats)s; the differential ratio allows %(needs)s."
            ) % {"seats": session.rules["seats"], "needs": needs}
    if request.method == "POST" and form.is_valid():
        try:
            services.session_build_slate(
                actor=request.user, session=session, projects=form.chosen()
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Slate saved."))
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Slate of “%(t)s”") % {"t": session.title}},
        status=400 if form.errors else 200,
    )


@login_required
def session_print(request, pk):
    """Printable paper ballots: one per present deputy, the rules printed on each."""
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_manage_sessions(request.user, session.jurisdiction):
        raise PermissionDenied
    copies = services.present_count(session) or session.deputies_total
    return render(
        request,
        "voting/print_ballots.html",
        {
            "session": session,
            "candidates": list(selectors.candidates_of(session)),
            "copies": range(copies),
            "n_copies": copies,
        },
    )


@login_required
def session_sheet(request, pk):
    """The printable announcement sheet."""
    session = selectors.session_for_user(request.user, pk)
    if not session.is_announced:
        raise Http404
    return render(
        request,
        "voting/announcement_sheet.html",
        {
            "session": session,
            "rows": selectors.result_rows(session),
            "reason_label": REASON_LABELS.get(session.result.get("reason")),
            "entries": services.paper_entries(session) if session.is_paper else [],
        },
    )


@login_required
def session_export(request, pk):
    """The anonymised ballots, as a document ``manage.py tally`` reads: for the session's
    tellers and the congress office only."""
    session = selectors.session_for_user(request.user, pk)
    if not checks.can_read_individual_ballots(request.user, session):
        raise PermissionDenied
    try:
        document = services.ballots_export(actor=request.user, session=session)
    except StepRefused as refused:
        flash.error(request, refused.message)
        return redirect("voting:session", pk=session.pk)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}-ballots.json"'
    return response


# -- public results -------------------------------------------------------------------


def public_result_list(request):
    return render(request, "voting/public_results.html", {"sessions": selectors.public_results()})


def public_result_detail(request, pk):
    session = selectors.public_result(pk)
    return render(
        request,
        "voting/public_result.html",
        {
            "session": session,
            "rows": selectors.result_rows(session),
            "reason_label": REASON_LABELS.get(session.result.get("reason")),
        },
    )
