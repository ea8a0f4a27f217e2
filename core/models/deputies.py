"""Deputies' duty and residents' way in: liaison stations, communities that take routed
micro-matters, the trail of a suggestion, the duty point table; and the weeks before the
vote: comments on published candidates, delegations' pre-deliberation."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Deputy, Jurisdiction
from .project import Project, RouteLevel, Suggestion


class LiaisonStation(models.Model):
    """A deputies' liaison station (代表联络站 / 家站点): its QR poster opens the public
    suggestion form with the station chosen."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[0-9a-z-]+$", _("Lower-case letters, digits and - only."))],
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    reception_hours = models.CharField(_("reception hours"), max_length=100, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("deputies"), blank=True, related_name="stations"
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["jurisdiction__path", "name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A community (社区 / 村) of a township or street: micro-matters routed to it land in
    its handler's queue."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("township or street"),
        on_delete=models.PROTECT,
        related_name="communities",
    )
    name = models.CharField(_("name"), max_length=100)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_communities",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["jurisdiction__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="unique_community_name")
        ]

    def __str__(self) -> str:
        return self.name


class TrailKind(models.TextChoices):
    ROUTED = "routed", _("Routed")
    ACCEPTED = "accepted", _("Accepted for study")
    POOLED = "pooled", _("Kept for next year's collection")
    HANDLED = "handled", _("Handled")
    MERGED = "merged", _("Merged into a project")


class SuggestionTrail(models.Model):
    """One step of what became of a suggestion: where it went, what was done. The
    proposer's receipt page reads this; `note` is public, so it never names the proposer."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="trail")
    kind = models.CharField(_("kind"), max_length=10, choices=TrailKind.choices)
    level = models.CharField(_("routed to"), max_length=12, choices=RouteLevel.choices, blank=True)
    from_jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("to"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion trail")
        verbose_name_plural = _("suggestion trails")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.get_kind_display()}"


class DutyPointRule(models.Model):
    """One line of a jurisdiction's duty point table (履职积分): points per unit of one
    source of the duty record. Set by the congress office."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="duty_point_rules",
    )
    source = models.CharField(_("source"), max_length=40)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty point rule")
        verbose_name_plural = _("duty point rules")
        ordering = ["jurisdiction__path", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "source"], name="unique_duty_point_source"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="duty_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.points}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")


class CandidateComment(models.Model):
    """A comment on a candidate published for comment (候选项目征求意见), by a resident on
    the public board or by a deputy; shown once the congress office publishes it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="candidate_comments"
    )
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate_comments",
    )
    author_name = models.CharField(_("name"), max_length=50)
    # Private: never shown on a public page.
    author_contact = models.CharField(_("contact"), max_length=100, blank=True)
    text = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderation_note = models.CharField(_("moderation note"), max_length=200, blank=True)
    created = models.DateTimeField(_("received"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on a candidate")
        verbose_name_plural = _("comments on candidates")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Stance(models.TextChoices):
    AGREE = "agree", _("Agrees")
    AGREE_WITH_REMARKS = "remarks", _("Agrees with remarks")
    RESERVATIONS = "reserve", _("Has reservations")


class DelegationReview(models.Model):
    """A delegation's pre-deliberation of a candidate (代表团预审) and its opinions."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="delegation_reviews"
    )
    delegation = models.CharField(_("delegation"), max_length=50)
    held_on = models.DateField(_("held on"))
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    opinions = models.TextField(_("opinions"), blank=True)
    present = models.PositiveSmallIntegerField(_("deputies present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation pre-deliberation")
        verbose_name_plural = _("delegation pre-deliberations")
        ordering = ["project", "delegation"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "delegation"], name="unique_delegation_review"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delegation} · {self.project}"
