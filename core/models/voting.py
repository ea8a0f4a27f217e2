"""Voting sessions (项目票决, 效果票评), their slates, attendance and secret ballots.

Ballot secrecy is a property of the schema, not of good behaviour:

* ``Ballot`` has no deputy, no user, no time and no history; its key is a random UUID,
  and at close the ballots are rewritten in random order (see services.voting).
* ``Participation`` is the "has voted" record of a deputy: written in the same
  transaction as the ballot, it carries no ballot content, and its unique constraint
  is what makes one deputy one ballot.
* A receipt code is shown once to the deputy and stored only as a keyed hash on the
  ballot, so nothing stored links the code, or the ballot, to a deputy.
"""

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from .jurisdiction import Category, Deputy, Jurisdiction
from .project import RECEIPT_ALPHABET, Project


class SessionKind(models.TextChoices):
    SELECTION = "selection", _("Project vote")
    SATISFACTION = "satisfaction", _("Satisfaction vote")


class SessionMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic ballot")
    PAPER = "paper", _("Paper ballot")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SLATE_APPROVED = "slate_approved", _("Slate approved")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")
    ANNOUNCED = "announced", _("Announced")
    VOID = "void", _("Announced void")


# Statuses in which a session still holds its candidates (they cannot be on another slate).
ACTIVE_STATUSES = (
    SessionStatus.DRAFT,
    SessionStatus.SLATE_APPROVED,
    SessionStatus.OPEN,
    SessionStatus.CLOSED,
)
# Statuses after the announcement: the result is public.
ANNOUNCED_STATUSES = (SessionStatus.ANNOUNCED, SessionStatus.VOID)


class VotingSession(models.Model):
    """One vote of a congress (or a street's residents' council): a project vote or a
    satisfaction vote, with its rules (voting-rules.md), slate, attendance and result."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="voting_sessions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    method = models.CharField(
        _("method"),
        max_length=10,
        choices=SessionMethod.choices,
        default=SessionMethod.ELECTRONIC,
    )
    # The engine's rules object, defaults filled in (voting-rules.md §1 and §2).
    rules = models.JSONField(_("rules"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SessionStatus.choices,
        default=SessionStatus.DRAFT,
        db_index=True,
    )
    deputies_total = models.PositiveIntegerField(_("deputies in the congress"))
    ballots_issued = models.PositiveIntegerField(_("ballots issued"), null=True, blank=True)
    # The engine's output document, stored at the announcement.
    result = models.JSONField(_("result"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("runoff of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runoffs",
    )
    slate_comment = models.TextField(_("Party committee comments on the slate"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    slate_approved_at = models.DateTimeField(_("slate approved"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voting session")
        verbose_name_plural = _("voting sessions")
        ordering = ["-year", "-created"]
        indexes = [models.Index(fields=["jurisdiction", "year", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_selection(self) -> bool:
        return self.kind == SessionKind.SELECTION

    @property
    def is_paper(self) -> bool:
        return self.method == SessionMethod.PAPER

    @property
    def is_announced(self) -> bool:
        return self.status in ANNOUNCED_STATUSES


class SessionCandidate(models.Model):
    """A project on a session's slate (a candidate, or a project being rated)."""

    session = models.ForeignKey(VotingSession, on_delete=models.CASCADE, related_name="candidates")
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="session_candidacies",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate on the slate")
        verbose_name_plural = _("candidates on the slate")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "project"], name="unique_session_candidate")
        ]

    def __str__(self) -> str:
        return str(self.project)

    @property
    def ballot_id(self) -> str:
        """The candidate's id on ballots and in the engine's documents."""
        return str(self.project_id)


class Attendance(models.Model):
    """Whether a deputy is present at a session (出席), recorded before voting opens."""

    session = models.ForeignKey(VotingSession, on_delete=models.CASCADE, related_name="attendance")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="unique_session_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.present}"


class Participation(models.Model):
    """The "has voted" record: written in the same transaction as the ballot.

    The unique constraint is the one-deputy-one-ballot rule; it holds under any
    concurrency because the database enforces it. It says that a deputy voted, never
    what or which ballot.
    """

    session = models.ForeignKey(
        VotingSession, on_delete=models.CASCADE, related_name="participations"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="participations"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "deputy"], name="unique_session_participation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.session}"


def new_ballot_receipt() -> str:
    """A receipt code such as ``K7QH-2MZX-9RTA``: 60 random bits, easy to read aloud."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_receipt(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


def receipt_hash(code: str) -> str:
    """Keyed hash of a receipt code: the code itself is never stored."""
    key = hashlib.sha256(f"ballot-receipt:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalise_receipt(code).encode(), hashlib.sha256).hexdigest()


class Ballot(models.Model):
    """One secret ballot: its marks and nothing that could say whose it is.

    No deputy or user, no time (the session's times are the finest there are), no
    request metadata, no history, a random key, and no default ordering.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(VotingSession, on_delete=models.PROTECT, related_name="ballots")
    # candidate id (the project id as a string) -> mark
    marks = models.JSONField(_("marks"), default=dict)
    receipt_hash = models.CharField(max_length=64, unique=True)
    valid = models.BooleanField(_("valid"), default=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        default_permissions = ()

    def __str__(self) -> str:
        return str(_("Ballot"))


class PaperTally(models.Model):
    """One teller's count of a paper vote (计票), entered independently of the other.

    Every entry stays on the record; a teller's latest entry is the one counted.
    ``entry`` is a teller entry of voting-rules.md §3.
    """

    session = models.ForeignKey(
        VotingSession, on_delete=models.CASCADE, related_name="paper_tallies"
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teller"),
        on_delete=models.PROTECT,
        related_name="paper_tallies",
    )
    entry = models.JSONField(_("count"))
    created = models.DateTimeField(_("entered"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paper count")
        verbose_name_plural = _("paper counts")
        ordering = ["session", "created", "pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.teller}"


class VotingProcess(Process):
    """One VotingSessionFlow process; its artifact is the voting session."""

    session = models.OneToOneField(
        VotingSession,
        verbose_name=_("voting session"),
        on_delete=models.CASCADE,
        related_name="process",
    )

    class Meta:
        verbose_name = _("voting session process")
        verbose_name_plural = _("voting session processes")
