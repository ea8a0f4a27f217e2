"""The figures offices report upward, as aggregate queries over the user's scope.

Every figure is a named set of projects (`project_set_q`); the case list filters by the
same name (`?set=`), so a figure and the list behind it always agree. Each function here
runs a fixed number of queries whatever the number of cases.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Case, CharField, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Left, StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import (
    PUBLIC_STAGES,
    Band,
    Category,
    Channel,
    Deputy,
    Jurisdiction,
    Project,
    Stage,
    Suggestion,
)
from permissions.scope import home_jurisdictions, jurisdiction_q

# Stages a project reaches only after the Party committee approved it as a candidate.
CANDIDATE_AND_AFTER = (Stage.CANDIDATE, Stage.NOT_ELECTED, *PUBLIC_STAGES)

SET_LABELS = {
    "registered": _("Projects registered"),
    "candidates": _("Candidates approved by the Party committee"),
    "voted": _("Put to the vote"),
    "elected": _("Elected by the deputies"),
    "not_elected": _("Not elected"),
    "completed": _("Completed and accepted"),
    "on_time": _("Completed by the deadline"),
    "overdue": _("Past the deadline, not completed"),
    "rated": _("Rated by the deputies"),
    "band_commend": _("Satisfaction ≥ 85 % (commended)"),
    "band_normal": _("Satisfaction 60–85 %"),
    "band_accountability": _("Satisfaction < 60 % (accountability)"),
}


def project_set_q(name: str, *, today: datetime.date | None = None) -> Q:
    """The filter of one named set of projects; unknown names match nothing."""
    today = today or timezone.localdate()
    sets = {
        "registered": Q(),
        "candidates": Q(stage__in=CANDIDATE_AND_AFTER),
        "voted": Q(elected__isnull=False),
        "elected": Q(elected=True),
        "not_elected": Q(elected=False),
        "completed": Q(accepted_at__isnull=False),
        "on_time": Q(
            accepted_at__isnull=False,
            deadline__isnull=False,
            accepted_at__date__lte=F("deadline"),
        ),
        "overdue": Q(elected=True, accepted_at__isnull=True, deadline__lt=today),
        "rated": Q(band__in=[Band.COMMEND, Band.NORMAL, Band.ACCOUNTABILITY]),
        "band_commend": Q(band=Band.COMMEND),
        "band_normal": Q(band=Band.NORMAL),
        "band_accountability": Q(band=Band.ACCOUNTABILITY),
    }
    return sets.get(name, Q(pk__in=[]))


COUNTED_SETS = tuple(SET_LABELS)


def _figures(today) -> dict:
    """The aggregates of one row of figures (a total, a year, a jurisdiction, a category).

    Aliased with a prefix: several figures share their name with a Project field.
    """
    aggregates = {
        f"f_{name}": Count("pk", filter=project_set_q(name, today=today))
        if name != "registered"
        else Count("pk")
        for name in COUNTED_SETS
    }
    elected = project_set_q("elected")
    rated = project_set_q("rated")
    aggregates["f_budget"] = Sum("budget", filter=elected)
    aggregates["f_spent"] = Sum("funds_spent", filter=elected)
    aggregates["f_satisfaction"] = Avg("satisfaction_rate", filter=rated)
    aggregates["f_rate_n"] = Count("satisfaction_rate", filter=rated)
    return aggregates


def _unprefixed(row: dict) -> dict:
    return {key[2:] if key.startswith("f_") else key: value for key, value in row.items()}


def _rate(part, whole):
    if not whole:
        return None
    return Decimal(part * 100) / Decimal(whole)


def _with_rates(row: dict) -> dict:
    row["completion_rate"] = _rate(row.get("completed") or 0, row.get("elected") or 0)
    row["on_time_rate"] = _rate(row.get("on_time") or 0, row.get("completed") or 0)
    return row


@dataclass
class Filters:
    """What a supervisor looks at: a jurisdiction with its subtree, a year, a category."""

    root: Jurisdiction | None
    year: int | None
    category: Category | None
    roots: list = field(default_factory=list)  # the jurisdictions the user may pick
    categories: list = field(default_factory=list)

    def project_q(self, user, *, with_year: bool = True) -> Q:
        q = jurisdiction_q(user)
        if self.root is not None:
            q &= Q(jurisdiction__path__startswith=self.root.path)
        if with_year and self.year:
            q &= Q(year=self.year)
        if self.category is not None:
            q &= Q(category=self.category)
        return q

    @property
    def choices(self) -> list:
        """The jurisdictions the filter offers: the way up (the chosen one's readable
        ancestors and the user's top jurisdictions), the chosen one beside its siblings,
        and the way down (its children, each a step further down). A few dozen, however
        large the province: a province's thousand townships are reached through their
        county."""
        if self.root is None:
            return list(self.roots)
        readable = {j.pk for j in self.roots}
        return [
            j
            for j in self.roots
            if self.root.path.startswith(j.path)
            or j.parent_id in (self.root.pk, self.root.parent_id)
            or j.parent_id not in readable
        ]

    @property
    def years(self) -> list[int]:
        """The years offered in the filter: next year back to seven years ago."""
        this_year = timezone.localdate().year
        years = list(range(this_year + 1, this_year - 8, -1))
        if self.year and self.year not in years:
            years.append(self.year)
        return years

    def as_params(self) -> dict:
        params = {}
        if self.root is not None:
            params["under"] = self.root.code
        params["year"] = self.year or "all"
        if self.category is not None:
            params["category"] = self.category.code
        return params


def resolve_filters(user, *, code: str | None, year, category: str | None) -> Filters:
    """Read the filters a page was asked for; anything outside the user's scope is ignored.

    Two queries: the jurisdictions the user reads, and the categories.
    """
    readable = list(Jurisdiction.objects.filter(jurisdiction_q(user, field=None)).order_by("path"))
    by_code = {j.code: j for j in readable}
    root = by_code.get(code or "")
    if root is None:
        homes = [j for j in home_jurisdictions(user) if j.code in by_code]
        root = by_code[homes[-1].code] if homes else (readable[0] if readable else None)
    if year in (None, ""):
        year = timezone.localdate().year
    elif str(year) == "all":
        year = None
    elif str(year).isdigit() and 2000 <= int(year) <= 2100:
        year = int(year)
    else:
        year = timezone.localdate().year
    categories = list(Category.objects.order_by("order", "code"))
    chosen = next((c for c in categories if c.code == category), None)
    return Filters(root=root, year=year, category=chosen, roots=readable, categories=categories)


def dashboard_figures(user, filters: Filters) -> dict:
    """Every figure of the dashboard, in three queries whatever the number of cases.

    The projects' figures are aggregated once, grouped by jurisdiction, category and
    year; the totals, the rows by jurisdiction (rolled up the tree), by category and by
    year are sums of those groups.
    """
    today = timezone.localdate()
    groups = [
        _unprefixed(row)
        for row in Project.objects.filter(filters.project_q(user, with_year=False))
        .order_by()
        .annotate(branch=_branch(filters.root))
        .values("branch", "category_id", "year")
        .annotate(**_figures(today))
    ]
    chosen = [g for g in groups if not filters.year or g["year"] == filters.year]

    suggestions = Suggestion.objects.filter(jurisdiction_q(user))
    if filters.root is not None:
        suggestions = suggestions.filter(jurisdiction__path__startswith=filters.root.path)
    if filters.year:
        suggestions = suggestions.filter(year=filters.year)
    if filters.category is not None:
        suggestions = suggestions.filter(category=filters.category)
    counted = dict(
        suggestions.order_by()
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    by_channel = [(value, label, counted.get(value, 0)) for value, label in Channel.choices]

    years = sorted({g["year"] for g in groups})
    return {
        "totals": _summed(chosen),
        "suggestions": sum(n for _v, _l, n in by_channel),
        "by_channel": by_channel,
        "deputies": _deputies_taking_part(user, filters),
        "by_year": [
            {"year": year, **_summed([g for g in groups if g["year"] == year])} for year in years
        ],
        "by_jurisdiction": _by_jurisdiction(filters, chosen),
        "by_category": _by_category(filters, chosen),
    }


def _monitoring_q(filters: Filters):
    through = Project.monitors.through.objects.filter(deputy_id=OuterRef("pk"))
    if filters.year:
        through = through.filter(project__year=filters.year)
    if filters.category is not None:
        through = through.filter(project__category=filters.category)
    return Exists(through)


def _proposing_q(filters: Filters):
    proposed = Suggestion.objects.filter(deputy_id=OuterRef("pk"))
    if filters.year:
        proposed = proposed.filter(year=filters.year)
    if filters.category is not None:
        proposed = proposed.filter(category=filters.category)
    return Exists(proposed)


def deputies_taking_part(user, filters: Filters):
    """Deputies who proposed a suggestion or served in a monitoring group (the list)."""
    qs = Deputy.objects.filter(jurisdiction_q(user))
    if filters.root is not None:
        qs = qs.filter(jurisdiction__path__startswith=filters.root.path)
    return (
        qs.filter(_monitoring_q(filters) | _proposing_q(filters))
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "name")
    )


def _deputies_taking_part(user, filters: Filters) -> dict:
    qs = Deputy.objects.filter(jurisdiction_q(user))
    if filters.root is not None:
        qs = qs.filter(jurisdiction__path__startswith=filters.root.path)
    row = qs.aggregate(total=Count("pk", filter=Q(active=True)))
    # Counted from the year's monitoring groups and suggestions (a few rows per project)
    # rather than by probing both for every deputy of the scope.
    monitoring = Project.monitors.through.objects.filter(deputy__in=qs.values("pk"))
    proposing = Suggestion.objects.filter(deputy__in=qs.values("pk"))
    if filters.year:
        monitoring = monitoring.filter(project__year=filters.year)
        proposing = proposing.filter(year=filters.year)
    if filters.category is not None:
        monitoring = monitoring.filter(project__category=filters.category)
        proposing = proposing.filter(category=filters.category)
    row["taking_part"] = (
        monitoring.order_by().values("deputy_id").union(proposing.order_by().values("deputy_id"))
    ).count()
    row["rate"] = _rate(row["taking_part"], row["total"])
    return row


def _by_jurisdiction(filters: Filters, groups: list[dict]) -> list[dict]:
    """One row for the chosen jurisdiction's own cases, one per child rolled up over its
    subtree."""
    root = filters.root
    if root is None:
        return []
    subtree = [j for j in filters.roots if j.path.startswith(root.path)]
    children = [j for j in subtree if j.parent_id == root.pk]
    by_branch: dict[str, list[dict]] = {}
    for group in groups:
        by_branch.setdefault(group["branch"], []).append(group)
    rows = [{"jurisdiction": root, "own": True, **_summed(by_branch.get(root.path, []))}]
    for child in children:
        rows.append({"jurisdiction": child, "own": False, **_summed(by_branch.get(child.path, []))})
    return rows


def _branch(root):
    """The path of the branch of `root` a project sits in: the root's own path for its
    own cases, its child's path for a case anywhere under that child. Grouping by it
    keeps the groups to (children + 1) × categories × years, however many townships lie
    below the children."""
    if root is None:
        return Value("", output_field=CharField())
    path = F("jurisdiction__path")
    below = Substr(path, len(root.path) + 1)
    return Case(
        When(jurisdiction__path=root.path, then=Value(root.path)),
        default=Left(path, StrIndex(below, Value("/")) + len(root.path)),
        output_field=CharField(),
    )


def _summed(groups: list[dict]) -> dict:
    """The figures of several groups together: counts and money added up, the average
    satisfaction weighted by the number of rated projects, the rates recomputed."""
    row = {name: 0 for name in COUNTED_SETS}
    row.update(budget=Decimal(0), spent=Decimal(0), rate_n=0)
    weighted = Decimal(0)
    for figures in groups:
        for name in COUNTED_SETS:
            row[name] += figures[name]
        row["budget"] += figures["budget"] or 0
        row["spent"] += figures["spent"] or 0
        if figures["satisfaction"] is not None and figures["rate_n"]:
            row["rate_n"] += figures["rate_n"]
            weighted += Decimal(figures["satisfaction"]) * figures["rate_n"]
    row["satisfaction"] = weighted / row["rate_n"] if row["rate_n"] else None
    return _with_rates(row)


def _by_category(filters: Filters, groups: list[dict]) -> list[dict]:
    rows = []
    for category in filters.categories:
        inside = [g for g in groups if g["category_id"] == category.pk]
        if inside:
            rows.append({"category": category, **_summed(inside)})
    return rows


def annual_projects(user, filters: Filters):
    """The projects of the annual report: every case of the year that reached the vote."""
    return (
        Project.objects.filter(filters.project_q(user))
        .filter(project_set_q("voted"))
        .select_related("jurisdiction", "category", "lead_unit")
        .order_by("jurisdiction__path", "-elected", "vote_rank", "category__order", "title")
    )


def suggestions_behind(user, filters: Filters, *, channel: str | None = None):
    """The suggestions behind the dashboard's suggestion figures."""
    qs = Suggestion.objects.filter(jurisdiction_q(user))
    if filters.root is not None:
        qs = qs.filter(jurisdiction__path__startswith=filters.root.path)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.select_related("jurisdiction", "category").order_by("-created", "-pk")
