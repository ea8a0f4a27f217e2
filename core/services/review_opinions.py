"""Review opinions (审议意见) of meetings and inspections, and their follow-up ("回头看").

An opinion concerns one project and is addressed to its lead unit, which must answer it
by a date (one answer per opinion). The congress office then checks the answer: accepted,
or returned with a note and a new due date, after which the lead unit answers again.

Due dates follow the calendar's rules (core/services/calendar.py): the daily sweep
`calendar.deadline_sweep` also reminds the lead unit `reminder_lead_days` before an
opinion's due date and, on the due date, marks it overdue and tells the congress office
and the lead unit's head. Each reminder and escalation goes out once per due date.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_users_with_perms

from core import messages
from core import oversight_messages as om
from core.models import Opinion, OpinionCheck, Project
from core.models.calendar import NotificationKind
from core.selectors.calendar import as_date, calendar_settings_for, role_users
from permissions.checks import can_answer_review_opinion, can_check_opinions
from permissions.roles import Role, Step

from .audit import audit_record
from .history import create_with_reason, save_with_reason
from .notifications import notify

OPINION_MAX_CHARS = 2000


def _remind_on(project: Project, due: datetime.date) -> datetime.date:
    lead = calendar_settings_for(project.jurisdiction).reminder_lead_days
    return due - datetime.timedelta(days=lead)


def check_opinion_input(text: str, due, issued_on: datetime.date) -> dict:
    """Errors of one opinion's text and due date (empty when valid)."""
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = om.OPINION_TEXT_REQUIRED
    elif len(text) > OPINION_MAX_CHARS:
        errors["text"] = om.OPINION_TEXT_TOO_LONG % {"limit": OPINION_MAX_CHARS}
    if due is None:
        errors["due"] = om.OPINION_DUE_REQUIRED
    elif due < issued_on:
        errors["due"] = om.OPINION_DUE_IN_PAST
    return errors


def review_opinion_issue(
    *,
    actor,
    project: Project,
    text: str,
    due: datetime.date | None,
    issued_on: datetime.date,
    meeting=None,
    inspection=None,
) -> Opinion:
    """Write one review opinion; called by the meeting and inspection services inside
    their transaction, after their own permission check."""
    errors = check_opinion_input(text, due, issued_on)
    if project.lead_unit_id is None:
        errors["project"] = om.OPINION_NO_LEAD_UNIT
    if errors:
        raise ValidationError(errors)
    source = meeting or inspection
    opinion = create_with_reason(
        Opinion,
        actor=actor,
        why=_("Review opinion of “%(source)s”, to answer by %(due)s")
        % {"source": source, "due": due.isoformat()},
        project=project,
        text=text.strip(),
        author=actor,
        meeting=meeting,
        inspection=inspection,
        addressee=project.lead_unit,
        due=due,
        remind_on=_remind_on(project, due),
    )
    audit_record(
        actor=actor,
        action="opinion.issue",
        jurisdiction=project.jurisdiction,
        target=opinion,
        summary=_("Review opinion on “%(project)s” to %(unit)s, due %(due)s")
        % {"project": project.title, "unit": project.lead_unit.name, "due": due.isoformat()},
        data={
            "project": project.pk,
            "meeting": getattr(meeting, "pk", None),
            "inspection": getattr(inspection, "pk", None),
            "due": due,
        },
    )
    _tell_lead_unit(opinion, f"opinion-issued:{opinion.pk}")
    return opinion


def _tell_lead_unit(opinion: Opinion, event_key: str) -> None:
    """The lead unit's clerks are told an opinion waits for their answer (in-app now,
    e-mail and SMS after commit, once per event)."""
    notify(
        event_key=event_key,
        recipients=answering_users(opinion),
        kind=NotificationKind.STEP_OPENED,
        params=_params(opinion),
        url=reverse("oversight:answer", kwargs={"pk": opinion.pk}),
        project=opinion.project,
    )


def _lock(opinion: Opinion) -> Opinion:
    return (
        Opinion.objects.select_for_update(of=("self",))
        .select_related("project", "project__jurisdiction", "addressee")
        .get(pk=opinion.pk)
    )


@transaction.atomic
def review_opinion_answer(*, actor, opinion: Opinion, answer: str) -> Opinion:
    """The lead unit answers one review opinion (again, if the check returned it)."""
    if opinion.addressee_id is None:
        raise ValidationError({"answer": om.OPINION_NOT_REVIEW})
    if not can_answer_review_opinion(actor, opinion):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": om.OPINION_ANSWER_REQUIRED})
    if len(answer) > OPINION_MAX_CHARS:
        raise ValidationError({"answer": om.OPINION_TEXT_TOO_LONG % {"limit": OPINION_MAX_CHARS}})
    opinion = _lock(opinion)
    if opinion.answered_at is not None:
        raise ValidationError({"answer": om.OPINION_ALREADY_ANSWERED})
    opinion.answer = answer
    opinion.answered_by = actor
    opinion.answered_at = timezone.now()
    opinion.check_result = ""
    save_with_reason(opinion, actor=actor, reason=_("Review opinion answered"))
    audit_record(
        actor=actor,
        action="opinion.answer",
        jurisdiction=opinion.project.jurisdiction,
        target=opinion,
        summary=_("%(unit)s answered a review opinion on “%(project)s”")
        % {"unit": opinion.addressee.name, "project": opinion.project.title},
        data={"project": opinion.project_id, "late": opinion.overdue_at is not None},
    )
    return opinion


@transaction.atomic
def review_opinion_check(
    *,
    actor,
    opinion: Opinion,
    accepted: bool,
    note: str = "",
    new_due: datetime.date | None = None,
    today=None,
) -> Opinion:
    """The congress office looks back at an answer ("回头看"): accepts it, or returns it
    with a note and a new due date (the lead unit answers again)."""
    if opinion.addressee_id is None:
        raise ValidationError({"note": om.OPINION_NOT_REVIEW})
    if not can_check_opinions(actor, opinion.project.jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    today = as_date(today)
    note = (note or "").strip()
    if not accepted:
        errors = {}
        if not note:
            errors["note"] = om.OPINION_RETURN_NEEDS_NOTE
        if new_due is None:
            errors["new_due"] = om.OPINION_DUE_REQUIRED
        elif new_due < today:
            errors["new_due"] = om.OPINION_DUE_IN_PAST
        if errors:
            raise ValidationError(errors)
    opinion = _lock(opinion)
    if opinion.answered_at is None:
        raise ValidationError({"note": om.OPINION_NOT_ANSWERED})
    if opinion.check_result == OpinionCheck.ACCEPTED:
        raise ValidationError({"note": om.OPINION_ALREADY_CHECKED})
    opinion.check_note = note
    opinion.checked_by = actor
    opinion.checked_at = timezone.now()
    if accepted:
        opinion.check_result = OpinionCheck.ACCEPTED
        reason = _("Answer checked and accepted")
    else:
        opinion.check_result = OpinionCheck.RETURNED
        opinion.answered_at = None
        opinion.due = new_due
        opinion.remind_on = _remind_on(opinion.project, new_due)
        opinion.reminded_at = None
        opinion.overdue_at = None
        reason = _("Answer returned: %(note)s; new answer due %(due)s") % {
            "note": note,
            "due": new_due.isoformat(),
        }
    save_with_reason(opinion, actor=actor, reason=reason)
    if not accepted:
        _tell_lead_unit(opinion, f"opinion-returned:{opinion.pk}:{new_due.isoformat()}")
    audit_record(
        actor=actor,
        action="opinion.check",
        jurisdiction=opinion.project.jurisdiction,
        target=opinion,
        summary=reason,
        data={"accepted": accepted, "new_due": new_due},
    )
    return opinion


# -- the calendar: reminders and escalation ----------------------------------------------
def answering_users(opinion: Opinion) -> list:
    """The clerks of the unit the opinion is addressed to."""
    users = get_users_with_perms(
        opinion.addressee, with_group_users=False, only_with_perms_in=[Step.ANSWER_OPINIONS]
    )
    return list(users.filter(is_active=True).order_by("pk"))


def _params(opinion: Opinion, **extra) -> dict:
    return {
        "step": str(_("Answer the review opinion")),
        "project": opinion.project.title,
        "due": opinion.due.isoformat(),
        **extra,
    }


def _case_url(opinion: Opinion) -> str:
    return reverse("core:case", kwargs={"pk": opinion.project_id})


@transaction.atomic
def review_opinion_remind(*, actor=None, opinion_id: int, today=None) -> list:
    """Remind the lead unit of an opinion due soon; once per opinion and due date."""
    today = as_date(today)
    opinion = Opinion.objects.select_for_update(of=("self",)).filter(pk=opinion_id).first()
    if (
        opinion is None
        or opinion.due is None
        or opinion.answered_at is not None
        or opinion.reminded_at is not None
        or not (opinion.remind_on <= today < opinion.due)
    ):
        return []
    sent = notify(
        event_key=f"opinion-reminder:{opinion.pk}:{opinion.due.isoformat()}",
        recipients=answering_users(opinion),
        kind=NotificationKind.REMINDER,
        params=_params(opinion, days=(opinion.due - today).days),
        url=_case_url(opinion),
        project=opinion.project,
    )
    opinion.reminded_at = timezone.now()
    save_with_reason(opinion, actor=actor, reason=_("Reminder sent"))
    return sent


@transaction.atomic
def review_opinion_escalate(*, actor=None, opinion_id: int, today=None) -> list:
    """On the due date of an unanswered opinion: mark it overdue, tell the congress office,
    the lead unit's head and its clerks; once per opinion and due date."""
    today = as_date(today)
    opinion = (
        Opinion.objects.select_for_update(of=("self",))
        .select_related("project", "addressee", "addressee__head")
        .filter(pk=opinion_id)
        .first()
    )
    if (
        opinion is None
        or opinion.due is None
        or opinion.answered_at is not None
        or opinion.overdue_at is not None
        or opinion.due > today
    ):
        return []
    clerks = answering_users(opinion)
    recipients = role_users(opinion.project.jurisdiction_id, Role.CONGRESS_OFFICE) + clerks
    if opinion.addressee.head_id:
        recipients.append(opinion.addressee.head)
    sent = notify(
        event_key=f"opinion-overdue:{opinion.pk}:{opinion.due.isoformat()}",
        recipients=recipients,
        kind=NotificationKind.OVERDUE,
        params=_params(opinion, responsible=opinion.addressee.name),
        url=_case_url(opinion),
        project=opinion.project,
    )
    opinion.overdue_at = timezone.now()
    save_with_reason(opinion, actor=actor, reason=_("Marked overdue"))
    return sent
