"""What the JSON API keeps: the other systems' tokens, their webhook subscriptions and
deliveries, and the idempotency keys of the requests that create something.

* ``ApiToken``: one system's credential (the 12345 hotline, a liaison-station app, the
  city dashboard). It acts as one user account, within its scopes and its jurisdiction;
  only a hash of the secret is stored, the secret is shown once when issued.
* ``WebhookSubscription`` / ``WebhookDelivery``: a system asks to be told of its
  jurisdiction's case events; each event to each subscription is one delivery, signed,
  retried with back-off until the receiver takes it.
* ``IdempotencyKey``: the answer given to a request that carried an ``Idempotency-Key``,
  so that the same request sent again gets the same answer and creates nothing.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jurisdiction import Jurisdiction
from .project import Suggestion


class ApiScope(models.TextChoices):
    READ = "read", _("Read cases, tasks and sessions")
    SUGGEST = "suggest", _("Submit suggestions")
    ACT = "act", _("Take and complete steps")
    VOTE = "vote", _("Cast ballots")


class ApiToken(models.Model):
    """A system's key to the API; acts as `user`, narrowed to `scopes` and `jurisdiction`."""

    name = models.CharField(_("system"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class WebhookEvent(models.TextChoices):
    STEP_DONE = "step.done", _("A step of a case is done")
    REPORT_SUBMITTED = "report.submitted", _("A quarterly report is submitted")
    RESULT_ANNOUNCED = "result.announced", _("A vote's result is announced")


class WebhookSubscription(models.Model):
    """A system's receiver for the case events of a jurisdiction (and those below it)."""

    token = models.ForeignKey(
        ApiToken,
        verbose_name=_("system"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="webhooks",
    )
    url = models.URLField(_("receiver URL"), max_length=300)
    events = models.JSONField(_("events"), default=list)
    # The key the body is signed with (HMAC-SHA256); the receiver holds the same one.
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class WebhookDelivery(models.Model):
    """One event to one subscription: sent until the receiver answers 2xx, at most once
    after that. Delivery records, not domain state: no history table."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(_("event"), default=uuid.uuid4)
    event = models.CharField(_("kind"), max_length=30, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="one_delivery_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_pending",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"


class IdempotencyKey(models.Model):
    """The answer to a creating request sent with an ``Idempotency-Key`` header."""

    principal = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="one_answer_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.principal}:{self.key}"
