"""What the results lead to: the lead units' appraisal sheets, and the follow-up of an
accountability hearing (a formal inquiry 质询, or a special investigation)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Jurisdiction, Office
from .project import Project


class AppraisalGrade(models.TextChoices):
    EXCELLENT_ELIGIBLE = "eligible", _("May be rated excellent")
    NORMAL = "normal", _("No adjustment")
    LOWERED = "lowered", _("Grade lowered, not excellent")


class AppraisalSheet(models.Model):
    """One lead unit's year (考核表): completion on time, satisfaction bands, commendation
    points, and a lowered grade for a project in the accountability band. Issued by the
    congress office to the Party committee office, which marks it received."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="appraisal_sheets",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    office = models.ForeignKey(
        Office,
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="appraisal_sheets",
    )
    projects_total = models.PositiveSmallIntegerField(_("projects"))
    completed_on_time = models.PositiveSmallIntegerField(_("completed on time"))
    commended = models.PositiveSmallIntegerField(_("commended"))
    accountability = models.PositiveSmallIntegerField(_("accountability band"))
    unfinished = models.PositiveSmallIntegerField(_("not finished"))
    points = models.PositiveSmallIntegerField(_("commendation points"))
    grade = models.CharField(_("grade"), max_length=10, choices=AppraisalGrade.choices)
    # one row per project: title, completed on time, band, figure, unfinished, stopped
    rows = models.JSONField(_("projects"), default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal sheet")
        verbose_name_plural = _("appraisal sheets")
        ordering = ["-year", "office__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "office"], name="one_sheet_per_unit_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} · {self.year}"


class FollowUpKind(models.TextChoices):
    INQUIRY = "inquiry", _("Formal inquiry")
    INVESTIGATION = "investigation", _("Special investigation")


class AccountabilityFollowUp(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="accountability_follow_ups",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=FollowUpKind.choices)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"))
    proposers = models.CharField(_("moved by"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accountability follow-up")
        verbose_name_plural = _("accountability follow-ups")
        ordering = ["project", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"
