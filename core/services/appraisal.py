"""What the results lead to: the year-end rating of an unfinished project, the lead units'
appraisal sheets for the Party committee office, and the follow-up of an accountability
hearing (a formal inquiry 质询 or a special investigation).

The appraisal rule (DESIGN.md, "Consequences"): a project completed on time and rated in
the commended band (≥ 85 %) earns the lead unit commendation points; a project in the
accountability band (< 60 %) lowers the unit's grade, which then cannot be "excellent";
a unit may be rated excellent only when every project was completed on time and
commended. A stopped project is listed but not counted.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages
from core import oversight_messages as om
from core.models import AccountabilityRecord, Band, Jurisdiction, Project, Stage
from core.models.appraisal import (
    AccountabilityFollowUp,
    AppraisalGrade,
    AppraisalSheet,
    FollowUpKind,
)
from core.models.calendar import NotificationKind
from core.models.meetings import ProjectRating, RatingPurpose, RatingScale
from core.selectors.calendar import as_date, role_users
from permissions.checks import (
    can_issue_appraisal,
    can_receive_appraisal,
    can_record_follow_up,
    can_record_satisfaction,
)
from permissions.roles import Role

from .audit import audit_record
from .history import create_with_reason, save_with_reason
from .meetings import RATED_DURING_YEAR, check_figure, lock_jurisdiction, rating_band
from .notifications import notify

COMMENDATION_POINTS = 2
RATED_BANDS = (Band.COMMEND, Band.NORMAL, Band.ACCOUNTABILITY)


# -- the year-end rating of a project not finished -------------------------------------
@transaction.atomic
def rating_record_unfinished(
    *,
    actor,
    project: Project,
    year: int,
    rated_on: datetime.date,
    rate=None,
    mean_score=None,
    today=None,
) -> ProjectRating:
    """The deputies' year-end rating of a project not finished by year end (or of one
    year's phase of a multi-year project). It is marked unfinished wherever it shows; the
    case goes on and gets its own year-end band when it is accepted and rated."""
    if not can_record_satisfaction(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    errors = check_figure(rate, mean_score)
    if not project.elected or project.stage not in RATED_DURING_YEAR:
        errors["project"] = om.RATING_PROJECT_FINISHED
    if rated_on > as_date(today):
        errors["rated_on"] = om.RATING_DATE_IN_FUTURE
    if ProjectRating.objects.filter(
        project=project, year=year, purpose=RatingPurpose.YEAR_END
    ).exists():
        errors.setdefault("project", om.RATING_ALREADY_RECORDED % {"year": year})
    if errors:
        raise ValidationError(errors)
    rating = create_with_reason(
        ProjectRating,
        actor=actor,
        why=_("Year-end rating %(year)s, project not finished") % {"year": year},
        project=project,
        year=year,
        purpose=RatingPurpose.YEAR_END,
        scale=RatingScale.THREE_LEVEL if rate is not None else RatingScale.SCORE_100,
        unfinished=True,
        rate=rate,
        mean_score=mean_score,
        band=rating_band(rate, mean_score),
        rated_on=rated_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="rating.unfinished",
        jurisdiction=project.jurisdiction,
        target=rating,
        summary=_("Year-end rating %(year)s of unfinished “%(project)s”: %(figure)s")
        % {"year": year, "project": project.title, "figure": rating.figure},
        data={"project": project.pk, "year": year, "rate": rate, "mean_score": mean_score},
    )
    return rating


# -- appraisal sheets ------------------------------------------------------------------
@dataclass
class UnitYear:
    office: object
    rows: list = field(default_factory=list)

    def add(self, row: dict) -> None:
        self.rows.append(row)

    @property
    def counted(self) -> list:
        return [r for r in self.rows if not r["stopped"]]

    def figures(self) -> dict:
        counted = self.counted
        on_time = sum(1 for r in counted if r["on_time"])
        commended = sum(1 for r in counted if r["band"] == Band.COMMEND)
        accountability = sum(1 for r in counted if r["band"] == Band.ACCOUNTABILITY)
        points = COMMENDATION_POINTS * sum(
            1 for r in counted if r["on_time"] and r["band"] == Band.COMMEND
        )
        if accountability:
            grade = AppraisalGrade.LOWERED
        elif counted and on_time == len(counted) and commended == len(counted):
            grade = AppraisalGrade.EXCELLENT_ELIGIBLE
        else:
            grade = AppraisalGrade.NORMAL
        return {
            "projects_total": len(self.rows),
            "completed_on_time": on_time,
            "commended": commended,
            "accountability": accountability,
            "unfinished": sum(1 for r in counted if r["unfinished"]),
            "points": points,
            "grade": grade,
        }


def _row(project: Project, year: int, ratings: dict) -> dict:
    phase = next((p for p in project.phases.all() if p.year == year), None)
    deadline = phase.deadline if phase and phase.deadline else project.deadline
    accepted = project.accepted_at is not None and project.year <= year
    on_time = bool(
        accepted and deadline and timezone.localtime(project.accepted_at).date() <= deadline
    )
    rating = ratings.get(project.pk)
    if rating is not None:  # the year's rating of a project not finished that year
        band, figure, unfinished = rating.band, rating.figure, rating.unfinished
    elif project.band in RATED_BANDS:
        band, unfinished = project.band, False
        figure = project.satisfaction_rate
        if figure is None:
            figure = project.satisfaction_mean
    else:
        band, figure, unfinished = "", None, not accepted
    return {
        "project": project.pk,
        "title": project.title,
        "deadline": deadline.isoformat() if deadline else None,
        "on_time": on_time,
        "band": band,
        "figure": str(figure) if figure is not None else None,
        "unfinished": unfinished,
        "stopped": project.stage == Stage.STOPPED,
        "phase": phase.number if phase else None,
    }


def appraisal_rows(jurisdiction: Jurisdiction, year: int) -> tuple[dict, list]:
    """Per lead unit, the year's rows; and the titles of projects not rated yet."""
    projects = (
        Project.objects.filter(jurisdiction=jurisdiction, elected=True, lead_unit__isnull=False)
        .filter(Q(year=year) | Q(phases__year=year))
        .distinct()
        .select_related("lead_unit")
        .prefetch_related("phases")
        .order_by("lead_unit__name", "title", "pk")
    )
    ratings = {
        r.project_id: r
        for r in ProjectRating.objects.filter(
            project__jurisdiction=jurisdiction, year=year, purpose=RatingPurpose.YEAR_END
        )
    }
    units: dict[int, UnitYear] = {}
    unrated = []
    for project in projects:
        row = _row(project, year, ratings)
        if not row["band"] and not row["stopped"]:
            unrated.append(project.title)
        units.setdefault(project.lead_unit_id, UnitYear(project.lead_unit)).add(row)
    return units, unrated


@transaction.atomic
def appraisal_issue(*, actor, jurisdiction: Jurisdiction, year: int) -> list[AppraisalSheet]:
    """Issue (or issue again) every lead unit's appraisal sheet of the year to the Party
    committee office. Refused while a project of the year is not rated."""
    if not can_issue_appraisal(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    lock_jurisdiction(jurisdiction)
    units, unrated = appraisal_rows(jurisdiction, year)
    if not units:
        raise ValidationError({"year": om.APPRAISAL_NOTHING_TO_APPRAISE % {"year": year}})
    if unrated:
        raise ValidationError(
            {"year": om.APPRAISAL_YEAR_NOT_RATED % {"year": year, "titles": "、".join(unrated)}}
        )
    sheets = []
    for unit in units.values():
        figures = unit.figures()
        sheet = (
            AppraisalSheet.objects.select_for_update()
            .filter(jurisdiction=jurisdiction, year=year, office=unit.office)
            .first()
        )
        if sheet is None:
            sheet = AppraisalSheet(jurisdiction=jurisdiction, year=year, office=unit.office)
        for name, value in figures.items():
            setattr(sheet, name, value)
        sheet.rows = unit.rows
        sheet.issued_by, sheet.issued_at = actor, timezone.now()
        sheet.received_by, sheet.received_at = None, None
        save_with_reason(
            sheet,
            actor=actor,
            reason=_("Appraisal sheet %(year)s issued") % {"year": year},
        )
        audit_record(
            actor=actor,
            action="appraisal.issue",
            jurisdiction=jurisdiction,
            target=sheet,
            summary=_("Appraisal sheet %(year)s of %(unit)s: %(grade)s, %(points)d points")
            % {
                "year": year,
                "unit": unit.office.name,
                "grade": AppraisalGrade(figures["grade"]).label,
                "points": figures["points"],
            },
            data={**figures, "rows": unit.rows},
        )
        sheets.append(sheet)
    notify(
        event_key=f"appraisal:{jurisdiction.pk}:{year}:{sheets[0].issued_at.isoformat()}",
        recipients=role_users(jurisdiction.pk, Role.PARTY_OFFICE),
        kind=NotificationKind.STEP_OPENED,
        params={
            "step": str(_("Receive the appraisal sheets")),
            "project": _("%(name)s %(year)s lead units' appraisal")
            % {"name": jurisdiction.name, "year": year},
            "due": "—",
        },
        url=reverse("oversight:appraisal"),
    )
    return sheets


@transaction.atomic
def appraisal_receive(*, actor, sheet: AppraisalSheet) -> AppraisalSheet:
    """The Party committee office acknowledges an appraisal sheet."""
    if not can_receive_appraisal(actor, sheet.jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    sheet = AppraisalSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.received_at is not None:
        raise ValidationError({"sheet": om.APPRAISAL_ALREADY_RECEIVED})
    sheet.received_by, sheet.received_at = actor, timezone.now()
    save_with_reason(sheet, actor=actor, reason=_("Received by the Party committee office"))
    audit_record(
        actor=actor,
        action="appraisal.receive",
        jurisdiction=sheet.jurisdiction,
        target=sheet,
        summary=_("Appraisal sheet %(year)s of %(unit)s received")
        % {"year": sheet.year, "unit": sheet.office.name},
        data={"year": sheet.year, "office": sheet.office_id},
    )
    return sheet


# -- after the accountability hearing --------------------------------------------------
@transaction.atomic
def follow_up_record(
    *,
    actor,
    project: Project,
    kind: str,
    decided_on: datetime.date,
    reason: str,
    proposers: str = "",
    today=None,
) -> AccountabilityFollowUp:
    """The hearing led to a formal inquiry (质询) or a special investigation."""
    if not can_record_follow_up(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    kind = FollowUpKind(kind)
    errors = {}
    hearing = AccountabilityRecord.objects.filter(project=project).first()
    if hearing is None:
        errors["kind"] = om.FOLLOW_UP_NEEDS_HEARING
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = om.FOLLOW_UP_REASON_REQUIRED
    if decided_on > as_date(today):
        errors["decided_on"] = om.FOLLOW_UP_DATE_IN_FUTURE
    if errors:
        raise ValidationError(errors)
    follow_up = create_with_reason(
        AccountabilityFollowUp,
        actor=actor,
        why=_("%(kind)s decided on %(date)s: %(reason)s")
        % {"kind": kind.label, "date": decided_on.isoformat(), "reason": reason},
        project=project,
        kind=kind,
        decided_on=decided_on,
        reason=reason,
        proposers=(proposers or "").strip()[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="accountability.follow_up",
        jurisdiction=project.jurisdiction,
        target=follow_up,
        summary=_("%(kind)s on “%(project)s” decided on %(date)s")
        % {"kind": kind.label, "project": project.title, "date": decided_on.isoformat()},
        data={"project": project.pk, "kind": kind.value, "decided_on": decided_on},
    )
    return follow_up
