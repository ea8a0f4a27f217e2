"""Models of the reporting area: Excel export jobs and roster import batches."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Category, Jurisdiction


class ExportKind(models.TextChoices):
    PROGRESS = "progress", _("Project progress table")
    VOTES = "votes", _("Vote results")
    SATISFACTION = "satisfaction", _("Satisfaction results")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def export_path(instance, filename: str) -> str:
    # A random directory: the file is served only through the requester's download view.
    return f"exports/{secrets.token_hex(12)}/{filename}"


class ExportJob(models.Model):
    """One Excel export, built by a Celery task; the page polls its progress."""

    kind = models.CharField(_("export"), max_length=16, choices=ExportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MaxValueValidator(100)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    file = models.FileField(_("file"), upload_to=export_path, max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("requested"), default=timezone.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.jurisdiction} · {self.year}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class ImportKind(models.TextChoices):
    DEPUTIES = "deputies", _("Deputies")
    OFFICES = "offices", _("Offices")
    USERS = "users", _("Users")


class ImportStatus(models.TextChoices):
    VALID = "valid", _("Checked, ready to import")
    INVALID = "invalid", _("Has errors, nothing imported")
    APPLIED = "applied", _("Imported")


class ImportBatch(models.Model):
    """An uploaded roster file: its checked rows, its errors, and what importing it did.

    `rows` holds the normalised values of every data row (with its spreadsheet row
    number); `errors` a list of {row, column, message}. Nothing in the roster is written
    unless the whole file is valid.
    """

    kind = models.CharField(_("roster"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("result"), default=dict, blank=True)
    created = models.DateTimeField(_("uploaded"), default=timezone.now)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    # The rows (ID card numbers, phones) and the errors quoting them stay out of history:
    # each checked file would otherwise be copied into it again at every change.
    history = HistoricalRecords(excluded_fields=["rows", "errors"])

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"
