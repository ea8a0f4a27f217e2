"""Supervision meetings: planned with an agenda built from the projects' latest reports,
held with attendance, minutes and who spoke, issuing review opinions, and (at mid-year)
rating the projects heard.

Which meetings a jurisdiction holds follows the practice: a county holds its mid-year
meeting (年中会议) in July or August; a township its two extra quarterly meetings
(季会制) and possibly a mid-year meeting; a street's residents' council meets at mid-year
and at year end. A meeting is held only with more than half of the deputies present.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages
from core import oversight_messages as om
from core.models import Deputy, Jurisdiction, Level, Opinion, Project, Stage
from core.models.meetings import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ProjectRating,
    RatingPurpose,
    RatingScale,
)
from core.models.voting import SessionKind, VotingSession
from core.selectors.calendar import as_date, calendar_settings_for
from core.voting import SatisfactionRules
from permissions.checks import can_manage_meetings

from .audit import audit_record
from .history import create_with_reason, save_with_reason
from .review_opinions import review_opinion_issue

KINDS_BY_LEVEL = {
    Level.CITY: (MeetingKind.MID_YEAR,),
    Level.COUNTY: (MeetingKind.MID_YEAR,),
    Level.TOWNSHIP: (MeetingKind.QUARTERLY, MeetingKind.MID_YEAR),
    Level.STREET: (MeetingKind.COUNCIL_MID_YEAR, MeetingKind.COUNCIL_YEAR_END),
}
QUARTERLY_MEETINGS_A_YEAR = 2
# A meeting hears the projects under way, and at year end those finished in the year.
HEARD_STAGES = (
    Stage.PLANNING,
    Stage.IMPLEMENTING,
    Stage.ACCEPTANCE,
    Stage.EVALUATION,
    Stage.ACCOUNTABILITY,
    Stage.CLOSED,
)
RATED_DURING_YEAR = (Stage.PLANNING, Stage.IMPLEMENTING, Stage.ACCEPTANCE)
MAX_TEXT = 20_000


def _require_manager(actor, jurisdiction) -> None:
    if not can_manage_meetings(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)


def lock_jurisdiction(jurisdiction: Jurisdiction) -> Jurisdiction:
    """Serialise the writes that count a jurisdiction's rows before adding one (the
    quarterly meetings of a year, the appraisal sheets of a year)."""
    return Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)


def active_deputies(jurisdiction: Jurisdiction):
    return Deputy.objects.filter(jurisdiction=jurisdiction, active=True)


def projects_heard(jurisdiction: Jurisdiction, year: int):
    """The projects a meeting of the year hears: the year's elected projects, and the
    projects of earlier years carried into this year by a phase."""
    return (
        Project.objects.filter(jurisdiction=jurisdiction, stage__in=HEARD_STAGES, elected=True)
        .filter(Q(year=year) | Q(phases__year=year))
        .distinct()
        .order_by("category__order", "vote_rank", "title", "pk")
    )


def _check_plan(jurisdiction, kind, year, title, scheduled_on, exclude=None) -> dict:
    errors = {}
    if kind not in KINDS_BY_LEVEL.get(jurisdiction.level, ()):
        errors["kind"] = om.MEETING_KIND_NOT_FOR_LEVEL % {"level": Level(jurisdiction.level).label}
    if not (title or "").strip():
        errors["title"] = om.MEETING_TITLE_REQUIRED
    if scheduled_on.year != year:
        errors["scheduled_on"] = om.MEETING_DATE_OUTSIDE_YEAR
    elif kind in (MeetingKind.MID_YEAR, MeetingKind.COUNCIL_MID_YEAR):
        if scheduled_on.month not in (7, 8):
            errors["scheduled_on"] = om.MEETING_MID_YEAR_MONTHS
    elif kind == MeetingKind.COUNCIL_YEAR_END and scheduled_on.month not in (11, 12):
        errors["scheduled_on"] = om.MEETING_YEAR_END_MONTHS
    if kind == MeetingKind.QUARTERLY:
        planned = Meeting.objects.filter(
            jurisdiction=jurisdiction, year=year, kind=MeetingKind.QUARTERLY
        ).exclude(pk=getattr(exclude, "pk", None))
        if planned.count() >= QUARTERLY_MEETINGS_A_YEAR:
            errors["kind"] = om.MEETING_QUARTERLY_LIMIT
    return errors


@transaction.atomic
def meeting_plan(
    *,
    actor,
    jurisdiction: Jurisdiction,
    kind: str,
    title: str,
    scheduled_on: datetime.date,
    venue: str = "",
    today=None,
) -> Meeting:
    """Plan a meeting; its agenda is every project heard that year, each with its latest
    report. A mid-year meeting planned ahead also moves the calendar's mid-year date, so
    that the half-year report is due the day before it."""
    _require_manager(actor, jurisdiction)
    lock_jurisdiction(jurisdiction)
    year = scheduled_on.year
    errors = _check_plan(jurisdiction, kind, year, title, scheduled_on)
    projects = list(projects_heard(jurisdiction, year).prefetch_related("reports"))
    if not projects and not errors:
        errors["kind"] = om.MEETING_NO_PROJECTS
    if errors:
        raise ValidationError(errors)
    meeting = create_with_reason(
        Meeting,
        actor=actor,
        why=_("Meeting planned for %(date)s") % {"date": scheduled_on.isoformat()},
        jurisdiction=jurisdiction,
        year=year,
        kind=kind,
        title=title.strip(),
        scheduled_on=scheduled_on,
        venue=venue.strip(),
        deputies_total=active_deputies(jurisdiction).count(),
        created_by=actor,
    )
    for order, project in enumerate(projects, start=1):
        reports = sorted(project.reports.all(), key=lambda r: (r.year, r.quarter, r.pk))
        create_with_reason(
            AgendaItem,
            actor=actor,
            why=_("On the agenda of “%(meeting)s” (%(date)s)")
            % {"meeting": meeting.title, "date": scheduled_on.isoformat()},
            meeting=meeting,
            project=project,
            report=reports[-1] if reports else None,
            order=order,
        )
    if kind == MeetingKind.MID_YEAR and scheduled_on >= as_date(today):
        cal = calendar_settings_for(jurisdiction)
        cal.mid_year_meeting = scheduled_on
        save_with_reason(cal, actor=actor, reason=_("Mid-year meeting planned"))
        from .calendar import deadlines_recompute

        deadlines_recompute(jurisdiction=jurisdiction, cal=cal)
    audit_record(
        actor=actor,
        action="meeting.plan",
        jurisdiction=jurisdiction,
        target=meeting,
        summary=_("%(kind)s “%(title)s” planned for %(date)s with %(n)d projects")
        % {
            "kind": MeetingKind(kind).label,
            "title": meeting.title,
            "date": scheduled_on.isoformat(),
            "n": len(projects),
        },
        data={"kind": kind, "date": scheduled_on, "projects": [p.pk for p in projects]},
    )
    return meeting


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_record_held(
    *,
    actor,
    meeting: Meeting,
    held_on: datetime.date,
    present,
    minutes: str,
    speakers: str = "",
    today=None,
) -> Meeting:
    """Record that the meeting was held: who was present (more than half of the
    deputies), who spoke, the minutes. Every agenda item is then heard."""
    _require_manager(actor, meeting.jurisdiction)
    meeting = _lock(meeting)
    if meeting.is_held:
        raise ValidationError({"held_on": om.MEETING_ALREADY_HELD})
    present = list(present)
    errors = {}
    if held_on > as_date(today):
        errors["held_on"] = om.MEETING_HELD_IN_FUTURE
    elif held_on.year != meeting.year:
        errors["held_on"] = om.MEETING_DATE_OUTSIDE_YEAR
    if any(d.jurisdiction_id != meeting.jurisdiction_id or not d.active for d in present):
        errors["present"] = om.MEETING_ATTENDEE_OUTSIDE
    total = active_deputies(meeting.jurisdiction).count()
    if "present" not in errors and 2 * len(present) <= total:
        errors["present"] = om.MEETING_NO_QUORUM % {"present": len(present), "total": total}
    minutes = (minutes or "").strip()
    if not minutes:
        errors["minutes"] = om.MEETING_MINUTES_REQUIRED
    elif len(minutes) > MAX_TEXT or len(speakers or "") > MAX_TEXT:
        errors["minutes"] = om.OPINION_TEXT_TOO_LONG % {"limit": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    meeting.status = MeetingStatus.HELD
    meeting.held_on = held_on
    meeting.deputies_total = total
    meeting.minutes = minutes
    meeting.speakers = (speakers or "").strip()
    save_with_reason(
        meeting,
        actor=actor,
        reason=_("Held on %(date)s, %(present)d of %(total)d deputies present")
        % {"date": held_on.isoformat(), "present": len(present), "total": total},
    )
    meeting.attendees.set(present)
    for item in meeting.agenda.select_related("project"):
        item.heard = True
        save_with_reason(
            item,
            actor=actor,
            reason=_("Heard at “%(meeting)s” on %(date)s")
            % {"meeting": meeting.title, "date": held_on.isoformat()},
        )
    audit_record(
        actor=actor,
        action="meeting.hold",
        jurisdiction=meeting.jurisdiction,
        target=meeting,
        summary=_("“%(title)s” held on %(date)s, %(present)d of %(total)d present")
        % {
            "title": meeting.title,
            "date": held_on.isoformat(),
            "present": len(present),
            "total": total,
        },
        data={"held_on": held_on, "present": sorted(d.pk for d in present), "total": total},
    )
    return meeting


def _agenda_project(meeting: Meeting, project: Project) -> Project:
    if not meeting.agenda.filter(project=project).exists():
        raise ValidationError({"project": om.PROJECT_NOT_ON_AGENDA})
    return project


@transaction.atomic
def meeting_issue_opinion(
    *, actor, meeting: Meeting, project: Project, text: str, due: datetime.date | None
) -> Opinion:
    """A review opinion of the meeting on one project heard, to its lead unit."""
    _require_manager(actor, meeting.jurisdiction)
    meeting = _lock(meeting)
    if not meeting.is_held:
        raise ValidationError({"text": om.MEETING_NOT_HELD})
    _agenda_project(meeting, project)
    return review_opinion_issue(
        actor=actor,
        project=project,
        text=text,
        due=due,
        issued_on=meeting.held_on,
        meeting=meeting,
    )


def check_figure(rate, mean_score) -> dict:
    if rate is None and mean_score is None:
        return {"rate": om.RATING_FIGURE_REQUIRED}
    for value in (rate, mean_score):
        if value is not None and not (0 <= Decimal(str(value)) <= 100):
            return {"rate": om.RATING_OUT_OF_RANGE}
    return {}


def rating_band(rate, mean_score) -> str:
    value = rate if rate is not None else mean_score
    return SatisfactionRules().band(Decimal(str(value)))


@transaction.atomic
def meeting_rate_project(
    *,
    actor,
    meeting: Meeting,
    project: Project,
    rate=None,
    mean_score=None,
    session: VotingSession | None = None,
) -> ProjectRating:
    """The mid-year rating of a project under way, by the deputies at a mid-year meeting
    (the count of their secret ballot, entered here or by the meeting's satisfaction
    vote). It shows on the case and the board as a mid-year rating; the case's year-end
    band is never touched."""
    if session is None:
        _require_manager(actor, meeting.jurisdiction)
    meeting = _lock(meeting)
    if not meeting.rates_projects:
        raise ValidationError({"rate": om.MEETING_DOES_NOT_RATE})
    if not meeting.is_held:
        raise ValidationError({"rate": om.MEETING_NOT_HELD})
    _agenda_project(meeting, project)
    errors = check_figure(rate, mean_score)
    if project.stage not in RATED_DURING_YEAR:
        errors.setdefault("project", om.RATING_PROJECT_NOT_IMPLEMENTING)
    if ProjectRating.objects.filter(
        project=project, year=meeting.year, purpose=RatingPurpose.MID_YEAR
    ).exists():
        errors.setdefault("project", om.RATING_ALREADY_RECORDED % {"year": meeting.year})
    if errors:
        raise ValidationError(errors)
    return _mid_year_rating_create(
        actor=actor,
        project=project,
        year=meeting.year,
        rated_on=meeting.held_on,
        meeting=meeting,
        session=session,
        rate=rate,
        mean_score=mean_score,
    )


def _mid_year_rating_create(
    *, actor, project, year, rated_on, meeting=None, session=None, rate=None, mean_score=None
) -> ProjectRating:
    source = meeting.title if meeting is not None else session.title
    rating = create_with_reason(
        ProjectRating,
        actor=actor,
        why=_("Mid-year rating at “%(meeting)s”") % {"meeting": source},
        project=project,
        year=year,
        purpose=RatingPurpose.MID_YEAR,
        scale=RatingScale.THREE_LEVEL if rate is not None else RatingScale.SCORE_100,
        meeting=meeting,
        session=session,
        rate=rate,
        mean_score=mean_score,
        band=rating_band(rate, mean_score),
        rated_on=rated_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="rating.mid_year",
        jurisdiction=project.jurisdiction,
        target=rating,
        summary=_("Mid-year rating of “%(project)s”: %(figure)s")
        % {"project": project.title, "figure": rating.figure},
        data={
            "project": project.pk,
            "meeting": getattr(meeting, "pk", None),
            "session": getattr(session, "pk", None),
            "rate": rate,
            "mean_score": mean_score,
        },
    )
    return rating


def mid_year_ratings_from_session(*, actor, session: VotingSession, rows) -> list[ProjectRating]:
    """Store an announced mid-year satisfaction vote as the projects' mid-year ratings.

    Called by the voting session's announcement, inside its transaction, for a session
    whose purpose is the mid-year rating; `rows` are (project, rate, mean_score) from the
    counting engine. The rating is linked to the meeting that named the session, if any.
    A project already rated at mid-year this year keeps its rating (idempotent). The
    case's year-end band is never touched, and the case does not move.
    """
    meeting = session.meetings.order_by("pk").first()
    rated_on = timezone.localdate()
    if meeting is not None and meeting.held_on is not None:
        rated_on = meeting.held_on
    ratings = []
    for project, rate, mean_score in rows:
        if rate is None and mean_score is None:
            continue
        if ProjectRating.objects.filter(
            project=project, year=session.year, purpose=RatingPurpose.MID_YEAR
        ).exists():
            continue
        ratings.append(
            _mid_year_rating_create(
                actor=actor,
                project=project,
                year=session.year,
                rated_on=rated_on,
                meeting=meeting,
                session=session,
                rate=rate,
                mean_score=mean_score,
            )
        )
    return ratings


@transaction.atomic
def meeting_link_rating_session(*, actor, meeting: Meeting, session: VotingSession) -> Meeting:
    """Name the satisfaction vote by which the meeting's deputies rate the projects."""
    _require_manager(actor, meeting.jurisdiction)
    meeting = _lock(meeting)
    if not meeting.rates_projects:
        raise ValidationError({"session": om.MEETING_DOES_NOT_RATE})
    if (
        session.kind != SessionKind.SATISFACTION
        or session.purpose != RatingPurpose.MID_YEAR
        or session.jurisdiction_id != meeting.jurisdiction_id
        or session.year != meeting.year
    ):
        raise ValidationError({"session": om.SESSION_NOT_FOR_MEETING})
    meeting.rating_session = session
    save_with_reason(
        meeting, actor=actor, reason=_("Rated by “%(session)s”") % {"session": session.title}
    )
    audit_record(
        actor=actor,
        action="meeting.rating_session",
        jurisdiction=meeting.jurisdiction,
        target=meeting,
        summary=_("“%(meeting)s” rates the projects by “%(session)s”")
        % {"meeting": meeting.title, "session": session.title},
        data={"session": session.pk},
    )
    return meeting
