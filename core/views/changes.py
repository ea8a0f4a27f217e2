"""Actions on one case during the supervision year, each on its own form page reached from
the case page: propose a change (government office), decide it (congress office), plan a
phase (government office), rate an unfinished project at year end and record the follow-up
of an accountability hearing (congress office)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import oversight_forms as forms
from core.selectors import oversight as selectors
from core.selectors import projects as project_selectors
from core.selectors.calendar import calendar_today
from core.services import appraisal as appraisal_services
from core.services import changes as services
from core.views.form_errors import apply_errors
from permissions import checks


def _case_form(request, project, *, check, form, perform, title, success, context=None):
    """A form page about one case: scope (404), permission (403), the service, back to the
    case; a refusal re-shows the form with the reason."""
    if not check(request.user, project):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, success)
            return redirect("core:case", pk=project.pk)
    return render(
        request,
        "oversight/case_form.html",
        {"project": project, "form": form, "title": title, **(context or {})},
        status=400 if form.errors else 200,
    )


@login_required
def change_propose(request, pk):
    project = project_selectors.project_for_user(request.user, pk)
    form = forms.ChangeProposeForm(
        request.POST or None, replacements=selectors.replacement_candidates(project)
    )
    return _case_form(
        request,
        project,
        check=checks.can_propose_change,
        form=form,
        title=_("Propose a change to the project"),
        success=_("Change proposed; it waits for the decision."),
        perform=lambda data: services.change_propose(actor=request.user, project=project, **data),
    )


@login_required
def change_decide(request, pk):
    change = selectors.change_for_user(request.user, pk)
    form = forms.ChangeDecideForm(request.POST or None)
    return _case_form(
        request,
        change.project,
        check=checks.can_decide_change,
        form=form,
        title=_("Record the decision on the change"),
        success=_("Decision recorded."),
        perform=lambda data: services.change_decide(
            actor=request.user,
            change=change,
            approved=data["decision"] == "approve",
            decided_on=data["decided_on"],
            note=data["note"],
        ),
        context={"change": change},
    )


@login_required
def phase_add(request, pk):
    project = project_selectors.project_for_user(request.user, pk)
    form = forms.PhaseForm(request.POST or None, initial={"year": calendar_today().year})
    return _case_form(
        request,
        project,
        check=checks.can_plan_phases,
        form=form,
        title=_("Plan a phase"),
        success=_("Phase planned."),
        perform=lambda data: services.phase_add(actor=request.user, project=project, **data),
    )


@login_required
def unfinished_rating(request, pk):
    project = project_selectors.project_for_user(request.user, pk)
    today = calendar_today()
    form = forms.UnfinishedRatingForm(
        request.POST or None, initial={"year": today.year, "rated_on": today}
    )
    return _case_form(
        request,
        project,
        check=checks.can_record_satisfaction,
        form=form,
        title=_("Year-end rating of an unfinished project"),
        success=_("Year-end rating recorded; it is marked unfinished."),
        perform=lambda data: appraisal_services.rating_record_unfinished(
            actor=request.user, project=project, **data
        ),
    )


@login_required
def follow_up(request, pk):
    project = project_selectors.project_for_user(request.user, pk)
    form = forms.FollowUpForm(request.POST or None)
    return _case_form(
        request,
        project,
        check=checks.can_record_follow_up,
        form=form,
        title=_("Follow-up of the accountability hearing"),
        success=_("Follow-up recorded."),
        perform=lambda data: appraisal_services.follow_up_record(
            actor=request.user, project=project, **data
        ),
    )
