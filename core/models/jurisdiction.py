"""Jurisdictions, offices, categories, deputies and role assignments."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permissions.roles import (
    JURISDICTION_STEPS,
    OFFICE_STEPS,
    ROLE_CHOICES,
    meta_permissions,
)


class Level(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township")
    STREET = "street", _("Street")


class Jurisdiction(models.Model):
    """A city, county/district, township or street. Nested by `parent`.

    `path` is the chain of codes from the root ("/3301/330102/"), kept so that a
    supervisor's reading scope is one indexed prefix filter on the tree.
    """

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z_-]+$", _("Letters, digits, - and _ only."))],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    report_due_days = models.PositiveSmallIntegerField(
        _("quarterly report due (days after quarter end)"), default=10
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]
        permissions = meta_permissions(JURISDICTION_STEPS)

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    @property
    def has_congress(self) -> bool:
        """Streets have no congress: a residents' council votes instead."""
        return self.level != Level.STREET

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"


class OfficeKind(models.TextChoices):
    PARTY = "party", _("Party committee office")
    CONGRESS = "congress", _("Congress office")
    GOVERNMENT = "government", _("Government office")
    DEPARTMENT = "department", _("Department")


class Office(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="offices",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OfficeKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, unique=True)
    head_name = models.CharField(_("head"), max_length=50, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head (user)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_offices",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["jurisdiction__path", "kind", "name"]
        permissions = meta_permissions(OFFICE_STEPS)

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project category")
        verbose_name_plural = _("project categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class DeputyKind(models.TextChoices):
    DEPUTY = "deputy", _("People's congress deputy")
    COUNCIL = "council", _("Residents' council representative")


phone_validator = RegexValidator(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$", _("Enter a valid phone number."))


class Deputy(models.Model):
    """A deputy of a congress, or for a street a council representative."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy",
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DeputyKind.choices, default=DeputyKind.DEPUTY
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="deputies",
    )
    congress = models.CharField(_("congress and term"), max_length=50, blank=True)
    delegation = models.CharField(_("delegation"), max_length=50, blank=True)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    liaison_station = models.CharField(_("liaison station"), max_length=100, blank=True)
    id_number = models.CharField(
        _("ID card number"), max_length=18, unique=True, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["jurisdiction__path", "name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A user holds a role on a jurisdiction (a department clerk: on an office)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction", "office"], name="unique_role_assignment"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction"],
                condition=models.Q(office__isnull=True),
                name="unique_role_assignment_without_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.jurisdiction}"
