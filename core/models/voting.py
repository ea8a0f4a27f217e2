"""Voting sessions (项目票决, 效果票评), their slates, attendance and secret ballots.

Ballot secrecy does not rest on trusting the database, its backups or the logs:

* While a vote is open, a ballot exists only as a ``SealedBallot``: its marks, padded to a
  length that does not depend on them, sealed (PyNaCl sealed box) to the session's public
  key. The session's private key exists only wrapped to the session's tellers
  (``TellerKey``, ``KeyShare``): any k of them, with their passphrases, can open it; the
  server never holds it, nor the passphrases, outside the counting request.
* ``Participation`` is the "has voted" record, written in the same transaction as the
  sealed ballot; its unique constraint is one deputy, one ballot. Whoever reads both
  tables (system columns included) pairs a deputy with ciphertext only.
* At counting, k tellers' passphrases open the ballots in memory; they are shuffled and
  written as plaintext ``Ballot`` rows (no deputy, no time, no history, random keys) in one
  transaction, and the sealed copies and every key are deleted.
* A deputy's receipt is a tracker: a hash of their sealed ballot. The sorted list of the
  trackers counted is published with the result; it says nothing of any marks.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from .jurisdiction import Category, Deputy, Jurisdiction
from .meetings import RatingPurpose
from .project import Project


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
    # The day the congress met and voted: today for a vote held in the system; the meeting's
    # day for a vote held on paper and entered afterwards.
    held_on = models.DateField(_("voted on"), null=True, blank=True)
    # A satisfaction vote rates the year's accepted projects (year end, sets the band), or
    # at a mid-year meeting the projects under way (stored as their mid-year rating).
    purpose = models.CharField(
        _("purpose"),
        max_length=10,
        choices=RatingPurpose.choices,
        default=RatingPurpose.YEAR_END,
    )
    slate_comment = models.TextField(_("Party committee comments on the slate"), blank=True)
    slate_built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("slate built by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Sealing (electronic votes): the session's public key while the vote is open, how
    # many tellers must open it, and after counting the hash of the ballots counted.
    public_key = models.CharField(max_length=64, blank=True, editable=False)
    tellers_needed = models.PositiveSmallIntegerField(_("tellers needed to count"), default=2)
    ballots_digest = models.CharField(
        _("hash of the counted ballots"), max_length=64, blank=True, editable=False
    )
    unsealed_at = models.DateTimeField(_("ballots opened"), null=True, blank=True)
    # A teller checked the opened ballots' count and confirmed it; only then may the
    # congress office announce it (a paper count is confirmed by two agreeing entries).
    count_confirmed_at = models.DateTimeField(_("count confirmed"), null=True, blank=True)
    count_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("count confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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


class TellerKey(models.Model):
    """A teller's counting key for one session: the public half of a key pair derived from
    the teller's passphrase (Argon2id, salt and limits kept here). The passphrase and the
    private half are never stored. Deleted at counting."""

    session = models.ForeignKey(VotingSession, on_delete=models.CASCADE, related_name="teller_keys")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public_key = models.CharField(max_length=64)
    salt = models.CharField(max_length=64)
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["session", "teller"], name="unique_teller_key")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.teller}"


class KeyShare(models.Model):
    """The session's private key, sealed in turn to each teller of one k-subset of the
    tellers: any k of them together can unwrap it. Deleted at counting."""

    session = models.ForeignKey(VotingSession, on_delete=models.CASCADE, related_name="key_shares")
    tellers = models.JSONField()  # the subset's user ids, in wrapping order
    sealed_key = models.BinaryField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.session} · {self.tellers}"


class SealedBallot(models.Model):
    """A ballot as cast: ciphertext only, until k tellers open it at counting.

    No deputy, no time, no history, a random key; ``tracker`` is the hash the deputy was
    shown as a receipt.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        VotingSession, on_delete=models.PROTECT, related_name="sealed_ballots"
    )
    sealed = models.BinaryField()
    tracker = models.CharField(max_length=19, unique=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return self.tracker


class CountedTracker(models.Model):
    """A tracker counted, published with the result: written at counting in sorted order,
    apart from the ballots (which are shuffled), so it ties no ballot to anyone."""

    session = models.ForeignKey(
        VotingSession, on_delete=models.CASCADE, related_name="counted_trackers"
    )
    tracker = models.CharField(max_length=19, unique=True)

    class Meta:
        default_permissions = ()
        ordering = ["session", "tracker"]

    def __str__(self) -> str:
        return self.tracker


class Ballot(models.Model):
    """One opened ballot: its marks and nothing that could say whose it is.

    Written only at counting, all of a session's at once in random order: no deputy or
    user, no time, no tracker, no history, a random key, and no default ordering.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(VotingSession, on_delete=models.PROTECT, related_name="ballots")
    # candidate id (the project id as a string) -> mark
    marks = models.JSONField(_("marks"), default=dict)
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
