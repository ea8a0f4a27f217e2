"""Voting pages: the congress office's sessions, the deputies' ballot, tellers' paper
counts, the announcement sheet, and the public results.

Pages read through core.selectors.voting (scoped, 404 outside the jurisdiction) and
write through core.services.voting. The ballot pages keep nothing between requests:
the marks travel in the confirm form, and the receipt code is shown in the response
to the cast and stored nowhere but as a hash on the ballot.
"""

import json

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import voting_forms as forms
from core import voting_messages as vm
from core.models.voting import SessionKind, SessionStatus
from core.selectors import voting as selectors
from core.services import voting as services
from core.services.steps import StepRefused
from core.voting.rules import APPROVE_ONLY, SCORE_100
from permissions import checks
from permissions.scope import home_jurisdictions

MARK_LABELS = {
    "yes": gettext_lazy("For"),
    "no": gettext_lazy("Against"),
    "abstain": gettext_lazy("Abstain"),
    "satisfied": gettext_lazy("Satisfied"),
    "basic": gettext_lazy("Basically satisfied"),
    "unsatisfied": gettext_lazy("Unsatisfied"),
}
REASON_LABELS = {
    "teller_mismatch": gettext_lazy("The two tellers' counts differ."),
    "quorum_not_met": gettext_lazy("Not more than half of the deputies were present."),
    "more_ballots_than_issued": gettext_lazy("More ballots came back than were issued."),
    "impossible_counts": gettext_lazy("The paper counts are impossible."),
}


def _apply_errors(form, error: ValidationError) -> None:
    has_fields = hasattr(error, "error_dict")
    items = error.error_dict.items() if has_fields else [(None, error.error_list)]
    for field, errors in items:
        for e in errors:
            form.add_error(field if form is not None and field in form.fields else None, e)


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


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
        rules = {"seats": data["seats"]} if data["kind"] == SessionKind.SELECTION else {}
        try:
            session = services.session_create(
                actor=request.user,
                jurisdiction=form.jurisdictions[data["jurisdiction"]],
                year=data["year"],
                kind=data["kind"],
                method=data["method"],
                title=data["title"],
                rules=rules,
            )
        except ValidationError as error:
            _apply_errors(form, error)
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
    slate_problem = None
    if candidates and session.status == SessionStatus.DRAFT:
        try:
            services.check_slate_differential(session, len(candidates))
        except ValidationError as error:
            slate_problem = _error_text(error)
    context = {
        "session": session,
        "candidates": candidates,
        "present": present,
        "ballots_cast": session.participations.count() if not session.is_paper else None,
        "steps": _open_steps(session),
        "can_manage": checks.can_manage_sessions(user, session.jurisdiction),
        "can_approve": checks.can_approve_slate(user, session),
        "can_teller": checks.can_enter_paper_count(user, session),
        "entries": entries,
        "entries_agree": agree,
        "slate_problem": slate_problem,
        "rows": selectors.result_rows(session),
        "reason_label": REASON_LABELS.get((session.result or {}).get("reason")),
        "runoffs": session.runoffs.all(),
    }
    return render(request, "voting/session_detail.html", context)


def _done_or_refused(request, session, call, success: str):
    try:
        call()
    except StepRefused as refused:
        flash.error(request, refused.message)
    except ValidationError as error:
        flash.error(request, _error_text(error))
    else:
        flash.success(request, success)
    return redirect("voting:session", pk=session.pk)


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
                deputies_total=form.cleaned_data["deputies_total"],
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            flash.success(request, _("Rules saved."))
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Rules of “%(t)s”") % {"t": session.title}},
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
    if request.method == "POST" and form.is_valid():
        try:
            services.session_build_slate(
                actor=request.user, session=session, projects=form.chosen()
            )
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("voting:session", pk=session.pk)
        except ValidationError as error:
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
        else:
            flash.success(request, _("Attendance recorded."))
            return redirect("voting:session", pk=session.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Attendance at “%(t)s”") % {"t": session.title}},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def session_open(request, pk):
    session = selectors.session_for_user(request.user, pk)
    return _done_or_refused(
        request,
        session,
        lambda: services.session_open(actor=request.user, session=session),
        _("Voting is open."),
    )


@login_required
@require_POST
def session_close(request, pk):
    session = selectors.session_for_user(request.user, pk)
    return _done_or_refused(
        request,
        session,
        lambda: services.session_close(actor=request.user, session=session),
        _("Voting is closed."),
    )


@login_required
@require_POST
def session_announce(request, pk):
    session = selectors.session_for_user(request.user, pk)
    return _done_or_refused(
        request,
        session,
        lambda: services.session_announce(actor=request.user, session=session),
        _("The result is announced."),
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
            _apply_errors(form, error)
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
    """The anonymised ballots, as a document ``manage.py tally`` reads."""
    session = selectors.session_for_user(request.user, pk)
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


class SessionStepView(LoginRequiredMixin, View):
    """The flow's human steps are done from the session page; a link to a step lands there."""

    def get(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        session = selectors.sessions_for_user(request.user).filter(process__pk=process_pk).first()
        if session is None:
            raise Http404
        return redirect("voting:session", pk=session.pk)


# -- the deputy's ballot --------------------------------------------------------------


def _marks_from_post(post) -> dict:
    """The marks of a posted ballot: fields ``c_<candidate id>``. Nothing is dropped or
    repaired, so a tampered field reaches the service and is refused there."""
    marks = {}
    for key in post:
        if not key.startswith("c_"):
            continue
        values = post.getlist(key)
        if len(values) != 1:
            raise ValidationError({"marks": vm.BALLOT_MALFORMED})
        value = values[0].strip()
        if not value:
            continue
        if value.isdigit():
            value = int(value)
        marks[key[2:]] = value
    return marks


def _ballot_context(session, marks=None, error=None):
    candidates = list(selectors.candidates_of(session))
    rules = session.rules
    marks = marks or {}
    if session.is_selection:
        choices = ["yes"] if rules.get("mode") == APPROVE_ONLY else ["yes", "no", "abstain"]
    elif rules.get("scale") == SCORE_100:
        choices = []
    else:
        choices = ["satisfied", "basic", "unsatisfied"]
    items = []
    for candidate in candidates:
        mark = marks.get(candidate.ballot_id)
        items.append(
            {
                "candidate": candidate,
                "field": f"c_{candidate.ballot_id}",
                "mark": mark,
                "mark_label": MARK_LABELS.get(mark, mark),
                "choices": [(c, MARK_LABELS[c], c == mark) for c in choices],
            }
        )
    categories = []
    for candidate in candidates:
        if candidate.category not in categories:
            categories.append(candidate.category)
    return {
        "session": session,
        "items": items,
        "marks": marks,
        "error": error,
        "approve_only": rules.get("mode") == APPROVE_ONLY,
        "score": rules.get("scale") == SCORE_100,
        "max_approvals": rules.get("max_approvals"),
        "min_per_category": rules.get("min_per_category"),
        "categories": categories,
        "msg_too_many": vm.BALLOT_TOO_MANY_APPROVALS,
        "msg_category": vm.BALLOT_CATEGORY_MINIMUM,
    }


@login_required
def ballot_list(request):
    return render(
        request,
        "voting/ballot_list.html",
        {"sessions": selectors.ballot_sessions_for_user(request.user)},
    )


@never_cache
@login_required
def ballot(request, pk):
    """Mark → confirm → cast → receipt. Every step answers from the posted marks only."""
    session = selectors.ballot_session_for_user(request.user, pk)
    if request.method != "POST":
        try:
            services.ballot_precheck(actor=request.user, session=session, marks={})
        except services.BallotRefused as refused:
            return render(
                request,
                "voting/ballot_closed.html",
                {"session": session, "message": refused.message},
            )
        except ValidationError:
            pass  # the empty ballot may break a rule; the deputy has not marked yet
        return render(request, "voting/ballot.html", _ballot_context(session))

    action = request.POST.get("action", "review")
    try:
        marks = _marks_from_post(request.POST)
        if action == "edit":
            return render(request, "voting/ballot.html", _ballot_context(session, marks))
        if action == "cast":
            code = services.ballot_cast(actor=request.user, session=session, marks=marks)
            return render(request, "voting/ballot_receipt.html", {"session": session, "code": code})
        services.ballot_precheck(actor=request.user, session=session, marks=marks)
    except services.BallotRefused as refused:
        return render(
            request,
            "voting/ballot_closed.html",
            {"session": session, "message": refused.message},
            status=refused.status,
        )
    except ValidationError as error:
        return render(
            request,
            "voting/ballot.html",
            _ballot_context(session, {}, error=_error_text(error)),
            status=400,
        )
    return render(request, "voting/ballot_confirm.html", _ballot_context(session, marks))


@never_cache
@login_required
def receipt_check(request):
    """Is my ballot in the count, and was it valid? Never the marks.

    The code is posted, never put in the URL, so it does not reach access logs.
    """
    form = forms.ReceiptForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = services.ballot_by_receipt(form.cleaned_data["code"])
        if found is None:
            form.add_error("code", vm.RECEIPT_NOT_FOUND)
    return render(
        request,
        "voting/receipt_check.html",
        {"form": form, "ballot": found, "session": found.session if found else None},
        status=400 if form.errors else 200,
    )


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
