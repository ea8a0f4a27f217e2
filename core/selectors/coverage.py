"""The coverage figure offices quote ("666 townships, 84.7 %"): how many of a county's
townships and streets, or of a city's counties, held a vote this year."""

from dataclasses import dataclass
from decimal import Decimal

from core.models import Jurisdiction, Level, Project
from permissions.scope import jurisdiction_q

# Whose votes a level's coverage counts.
COUNTED_LEVELS = {
    Level.COUNTY: (Level.TOWNSHIP, Level.STREET),
    Level.CITY: (Level.COUNTY,),
}


@dataclass(frozen=True)
class Coverage:
    root: Jurisdiction
    year: int
    units: int
    voted: int
    voted_units: list

    @property
    def share(self) -> Decimal | None:
        if not self.units:
            return None
        return (Decimal(self.voted * 100) / Decimal(self.units)).quantize(Decimal("0.1"))

    @property
    def county_level(self) -> bool:
        return self.root.level == Level.CITY


def coverage(user, root: Jurisdiction | None, year: int | None) -> Coverage | None:
    """Two queries: the units under `root` the user may read, and which of them recorded
    a congress (or residents' council) vote on this year's projects."""
    if root is None or year is None or root.level not in COUNTED_LEVELS:
        return None
    units = list(
        Jurisdiction.objects.filter(jurisdiction_q(user, field=None))
        .filter(path__startswith=root.path, level__in=COUNTED_LEVELS[root.level])
        .exclude(pk=root.pk)
        .order_by("path")
    )
    voted_ids = set(
        Project.objects.filter(jurisdiction__in=units, year=year, elected__isnull=False)
        .order_by()
        .values_list("jurisdiction_id", flat=True)
        .distinct()
    )
    return Coverage(
        root=root,
        year=year,
        units=len(units),
        voted=len(voted_ids),
        voted_units=[u for u in units if u.pk in voted_ids],
    )
