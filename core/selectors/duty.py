"""A deputy's duty record (履职档案) and duty points (履职积分), per year.

The record is a sum over *sources*: each source counts, for a set of deputies and a
year, one kind of work. `DUTY_SOURCES` is the one list of them, and the extension point:
an area that records more of a deputy's work (meetings attended, inspections joined,
sessions attended, that a deputy voted) adds a `DutySource` here, and the record, the
ranking, the point table and the export all pick it up.

A year of the record is a calendar year of work: a suggestion made in autumn 2025 (for
2026's projects) counts in the deputy's 2025 record.

What a source may read is limited on purpose: that a deputy took part, never how they
voted. No source reads a ballot, and the record has no figure a ballot could change.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.models import (
    CandidateComment,
    CommentStatus,
    Deputy,
    DutyPointRule,
    Opinion,
    QuarterlyReport,
    Suggestion,
    SuggestionStatus,
)
from core.models.voting import Attendance, Participation, SessionKind

Counts = dict[int, int]


@dataclass(frozen=True)
class DutySource:
    """One kind of duty work: `count(deputies, year)` maps deputy ids to a number."""

    code: str
    label: str
    default_points: Decimal
    count: Callable[[list[Deputy], int], Counts]


def _by_deputy(rows: Iterable[tuple[int, int]]) -> Counts:
    return {deputy_id: n for deputy_id, n in rows if deputy_id is not None}


def _user_map(deputies) -> dict[int, int]:
    return {d.user_id: d.pk for d in deputies if d.user_id}


def _by_user(deputies, rows) -> Counts:
    users = _user_map(deputies)
    counted = Counter()
    for user_id, n in rows:
        if user_id in users:
            counted[users[user_id]] += n
    return dict(counted)


def suggestions_made(deputies, year) -> Counts:
    return _by_deputy(
        Suggestion.objects.filter(deputy__in=deputies, created__year=year)
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def suggestions_adopted(deputies, year) -> Counts:
    """Merged into a registered project (a suggestion becomes a case)."""
    return _by_deputy(
        Suggestion.objects.filter(
            deputy__in=deputies, created__year=year, status=SuggestionStatus.MERGED
        )
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def reports_signed_off(deputies, year) -> Counts:
    """Quarterly reports the deputy signed off as a member of a monitoring group."""
    return _by_user(
        deputies,
        QuarterlyReport.objects.filter(
            signed_off_by_id__in=_user_map(deputies), signed_off_at__year=year
        )
        .values_list("signed_off_by_id")
        .annotate(n=Count("pk"))
        .order_by(),
    )


def opinions_issued(deputies, year) -> Counts:
    """Monitoring opinions the deputy wrote on a report (the lead unit must answer)."""
    return _by_user(
        deputies,
        Opinion.objects.filter(author_id__in=_user_map(deputies), created__year=year)
        .values_list("author_id")
        .annotate(n=Count("pk"))
        .order_by(),
    )


def candidate_comments(deputies, year) -> Counts:
    """Published comments on candidates published for comment before the vote."""
    return _by_deputy(
        CandidateComment.objects.filter(
            deputy__in=deputies, status=CommentStatus.PUBLISHED, created__year=year
        )
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _in_year(year) -> Q:
    """A session of the year: the day it met, or (not yet held) the day it opened."""
    return Q(session__held_on__year=year) | Q(
        session__held_on__isnull=True, session__opened_at__year=year
    )


def sessions_attended(deputies, year) -> Counts:
    """Sessions of the congress (or residents' council) the deputy attended."""
    return _by_deputy(
        Attendance.objects.filter(deputy__in=deputies, present=True)
        .filter(_in_year(year))
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _participations(deputies, year, kind) -> Counts:
    # Participation says that a deputy voted, and nothing of how: it is the only voting
    # record a source may read.
    return _by_deputy(
        Participation.objects.filter(deputy__in=deputies, session__kind=kind)
        .filter(_in_year(year))
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def votes_cast(deputies, year) -> Counts:
    """Project votes in which the deputy cast a ballot (that they voted, never how)."""
    return _participations(deputies, year, SessionKind.SELECTION)


def ratings_cast(deputies, year) -> Counts:
    """Satisfaction votes in which the deputy rated the projects (that they rated)."""
    return _participations(deputies, year, SessionKind.SATISFACTION)


def meetings_attended(deputies, year) -> Counts:
    """Supervision meetings held in the year (mid-year, quarterly, council) the deputy
    attended."""
    from core.models.meetings import Meeting

    return _by_deputy(
        Meeting.attendees.through.objects.filter(deputy__in=deputies, meeting__held_on__year=year)
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def inspections_joined(deputies, year) -> Counts:
    """Inspections, research visits and special inquiries of the year the deputy went on."""
    from core.models.inspections import Inspection

    return _by_deputy(
        Inspection.deputies.through.objects.filter(
            deputy__in=deputies, inspection__held_on__year=year
        )
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


DUTY_SOURCES: list[DutySource] = [
    DutySource("suggestions_made", _("Suggestions made"), Decimal("2"), suggestions_made),
    DutySource("suggestions_adopted", _("Suggestions adopted"), Decimal("5"), suggestions_adopted),
    DutySource(
        "reports_signed_off",
        _("Reports signed off (monitoring group)"),
        Decimal("3"),
        reports_signed_off,
    ),
    DutySource("opinions_issued", _("Monitoring opinions issued"), Decimal("2"), opinions_issued),
    DutySource("sessions_attended", _("Sessions attended"), Decimal("2"), sessions_attended),
    DutySource(
        "meetings_attended",
        _("Supervision meetings attended"),
        Decimal("2"),
        meetings_attended,
    ),
    DutySource("inspections_joined", _("Inspections joined"), Decimal("3"), inspections_joined),
    DutySource("votes_cast", _("Project votes cast"), Decimal("1"), votes_cast),
    DutySource("ratings_cast", _("Satisfaction ratings cast"), Decimal("1"), ratings_cast),
    DutySource(
        "candidate_comments",
        _("Comments on published candidates"),
        Decimal("1"),
        candidate_comments,
    ),
]


def duty_sources() -> list[DutySource]:
    return list(DUTY_SOURCES)


def source_codes() -> set[str]:
    return {s.code for s in DUTY_SOURCES}


def point_table(jurisdiction) -> dict[str, Decimal]:
    """The jurisdiction's points per source: what the congress office set, else defaults."""
    table = {s.code: s.default_points for s in DUTY_SOURCES}
    for code, points in DutyPointRule.objects.filter(jurisdiction=jurisdiction).values_list(
        "source", "points"
    ):
        if code in table:
            table[code] = points
    return table


@dataclass
class DutyRecord:
    deputy: Deputy
    year: int
    counts: dict[str, int]
    points: dict[str, Decimal]
    rank: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.points.values(), Decimal(0))

    def lines(self):
        """(source, count, points) in the order of the sources."""
        return [(s, self.counts[s.code], self.points[s.code]) for s in DUTY_SOURCES]


def duty_records(deputies: Iterable[Deputy], year: int, jurisdiction) -> list[DutyRecord]:
    """Every deputy's record for the year, ranked by points (ties share a rank), in one
    query per source whatever the number of deputies."""
    deputies = list(deputies)
    table = point_table(jurisdiction)
    counted = {s.code: s.count(deputies, year) for s in DUTY_SOURCES}
    records = []
    for deputy in deputies:
        counts = {code: counted[code].get(deputy.pk, 0) for code in counted}
        points = {code: table[code] * counts[code] for code in counts}
        records.append(DutyRecord(deputy=deputy, year=year, counts=counts, points=points))
    records.sort(key=lambda r: (-r.total, r.deputy.name, r.deputy.pk))
    previous, rank = None, 0
    for position, record in enumerate(records, start=1):
        if record.total != previous:
            rank, previous = position, record.total
        record.rank = rank
    return records


def ranking(jurisdiction, year: int) -> list[DutyRecord]:
    deputies = Deputy.objects.filter(jurisdiction=jurisdiction, active=True).order_by("name")
    return duty_records(deputies, year, jurisdiction)


def duty_record(deputy: Deputy, year: int) -> DutyRecord:
    """One deputy's record, with their rank among the jurisdiction's deputies."""
    for record in ranking(deputy.jurisdiction, year):
        if record.deputy.pk == deputy.pk:
            return record
    return duty_records([deputy], year, deputy.jurisdiction)[0]
