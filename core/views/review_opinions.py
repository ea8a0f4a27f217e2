"""Review opinion pages: the tracking list ("回头看": open, overdue, to check, done), the
lead unit's answer and the congress office's check, one opinion at a time."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import oversight_forms as forms
from core.selectors import oversight as selectors
from core.selectors.calendar import calendar_today
from core.services import review_opinions as services
from core.views.form_errors import apply_errors
from permissions import checks

PAGE_SIZE = 100
STATES = [
    ("open", gettext_lazy("Awaiting an answer")),
    ("overdue", gettext_lazy("Overdue")),
    ("to_check", gettext_lazy("Answered, to check")),
    ("done", gettext_lazy("Checked")),
    ("all", gettext_lazy("All")),
]


@login_required
def opinion_list(request):
    state = request.GET.get("state") or "open"
    if state not in dict(STATES):
        state = "open"
    opinions = list(selectors.review_opinions_for_user(request.user, state)[:PAGE_SIZE])
    today = calendar_today()
    answering = selectors.answerable_office_ids(request.user)
    checking = {}
    for opinion in opinions:
        jurisdiction = opinion.project.jurisdiction
        if jurisdiction.pk not in checking:
            checking[jurisdiction.pk] = checks.can_check_opinions(request.user, jurisdiction)
        opinion.late = opinion.answered_at is None and opinion.due <= today
        opinion.can_answer = opinion.answered_at is None and opinion.addressee_id in answering
        opinion.can_check = (
            opinion.answered_at is not None
            and opinion.check_result != "accepted"
            and checking[jurisdiction.pk]
        )
    return render(
        request,
        "opinions/list.html",
        {"opinions": opinions, "state": state, "states": STATES},
    )


def _form_page(request, opinion, form, title, status=200):
    return render(
        request,
        "opinions/form.html",
        {"opinion": opinion, "form": form, "title": title},
        status=status,
    )


@login_required
def opinion_answer(request, pk):
    opinion = selectors.review_opinion_for_user(request.user, pk)
    if not checks.can_answer_review_opinion(request.user, opinion):
        raise PermissionDenied
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_opinion_answer(
                actor=request.user, opinion=opinion, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Answer sent."))
            return redirect("core:case", pk=opinion.project_id)
    return _form_page(
        request, opinion, form, _("Answer the review opinion"), 400 if form.errors else 200
    )


@login_required
def opinion_check(request, pk):
    opinion = selectors.review_opinion_for_user(request.user, pk)
    if not checks.can_check_opinions(request.user, opinion.project.jurisdiction):
        raise PermissionDenied
    form = forms.CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_opinion_check(
                actor=request.user,
                opinion=opinion,
                accepted=data["decision"] == "accept",
                note=data["note"],
                new_due=data["new_due"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Check recorded."))
            return redirect("oversight:opinions")
    return _form_page(request, opinion, form, _("Check the answer"), 400 if form.errors else 200)
