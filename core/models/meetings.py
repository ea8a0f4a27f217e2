"""Supervision meetings and the ratings given during the year.

* ``Meeting``: a dated event of a jurisdiction that hears the projects' reports: the
  county mid-year meeting (年中会议), a township's quarterly meeting (季会制), a street
  residents' council meeting at mid-year or year end. Planned with its agenda, then held:
  attendance, minutes, who spoke; its review opinions are ``Opinion`` rows (`meeting`).
* ``AgendaItem``: one project heard at a meeting, with the report it was heard on.
* ``ProjectRating``: a rating that is not the case's year-end band: a mid-year rating
  (a satisfaction vote at a meeting), or the year-end rating of a project that was not
  finished (or of one phase of a multi-year project). The case's `band` is set only by
  the year-end satisfaction vote of a finished project.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Deputy, Jurisdiction
from .project import Band, Project, QuarterlyReport


class MeetingKind(models.TextChoices):
    MID_YEAR = "mid_year", _("Mid-year meeting")
    QUARTERLY = "quarterly", _("Quarterly meeting")
    COUNCIL_MID_YEAR = "council_mid", _("Residents' council mid-year meeting")
    COUNCIL_YEAR_END = "council_end", _("Residents' council year-end meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Meeting(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=120)
    scheduled_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    deputies_total = models.PositiveIntegerField(_("deputies in office"), null=True, blank=True)
    attendees = models.ManyToManyField(
        Deputy, verbose_name=_("present"), blank=True, related_name="meetings_attended"
    )
    speakers = models.TextField(_("who spoke"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # the satisfaction vote held at the meeting (a mid-year rating), when there is one
    rating_session = models.ForeignKey(
        "core.VotingSession",
        verbose_name=_("rating vote"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_on", "-pk"]
        indexes = [models.Index(fields=["jurisdiction", "year", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def rates_projects(self) -> bool:
        """Meetings at which deputies may rate the projects they heard."""
        return self.kind in (MeetingKind.MID_YEAR, MeetingKind.COUNCIL_MID_YEAR)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("report heard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    heard = models.BooleanField(_("heard"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "project"], name="one_agenda_item_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.project}"


class RatingPurpose(models.TextChoices):
    MID_YEAR = "mid_year", _("Mid-year rating")
    YEAR_END = "year_end", _("Year-end rating")


class RatingScale(models.TextChoices):
    THREE_LEVEL = "three_level", _("Satisfied / basically satisfied / dissatisfied")
    SCORE_100 = "score_100", _("Score out of 100")


class ProjectRating(models.Model):
    """A rating of a project during the year, or at year end of an unfinished one.

    `band` is the band the figure would give under the rule; it is shown beside the
    figure and never copied to the case's year-end band.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=RatingPurpose.choices)
    scale = models.CharField(_("scale"), max_length=12, choices=RatingScale.choices)
    unfinished = models.BooleanField(_("project not finished when rated"), default=False)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ratings",
    )
    session = models.ForeignKey(
        "core.VotingSession",
        verbose_name=_("voting session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_ratings",
    )
    rate = models.DecimalField(
        _("satisfaction rate %"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    mean_score = models.DecimalField(
        _("mean score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    band = models.CharField(_("band"), max_length=16, choices=Band.choices)
    rated_on = models.DateField(_("rated on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project rating")
        verbose_name_plural = _("project ratings")
        ordering = ["project", "year", "rated_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "purpose"], name="one_rating_per_project_year_purpose"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__isnull=False) | models.Q(mean_score__isnull=False),
                name="rating_has_a_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_purpose_display()} {self.year}"

    @property
    def figure(self):
        return self.rate if self.rate is not None else self.mean_score
