"""Inspections, research visits, special inquiries and the monitoring group's research
report (视察, 调研, 专题询问, 监督小组调研报告), with their photos. The opinions an
inspection issues are ``Opinion`` rows (`inspection`)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Deputy, Jurisdiction
from .project import Project


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    RESEARCH = "research", _("Research visit")
    INQUIRY = "inquiry", _("Special inquiry")
    GROUP_REPORT = "group_report", _("Monitoring group research report")


class InspectionBody(models.TextChoices):
    MONITORING_GROUP = "group", _("Monitoring group")
    STANDING_COMMITTEE = "committee", _("Standing committee")


class Inspection(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    body = models.CharField(_("carried out by"), max_length=10, choices=InspectionBody.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), through="InspectionSubject", related_name="+"
    )
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("deputies who went"), blank=True, related_name="inspections"
    )
    others = models.CharField(_("others who went"), max_length=300, blank=True)
    findings = models.TextField(_("what they found"))
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["jurisdiction", "held_on"])]

    def __str__(self) -> str:
        return self.title


class InspectionSubject(models.Model):
    """A project an inspection looked at (a row on the case's timeline)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="subjects")
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="inspected"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspected project")
        verbose_name_plural = _("inspected projects")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "project"], name="one_subject_per_inspection_and_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.project}"


def photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{secrets.token_hex(8)}/{filename}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name
