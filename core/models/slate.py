"""Before the vote, around a session's slate: the congress office's slate policy, the
government and congress offices' signatures on the slate (三方会商, before the Party
review), and the materials sent to the deputies ahead of the session."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Jurisdiction
from .voting import VotingSession


class SlatePolicy(models.Model):
    """What a jurisdiction's slate must have before the Party committee reviews it."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, on_delete=models.PROTECT, related_name="slate_policy"
    )
    agreement_required = models.BooleanField(
        _("the government and congress offices sign the slate first"), default=True
    )
    special_share = models.DecimalField(
        _("share of special-collection projects required"),
        max_digits=3,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("slate policy")
        verbose_name_plural = _("slate policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(special_share__gte=0, special_share__lte=1),
                name="slate_special_share_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return str(self.jurisdiction)


class SigningOffice(models.TextChoices):
    GOVERNMENT = "government", _("Government office")
    CONGRESS = "congress", _("Congress office")


class SlateSignature(models.Model):
    """One office's signature on a slate, bound to the projects on it when signed: a
    slate rebuilt afterwards needs signing again."""

    session = models.ForeignKey(
        VotingSession, on_delete=models.CASCADE, related_name="slate_signatures"
    )
    office = models.CharField(_("office"), max_length=10, choices=SigningOffice.choices)
    projects = models.JSONField(_("projects signed"), default=list)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature on a slate")
        verbose_name_plural = _("signatures on slates")
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_office_display()}"


class MaterialsDispatch(models.Model):
    """The candidates' materials sent to every deputy ahead of the session (a week)."""

    session = models.ForeignKey(
        VotingSession, on_delete=models.CASCADE, related_name="materials_dispatches"
    )
    meeting_on = models.DateField(_("session meets on"))
    deputies = models.PositiveIntegerField(_("deputies sent to"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("materials sent to deputies")
        verbose_name_plural = _("materials sent to deputies")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.meeting_on}"

    @property
    def days_ahead(self) -> int:
        return (self.meeting_on - timezone.localdate(self.sent_at)).days
