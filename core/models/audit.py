"""The decision log: an append-only record of every decision, chained by keyed hashes.

Each jurisdiction keeps its own chain (so that one township's decisions never wait on
another's): entry n of a chain carries the hash of entry n − 1, and ``AuditHead`` holds
the chain's last number and hash. The hash is an HMAC keyed with ``AUDIT_LOG_KEY``, which
lives in the environment, not the database: whoever can write the tables cannot forge an
entry that ``verify_audit`` accepts. On PostgreSQL a trigger also refuses UPDATE and DELETE
on the entries (migration 0006).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditHead(models.Model):
    """The last entry of one jurisdiction's chain; locked while an entry is appended."""

    chain = models.CharField(max_length=40, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"


class AuditEntry(models.Model):
    """One decision: who, when, what, on which object, and why."""

    chain = models.CharField(_("chain"), max_length=40)
    seq = models.PositiveBigIntegerField(_("number"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The actor's name as it was, so the record reads the same after a rename.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("decision"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("decision-log entry")
        verbose_name_plural = _("decision log")
        ordering = ["chain", "seq"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="unique_audit_chain_seq")
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["jurisdiction", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq} {self.action}"
