"""Changes to an elected project, and the yearly phases of a multi-year project.

* ``ProjectChange``: an adjustment (content, budget, deadline, targets), a stop (e.g. no
  funds) or a replacement, proposed by the government office with a reason and decided
  by the standing committee (or, for a township, the presidium; for a street, the
  residents' council). Approved changes are applied to the case and shown on the public
  board ("项目调整").
* ``ProjectPhase``: one year of a project carried over several years, with its own
  targets; that year's reports and rating belong to it (by year), under the one case.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .project import Project


class ChangeKind(models.TextChoices):
    ADJUST = "adjust", _("Adjustment")
    STOP = "stop", _("Stop")
    REPLACE = "replace", _("Replacement")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class DecisionBody(models.TextChoices):
    STANDING_COMMITTEE = "committee", _("Standing committee")
    PRESIDIUM = "presidium", _("Presidium")
    COUNCIL = "council", _("Residents' council")


class ProjectChange(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    reason = models.TextField(_("reason"))
    new_content = models.TextField(_("new content"), blank=True)
    new_targets = models.TextField(_("new targets"), blank=True)
    new_budget = models.DecimalField(
        _("new budget (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    replacement = models.ForeignKey(
        Project,
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    # what the project held before an approved adjustment, for the record and the board
    previous = models.JSONField(_("before the change"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_body = models.CharField(
        _("decided by"), max_length=10, choices=DecisionBody.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision recorded"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project change")
        verbose_name_plural = _("project changes")
        ordering = ["project", "proposed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_budget__gte=0) | models.Q(new_budget__isnull=True),
                name="change_budget_not_negative",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="proposed"),
                name="one_open_change_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


class ProjectPhase(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="phases"
    )
    number = models.PositiveSmallIntegerField(_("phase"))
    year = models.PositiveSmallIntegerField(_("year"))
    targets = models.TextField(_("targets"))
    budget = models.DecimalField(
        _("budget (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project phase")
        verbose_name_plural = _("project phases")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="one_phase_per_project_year"),
            models.UniqueConstraint(fields=["project", "number"], name="unique_phase_number"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.number}"
