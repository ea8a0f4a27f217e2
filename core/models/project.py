"""Suggestions, livelihood projects and everything a case accumulates."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permissions.roles import PROJECT_STEPS, meta_permissions

from .jurisdiction import Category, Deputy, Jurisdiction, Office

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on a hotline


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
    HOTLINE = "hotline", _("Hotline")
    LIAISON_STATION = "liaison", _("Liaison station")
    DEPUTY = "deputy", _("Deputy")
    SPECIAL = "special", _("Special collection")
    QR = "qr", _("QR code at a station or deputy")


class RouteLevel(models.TextChoices):
    """Where a suggestion is handled: micro-matters stay local, the rest go up."""

    COMMUNITY = "community", _("Community")
    LEGISLATION = "legislation", _("Legislative contact point")
    STREET = "street", _("Township / street")
    DISTRICT = "district", _("County / district")
    NEXT_YEAR = "next_year", _("Next year's pool")


class SuggestionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ROUTED = "routed", _("Routed elsewhere")
    ACCEPTED = "accepted", _("Accepted for study")
    MERGED = "merged", _("Merged into a project")
    POOLED = "pooled", _("Kept for next year's collection")
    HANDLED = "handled", _("Handled by the community")


class Suggestion(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("suggestion"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    proposer_name = models.CharField(_("proposer"), max_length=50)
    # Private: never shown on a public page or exported to the public.
    proposer_contact = models.CharField(_("contact"), max_length=100, blank=True)
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    receipt_code = models.CharField(
        _("receipt code"), max_length=12, unique=True, default=new_receipt_code, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.RECEIVED,
    )
    route_level = models.CharField(
        _("routed to"), max_length=12, choices=RouteLevel.choices, blank=True
    )
    route_note = models.TextField(_("routing note"), blank=True)
    # residents' way in (码上找代表): the station or deputy whose QR code was scanned; the
    # deputy here is who it is addressed to, never credited as its proposer (`deputy`)
    station = models.ForeignKey(
        "core.LiaisonStation",
        verbose_name=_("liaison station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    addressed_deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("addressed to deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addressed_suggestions",
    )
    # routing: where it was first received, the community it was handed to, what was done
    origin = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("first received in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        "core.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    handled_note = models.TextField(_("what was done"), blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    # special collection (特定征集): a government investment project of the year
    investment = models.DecimalField(
        _("investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created = models.DateTimeField(_("received"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created"]
        indexes = [models.Index(fields=["jurisdiction", "year", "status"])]

    def __str__(self) -> str:
        return self.title


class Stage(models.TextChoices):
    """Where a case stands; kept by the services beside the flow for lists and boards."""

    REGISTERED = "registered", _("Registered")
    STUDY = "study", _("Feasibility study")
    PARTY_REVIEW = "party_review", _("Party committee review")
    CANDIDATE = "candidate", _("Candidate awaiting the vote")
    PLANNING = "planning", _("Implementation planning")
    IMPLEMENTING = "implementing", _("Implementing")
    ACCEPTANCE = "acceptance", _("Acceptance")
    EVALUATION = "evaluation", _("Awaiting satisfaction vote")
    ACCOUNTABILITY = "accountability", _("Accountability follow-up")
    CLOSED = "closed", _("Closed")
    INFEASIBLE = "infeasible", _("Infeasible")
    REJECTED = "rejected", _("Rejected by the Party committee")
    NOT_ELECTED = "not_elected", _("Not elected")
    STOPPED = "stopped", _("Stopped by decision")


PUBLIC_STAGES = (
    Stage.PLANNING,
    Stage.IMPLEMENTING,
    Stage.ACCEPTANCE,
    Stage.EVALUATION,
    Stage.ACCOUNTABILITY,
    Stage.CLOSED,
    Stage.STOPPED,
)
ENDED_STAGES = (
    Stage.CLOSED,
    Stage.INFEASIBLE,
    Stage.REJECTED,
    Stage.NOT_ELECTED,
    Stage.STOPPED,
)


class PartyDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for further study")
    REJECTED = "rejected", _("Rejected")


class Band(models.TextChoices):
    COMMEND = "commend", _("Commended")
    NORMAL = "normal", _("Normal")
    ACCOUNTABILITY = "accountability", _("Accountability")
    NO_DATA = "no_data", _("No data")


class Project(models.Model):
    """A livelihood project (民生实事项目): the artifact of one ProjectFlow case."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    reason = models.TextField(_("reason"), blank=True)
    content = models.TextField(_("content"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    budget = models.DecimalField(
        _("budget (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fund_source = models.CharField(_("fund source"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        Office,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    cooperating_units = models.ManyToManyField(
        Office, verbose_name=_("cooperating units"), blank=True, related_name="cooperating_projects"
    )
    targets = models.TextField(_("targets"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    suggestions = models.ManyToManyField(
        Suggestion, verbose_name=_("source suggestions"), blank=True, related_name="projects"
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.REGISTERED, db_index=True
    )
    # feasibility
    study_department = models.ForeignKey(
        Office,
        verbose_name=_("studying department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studied_projects",
    )
    feasible = models.BooleanField(_("feasible"), null=True)
    feasibility_opinion = models.TextField(_("feasibility opinion"), blank=True)
    infeasible_reason = models.TextField(_("reason it is infeasible"), blank=True)
    # Party review
    party_decision = models.CharField(
        _("Party committee decision"), max_length=10, choices=PartyDecision.choices, blank=True
    )
    party_comment = models.TextField(_("Party committee comments"), blank=True)
    # the congress vote
    elected = models.BooleanField(_("elected"), null=True)
    voted_on = models.DateField(_("voted on"), null=True, blank=True)
    vote_yes = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    vote_rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    # implementation plan
    plan_due = models.DateField(_("plan due"), null=True, blank=True)
    plan_responsible = models.CharField(_("responsible person"), max_length=50, blank=True)
    plan_summary = models.TextField(_("plan"), blank=True)
    plan_submitted_at = models.DateTimeField(_("plan submitted"), null=True, blank=True)
    # supervision
    monitors = models.ManyToManyField(
        Deputy, verbose_name=_("monitoring group"), blank=True, related_name="monitored_projects"
    )
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MaxValueValidator(100)]
    )
    funds_spent = models.DecimalField(
        _("funds spent (10k yuan)"), max_digits=12, decimal_places=2, default=0
    )
    completion_summary = models.TextField(_("completion summary"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    acceptance_opinion = models.TextField(_("acceptance opinion"), blank=True)
    # evaluation
    satisfaction_rate = models.DecimalField(
        _("satisfaction rate %"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    satisfaction_mean = models.DecimalField(
        _("mean score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    band = models.CharField(_("band"), max_length=16, choices=Band.choices, blank=True)
    created = models.DateTimeField(_("registered"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("livelihood project")
        verbose_name_plural = _("livelihood projects")
        ordering = ["-year", "-created"]
        permissions = meta_permissions(PROJECT_STEPS)
        indexes = [models.Index(fields=["jurisdiction", "year", "stage"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0) | models.Q(budget__isnull=True),
                name="project_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="project_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.stage in PUBLIC_STAGES


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    LATE = "late", _("Late")


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PENDING,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with opinions")
    ANSWERED = "answered", _("Opinions answered")
    SIGNED_OFF = "signed_off", _("Signed off")


class QuarterlyReport(models.Model):
    """A lead unit's progress report (一季一通报), signed off by the monitoring group."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    progress = models.PositiveSmallIntegerField(
        _("progress %"), validators=[MaxValueValidator(100)]
    )
    funds_spent = models.DecimalField(
        _("funds spent (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    milestone_notes = models.TextField(_("milestone status"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    regression_reason = models.TextField(_("reason progress went back"), blank=True)
    completed = models.BooleanField(_("project completed"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class OpinionCheck(models.TextChoices):
    ACCEPTED = "accepted", _("Answer accepted")
    RETURNED = "returned", _("Answer returned")


class Opinion(models.Model):
    """An opinion the lead unit must answer, one answer per opinion.

    Either a monitoring group's opinion on a returned quarterly report (`report`), answered
    in the case's answer step, or a review opinion (审议意见) issued by a meeting or an
    inspection (`meeting` / `inspection`): addressed to a lead unit, due by a date, and
    checked afterwards by the congress office ("回头看"), which may return the answer.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="opinions")
    report = models.ForeignKey(
        QuarterlyReport, null=True, blank=True, on_delete=models.CASCADE, related_name="opinions"
    )
    text = models.TextField(_("opinion"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # review opinions of meetings and inspections
    meeting = models.ForeignKey(
        "core.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    inspection = models.ForeignKey(
        "core.Inspection",
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    addressee = models.ForeignKey(
        Office,
        verbose_name=_("to answer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_opinions",
    )
    due = models.DateField(_("answer due"), null=True, blank=True, db_index=True)
    remind_on = models.DateField(_("reminder on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    check_result = models.CharField(
        _("check"), max_length=10, choices=OpinionCheck.choices, blank=True
    )
    check_note = models.TextField(_("check note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Comment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


def attachment_path(instance, filename: str) -> str:
    return f"attachments/{instance.project_id}/{secrets.token_hex(8)}/{filename}"


class Attachment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    report = models.ForeignKey(
        QuarterlyReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    opinion = models.ForeignKey(
        "Opinion",
        verbose_name=_("answering the opinion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name


class AccountabilityRecord(models.Model):
    """The lead unit head's explanation before the standing committee (说明并接受询问)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="accountability")
    meeting_date = models.DateField(_("meeting date"))
    explanation = models.TextField(_("explanation by the lead unit's head"))
    questions_answers = models.TextField(_("questions asked and answers"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")

    def __str__(self) -> str:
        return f"{self.project} · {self.meeting_date}"
