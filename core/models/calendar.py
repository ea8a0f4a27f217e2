"""The year's calendar: per-jurisdiction dates, deadlines of open steps, notifications.

* ``CalendarSettings``: how many days each office has (report, plan, sign-off), when
  reminders go out, and the suggestion collection window. One row per jurisdiction;
  a jurisdiction without a row uses the defaults.
* ``TaskDeadline``: the due date of one open viewflow task, recorded when the task opens.
* ``Notification``: one in-app message to one user (also sent by e-mail and SMS).
* ``OutboxMessage``: a Celery message written in the same transaction as the change that
  caused it, published after commit, kept while the broker is down.
* ``SentKey``: one row per thing that must happen once (a reminder, an e-mail); claiming
  the key in the same transaction as the work is what makes a task safe to run twice.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Jurisdiction
from .project import Project

# Messages a clerk sees when a calendar setting is refused.
DAYS_NEGATIVE = _("The number of days cannot be negative.")
DAYS_TOO_MANY = _("At most %(max)s days.")
DUE_DAYS_ZERO = _("A step needs at least one day.")
NOT_A_DATE = _("%(month)s/%(day)s is not a date.")
COLLECTION_END_BEFORE_START = _("The collection window cannot end before it starts.")
MEETING_IN_PAST = _("The mid-year meeting cannot be scheduled in the past.")
MEETING_BEFORE_HALF_YEAR_END = _("The mid-year meeting must come after 30 June of its year.")
SCHEDULE_IN_PAST = _("A schedule cannot start in the past.")
SCHEDULE_INVALID = _("This is not a valid time: %(detail)s")

MAX_DAYS = 366
# A leap year, so that 29 February is accepted as a collection date.
_PROBE_YEAR = 2024


def month_day_valid(month: int, day: int) -> bool:
    try:
        datetime.date(_PROBE_YEAR, month, day)
    except (TypeError, ValueError):
        return False
    return True


class CalendarSettings(models.Model):
    """The calendar an office keeps for its jurisdiction (changed without a deploy)."""

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="calendar",
    )
    report_due_days = models.SmallIntegerField(
        _("quarterly report due (days after quarter end)"), default=10
    )
    plan_due_days = models.SmallIntegerField(_("plan due (days after the vote)"), default=30)
    sign_off_due_days = models.SmallIntegerField(
        _("sign-off due (days after a report arrives)"), default=15
    )
    reminder_lead_days = models.SmallIntegerField(_("reminder (days before due)"), default=3)
    collection_all_year = models.BooleanField(_("collect suggestions all year"), default=False)
    collection_start_month = models.SmallIntegerField(_("collection opens (month)"), default=9)
    collection_start_day = models.SmallIntegerField(_("collection opens (day)"), default=1)
    collection_end_month = models.SmallIntegerField(_("collection closes (month)"), default=10)
    collection_end_day = models.SmallIntegerField(_("collection closes (day)"), default=31)
    mid_year_meeting = models.DateField(
        _("mid-year meeting (the half-year report is due the day before)"),
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar settings")
        verbose_name_plural = _("calendar settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report_due_days__gte=1)
                & models.Q(plan_due_days__gte=1)
                & models.Q(sign_off_due_days__gte=1)
                & models.Q(reminder_lead_days__gte=0),
                name="calendar_days_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.jurisdiction)

    DAY_FIELDS = ("report_due_days", "plan_due_days", "sign_off_due_days")

    def clean(self, today: datetime.date | None = None) -> None:
        """Refuse a calendar an office could not keep; `today` judges "in the past"."""
        errors: dict[str, list] = {}
        for field in (*self.DAY_FIELDS, "reminder_lead_days"):
            value = getattr(self, field)
            if value is None:
                continue
            if value < 0:
                errors.setdefault(field, []).append(DAYS_NEGATIVE)
            elif value == 0 and field in self.DAY_FIELDS:
                errors.setdefault(field, []).append(DUE_DAYS_ZERO)
            elif value > MAX_DAYS:
                errors.setdefault(field, []).append(DAYS_TOO_MANY % {"max": MAX_DAYS})
        start = (self.collection_start_month, self.collection_start_day)
        end = (self.collection_end_month, self.collection_end_day)
        valid = True
        for field, (month, day) in (("collection_start_day", start), ("collection_end_day", end)):
            if not month_day_valid(month, day):
                valid = False
                errors.setdefault(field, []).append(NOT_A_DATE % {"month": month, "day": day})
        if valid and not self.collection_all_year and end < start:
            errors.setdefault("collection_end_day", []).append(COLLECTION_END_BEFORE_START)
        if self.mid_year_meeting is not None:
            if today is not None and self.mid_year_meeting < today:
                errors.setdefault("mid_year_meeting", []).append(MEETING_IN_PAST)
            elif self.mid_year_meeting <= datetime.date(self.mid_year_meeting.year, 6, 30):
                errors.setdefault("mid_year_meeting", []).append(MEETING_BEFORE_HALF_YEAR_END)
        if errors:
            raise ValidationError(errors)


class DeadlineKind(models.TextChoices):
    PLAN = "plan", _("Implementation plan")
    REPORT = "report", _("Quarterly report")
    HALF_YEAR_REPORT = "half_year", _("Half-year report")
    SIGN_OFF = "sign_off", _("Monitoring group sign-off")


class TaskDeadline(models.Model):
    """When one open step is due, and whether its reminder and escalation went out."""

    task = models.OneToOneField(
        "viewflow.Task",
        verbose_name=_("step"),
        on_delete=models.CASCADE,
        related_name="deadline",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DeadlineKind.choices)
    period_year = models.PositiveSmallIntegerField(_("reporting year"), null=True, blank=True)
    period_quarter = models.PositiveSmallIntegerField(_("reporting quarter"), null=True, blank=True)
    starts_on = models.DateField(_("counted from"))
    due = models.DateField(_("due"), db_index=True)
    remind_on = models.DateField(_("reminder on"), db_index=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due:%Y-%m-%d}"


class NotificationKind(models.TextChoices):
    STEP_OPENED = "opened", _("New step")
    REMINDER = "reminder", _("Reminder")
    OVERDUE = "overdue", _("Overdue")
    DIGEST = "digest", _("Monthly digest")
    ROLE = "role", _("Role granted or revoked")
    SUGGESTION = "suggestion", _("Your suggestion")
    ROUTED = "routed", _("Suggestion routed to you")
    MATERIALS = "materials", _("Materials for the session")
    SESSION_STEP = "session", _("Voting session step")
    VOTE_OPEN = "vote", _("Voting is open")


# What each kind says; rendered in the reader's language from the stored parameters.
NOTIFICATION_TEXTS = {
    NotificationKind.STEP_OPENED: (
        _("“%(step)s” is open for %(project)s"),
        _("Due %(due)s."),
    ),
    NotificationKind.REMINDER: (
        _("Reminder: “%(step)s” for %(project)s is due %(due)s"),
        _("%(days)s day(s) left."),
    ),
    NotificationKind.OVERDUE: (
        _("Overdue: “%(step)s” for %(project)s was due %(due)s"),
        _("Responsible: %(responsible)s."),
    ),
    NotificationKind.DIGEST: (
        _("%(month)s: %(count)s project(s) behind schedule in %(jurisdiction)s"),
        _("%(projects)s"),
    ),
    NotificationKind.ROLE: (
        _("%(change)s: %(role)s of %(jurisdiction)s, for %(user)s"),
        _("By %(by)s. %(reason)s"),
    ),
    NotificationKind.SUGGESTION: (
        _("Your suggestion “%(title)s” was merged into the project “%(project)s”"),
        _("Receipt code %(code)s."),
    ),
    NotificationKind.ROUTED: (
        _("A suggestion for %(place)s to handle: “%(title)s”"),
        _("Routed by %(sender)s. %(note)s"),
    ),
    NotificationKind.MATERIALS: (
        _("Materials of “%(session)s”: the candidates to read before %(date)s"),
        _("The candidates, their comments and the delegations' opinions."),
    ),
    NotificationKind.SESSION_STEP: (
        _("“%(step)s” is yours for the session “%(session)s”"),
        _("%(note)s"),
    ),
    NotificationKind.VOTE_OPEN: (
        _("Voting is open: “%(session)s”"),
        _("Cast your ballot before voting closes. Your inbox links to it."),
    ),
}


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user, in the notification centre (and by e-mail, SMS).

    Delivery records, not domain state: no history table (the row is its own log).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    task = models.ForeignKey(
        "viewflow.Task",
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event_key = models.CharField(_("event"), max_length=150)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="one_notification_per_event_and_user"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _render(self, index: int) -> str:
        texts = NOTIFICATION_TEXTS.get(self.kind)
        if texts is None:
            return ""
        params = dict(self.params)
        if params.get("node") and self.task_id:
            # The step's name in the reader's language, from the task's own flow node
            # (viewflow resolves it: models import no flow).
            step = self.task.flow_task
            if step is not None:
                params["step"] = str(step.task_title)
        try:
            return str(texts[index]) % params
        except (KeyError, TypeError, ValueError):
            return str(texts[index])

    @property
    def title(self) -> str:
        return self._render(0)

    @property
    def body(self) -> str:
        return self._render(1)


class OutboxMessage(models.Model):
    """A Celery message kept in the database until the broker has taken it."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["created"],
                name="outbox_pending",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class SentKey(models.Model):
    """Something that must happen once has happened (claimed in the same transaction)."""

    key = models.CharField(max_length=200, unique=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sent key")
        verbose_name_plural = _("sent keys")

    def __str__(self) -> str:
        return self.key
