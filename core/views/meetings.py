"""Meeting pages: the list, planning, and the meeting page where the congress office
records it as held, issues review opinions and enters the mid-year ratings.

Pages read through core.selectors.oversight (404 outside one's jurisdictions) and write
through core.services.meetings; a refused write re-shows its form with the reason and
a 400 status, having written nothing.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import oversight_forms as forms
from core.models import Project
from core.models.meetings import RatingPurpose
from core.models.voting import SessionKind, VotingSession
from core.selectors import oversight as selectors
from core.services import meetings as services
from core.views.form_errors import apply_errors
from permissions import checks
from permissions.scope import home_jurisdictions

PAGE_SIZE = 50


def managing_jurisdictions(user) -> list:
    return [j for j in home_jurisdictions(user) if checks.can_manage_meetings(user, j)]


@login_required
def meeting_list(request):
    meetings = selectors.meetings_for_user(request.user).order_by("-scheduled_on", "-pk")
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": meetings[:PAGE_SIZE],
            "can_plan": managing_jurisdictions(request.user),
        },
    )


@login_required
def meeting_plan(request):
    options = managing_jurisdictions(request.user)
    if not options:
        raise PermissionDenied
    code = request.GET.get("j") or request.POST.get("j")
    jurisdiction = next((j for j in options if j.code == code), options[0])
    form = forms.MeetingPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(
                actor=request.user, jurisdiction=jurisdiction, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Meeting planned; its agenda lists every project heard."))
            return redirect("oversight:meeting", pk=meeting.pk)
    return render(
        request,
        "oversight/form_page.html",
        {
            "form": form,
            "title": _("Plan a meeting"),
            "jurisdiction": jurisdiction,
            "hidden": {"j": jurisdiction.code},
        },
        status=400 if form.errors else 200,
    )


def _agenda_projects(meeting):
    return Project.objects.filter(agenda_items__meeting=meeting).order_by("title", "pk")


def _forms(meeting, data=None, which=None):
    """The meeting page's forms; `which` is bound to `data`, the others empty."""

    def bound(name):
        return data if which == name else None

    return {
        "held_form": forms.MeetingHeldForm(
            bound("held"),
            deputies=services.active_deputies(meeting.jurisdiction).order_by("name", "pk"),
            initial={"held_on": meeting.scheduled_on},
        ),
        "opinion_form": forms.OpinionIssueForm(
            bound("opinion"), projects=_agenda_projects(meeting), prefix="opinion"
        ),
        "rating_form": forms.RatingForm(
            bound("rating"), projects=_agenda_projects(meeting), prefix="rating"
        ),
        "session_form": forms.RatingSessionForm(
            bound("session"),
            sessions=VotingSession.objects.filter(
                jurisdiction=meeting.jurisdiction,
                year=meeting.year,
                kind=SessionKind.SATISFACTION,
                purpose=RatingPurpose.MID_YEAR,
            ).order_by("-created"),
            prefix="session",
        ),
    }


def _page(request, meeting, status=200, **bound):
    context = {
        "meeting": meeting,
        "can_manage": checks.can_manage_meetings(request.user, meeting.jurisdiction),
        **_forms(meeting),
        **bound,
    }
    return render(request, "meetings/detail.html", context, status=status)


@login_required
def meeting_detail(request, pk):
    return _page(request, selectors.meeting_for_user(request.user, pk))


def _post(request, pk, which, perform, success):
    """One of the meeting page's forms: check, validate, call the service, report back."""
    meeting = selectors.meeting_for_user(request.user, pk)
    if not checks.can_manage_meetings(request.user, meeting.jurisdiction):
        raise PermissionDenied
    form = _forms(meeting, request.POST, which)[f"{which}_form"]
    if form.is_valid():
        try:
            perform(meeting, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, success)
            return redirect("oversight:meeting", pk=meeting.pk)
    return _page(request, meeting, status=400, **{f"{which}_form": form})


@login_required
@require_POST
def meeting_held(request, pk):
    return _post(
        request,
        pk,
        "held",
        lambda meeting, data: services.meeting_record_held(
            actor=request.user,
            meeting=meeting,
            held_on=data["held_on"],
            present=data["present"],
            minutes=data["minutes"],
            speakers=data["speakers"],
        ),
        _("The meeting is recorded as held."),
    )


@login_required
@require_POST
def meeting_opinion(request, pk):
    return _post(
        request,
        pk,
        "opinion",
        lambda meeting, data: services.meeting_issue_opinion(
            actor=request.user,
            meeting=meeting,
            project=data["project"],
            text=data["text"],
            due=data["due"],
        ),
        _("Review opinion issued to the lead unit."),
    )


@login_required
@require_POST
def meeting_rate(request, pk):
    return _post(
        request,
        pk,
        "rating",
        lambda meeting, data: services.meeting_rate_project(
            actor=request.user,
            meeting=meeting,
            project=data["project"],
            rate=data["rate"],
            mean_score=data["mean_score"],
        ),
        _("Mid-year rating recorded."),
    )


@login_required
@require_POST
def meeting_session(request, pk):
    return _post(
        request,
        pk,
        "session",
        lambda meeting, data: services.meeting_link_rating_session(
            actor=request.user, meeting=meeting, session=data["session"]
        ),
        _("The meeting's satisfaction vote is set."),
    )
