"""Reads of the supervision year: meetings, inspections, review opinions, changes, phases,
ratings and appraisal sheets, scoped to the user's jurisdictions (404 outside them)."""

import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import Jurisdiction, Opinion, OpinionCheck, Project
from core.models.appraisal import AccountabilityFollowUp, AppraisalSheet
from core.models.changes import ChangeStatus, ProjectChange, ProjectPhase
from core.models.inspections import Inspection, InspectionPhoto, InspectionSubject
from core.models.meetings import AgendaItem, Meeting, MeetingStatus, ProjectRating, RatingPurpose
from permissions.checks import can_read_appraisal
from permissions.roles import Step, perm
from permissions.scope import jurisdiction_q

from .calendar import ScheduledItem, as_date

# Rows of the supervision year with a `project` and a history, merged into the case's
# timeline (review opinions and their answers are `Opinion` rows, already there).
TIMELINE_SOURCES = (
    AgendaItem,
    InspectionSubject,
    ProjectChange,
    ProjectPhase,
    ProjectRating,
    AccountabilityFollowUp,
)


# -- meetings --------------------------------------------------------------------------
def meetings_for_user(user):
    return Meeting.objects.filter(jurisdiction_q(user)).select_related("jurisdiction")


def meeting_for_user(user, pk: int) -> Meeting:
    meeting = (
        meetings_for_user(user)
        .prefetch_related(
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related(
                    "project", "project__lead_unit", "report"
                ),
            ),
            "attendees",
            Prefetch("ratings", queryset=ProjectRating.objects.select_related("project")),
            Prefetch(
                "opinions",
                queryset=Opinion.objects.select_related("project", "addressee", "answered_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


# -- inspections -----------------------------------------------------------------------
def inspections_for_user(user):
    return (
        Inspection.objects.filter(jurisdiction_q(user))
        .select_related("jurisdiction")
        .prefetch_related(
            Prefetch("subjects", queryset=InspectionSubject.objects.select_related("project"))
        )
    )


def inspection_for_user(user, pk: int) -> Inspection:
    inspection = (
        inspections_for_user(user)
        .prefetch_related(
            "deputies",
            "photos",
            Prefetch(
                "opinions",
                queryset=Opinion.objects.select_related("project", "addressee", "answered_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise Http404
    return inspection


def photo_for_user(user, pk: int) -> InspectionPhoto:
    photo = (
        InspectionPhoto.objects.filter(jurisdiction_q(user, "inspection__jurisdiction"))
        .select_related("inspection")
        .filter(pk=pk)
        .first()
    )
    if photo is None:
        raise Http404
    return photo


# -- review opinions -------------------------------------------------------------------
def review_opinions():
    return Opinion.objects.filter(addressee__isnull=False)


OPINION_FILTERS = {
    "open": Q(answered_at__isnull=True),
    "overdue": Q(answered_at__isnull=True, overdue_at__isnull=False),
    "to_check": Q(answered_at__isnull=False) & ~Q(check_result=OpinionCheck.ACCEPTED),
    "done": Q(check_result=OpinionCheck.ACCEPTED),
}


def review_opinions_for_user(user, state: str | None = None):
    qs = (
        review_opinions()
        .filter(jurisdiction_q(user, "project__jurisdiction"))
        .select_related("project", "project__jurisdiction", "addressee", "meeting", "inspection")
        .order_by("due", "pk")
    )
    if state in OPINION_FILTERS:
        qs = qs.filter(OPINION_FILTERS[state])
    return qs


def answerable_office_ids(user) -> set[int]:
    """The offices whose review opinions this user answers (one query for a whole list;
    the same granted step as `can_answer_review_opinion`)."""
    from guardian.shortcuts import get_objects_for_user

    from core.models import Office

    if not user.is_authenticated or not user.is_active:
        return set()
    offices = get_objects_for_user(
        user, perm(Step.ANSWER_OPINIONS), klass=Office, accept_global_perms=False
    )
    return set(offices.values_list("pk", flat=True))


def review_opinion_for_user(user, pk: int) -> Opinion:
    opinion = review_opinions_for_user(user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return opinion


def opinions_due_for_reminder(today=None) -> list[int]:
    today = as_date(today)
    qs = review_opinions().filter(
        answered_at__isnull=True, reminded_at__isnull=True, remind_on__lte=today, due__gt=today
    )
    return list(qs.order_by("pk").values_list("pk", flat=True))


def opinions_due_for_escalation(today=None) -> list[int]:
    today = as_date(today)
    qs = review_opinions().filter(answered_at__isnull=True, overdue_at__isnull=True, due__lte=today)
    return list(qs.order_by("pk").values_list("pk", flat=True))


# -- changes, phases, ratings ----------------------------------------------------------
def changes_for_user(user):
    """Changes of the cases the user reads (proposed, decided or refused)."""
    return ProjectChange.objects.filter(
        jurisdiction_q(user, "project__jurisdiction")
    ).select_related("project", "project__jurisdiction", "replacement")


def change_for_user(user, pk: int) -> ProjectChange:
    change = changes_for_user(user).filter(pk=pk).first()
    if change is None:
        raise Http404
    return change


def current_phase(project: Project, on: datetime.date | None = None) -> ProjectPhase | None:
    return project.phases.filter(year=as_date(on).year).first()


def replacement_candidates(project: Project):
    from core.services.changes import ENDED_FOR_REPLACEMENT

    return (
        Project.objects.filter(jurisdiction=project.jurisdiction)
        .exclude(pk=project.pk)
        .exclude(stage__in=ENDED_FOR_REPLACEMENT)
        .order_by("-year", "title")
    )


def case_oversight(project: Project, panels=None, review_opinions_read=None) -> dict:
    """What the case page shows of the supervision year. `panels`: which of the case's
    lists have rows (core.selectors.case_panels), to read only those;
    `review_opinions_read`: the case's review opinions when already read."""

    def rows(panel, queryset) -> list:
        return [] if panels is not None and not panels[panel] else list(queryset)

    phases = rows("phases", project.phases.order_by("number"))
    ratings = rows(
        "ratings", project.ratings.select_related("meeting").order_by("year", "rated_on")
    )
    if phases:
        reports = list(project.reports.order_by("year", "quarter", "pk"))
        for phase in phases:
            phase.reports = [r for r in reports if r.year == phase.year]
            phase.ratings = [r for r in ratings if r.year == phase.year]
    return {
        "agenda": rows(
            "agenda",
            AgendaItem.objects.filter(project=project)
            .select_related("meeting", "report")
            .order_by("meeting__scheduled_on", "pk"),
        ),
        "inspections": rows(
            "inspections",
            Inspection.objects.filter(subjects__project=project)
            .prefetch_related("photos", "deputies")
            .order_by("held_on", "pk"),
        ),
        "opinions": review_opinions_read
        if review_opinions_read is not None
        else rows(
            "opinions",
            review_opinions()
            .filter(project=project)
            .select_related("meeting", "inspection", "addressee", "answered_by", "checked_by")
            .order_by("created", "pk"),
        ),
        "changes": rows(
            "changes",
            project.changes.select_related("replacement", "proposed_by", "decided_by").order_by(
                "proposed_at", "pk"
            ),
        ),
        "phases": phases,
        "ratings": ratings,
        "follow_ups": rows(
            "follow_ups", project.accountability_follow_ups.order_by("decided_on", "pk")
        ),
    }


def board_oversight(projects: list) -> None:
    """Attach to each board project its approved changes and ratings during the year
    (two queries for the whole board)."""
    ids = [p.pk for p in projects]
    changes, ratings = {}, {}
    for change in (
        ProjectChange.objects.filter(project_id__in=ids, status=ChangeStatus.APPROVED)
        .select_related("replacement")
        .order_by("decided_on", "pk")
    ):
        changes.setdefault(change.project_id, []).append(change)
    for rating in ProjectRating.objects.filter(project_id__in=ids).order_by("year", "rated_on"):
        ratings.setdefault(rating.project_id, []).append(rating)
    for project in projects:
        project.public_changes = changes.get(project.pk, [])
        project.public_ratings = ratings.get(project.pk, [])
        project.mid_year_ratings = [
            r for r in project.public_ratings if r.purpose == RatingPurpose.MID_YEAR
        ]
        project.unfinished_ratings = [r for r in project.public_ratings if r.unfinished]


# -- appraisal -------------------------------------------------------------------------
def appraisal_sheets_for_user(user):
    readable = [
        j.pk
        for j in Jurisdiction.objects.filter(jurisdiction_q(user, field=None))
        if can_read_appraisal(user, j)
    ]
    return AppraisalSheet.objects.filter(jurisdiction_id__in=readable).select_related(
        "jurisdiction", "office", "issued_by", "received_by"
    )


def appraisal_sheet_for_user(user, pk: int) -> AppraisalSheet:
    sheet = appraisal_sheets_for_user(user).filter(pk=pk).first()
    if sheet is None:
        raise Http404
    return sheet


# -- the calendar ----------------------------------------------------------------------
def scheduled_oversight(jurisdiction: Jurisdiction, today=None) -> list[ScheduledItem]:
    """Planned meetings and review opinions' reminders and escalations, for the calendar
    page of a jurisdiction."""
    today = as_date(today)
    items = []
    for meeting in Meeting.objects.filter(
        jurisdiction=jurisdiction, status=MeetingStatus.PLANNED, scheduled_on__gte=today
    ).order_by("scheduled_on"):
        items.append(ScheduledItem(meeting.scheduled_on, meeting.title, meeting.get_kind_display()))
    opinions = (
        review_opinions()
        .filter(project__jurisdiction=jurisdiction, answered_at__isnull=True)
        .select_related("project", "addressee")
        .order_by("due", "pk")
    )
    for opinion in opinions:
        label = {"project": opinion.project.title, "due": opinion.due, "unit": opinion.addressee}
        if opinion.reminded_at is None and opinion.remind_on > today:
            items.append(
                ScheduledItem(
                    opinion.remind_on,
                    _("Reminder: review opinion to %(unit)s") % label,
                    _("%(project)s · due %(due)s") % label,
                    opinion.project_id,
                )
            )
        if opinion.overdue_at is None:
            items.append(
                ScheduledItem(
                    max(opinion.due, today),
                    _("Overdue escalation: review opinion to %(unit)s") % label,
                    _("%(project)s · due %(due)s") % label,
                    opinion.project_id,
                )
            )
    return items
