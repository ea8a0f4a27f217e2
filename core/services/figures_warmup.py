"""Keep the large scopes' supervision figures warm (run by the beat).

Every jurisdiction whose subtree holds at least the figures cache's minimum of
jurisdictions (a province, a large city) gets its process map and dashboard computed
afresh, for this year, next year (the year being voted on) and all years, whatever
category: what a supervisor opens first. The figures are computed as a reader of exactly
that subtree (`SubtreeReader`): the same figures every supervisor of it or above is
shown. Nothing is written to the database.
"""

import logging
from bisect import bisect_right
from functools import partial

from django.utils import timezone

from core.models import Jurisdiction
from core.selectors import dashboard, process_map, supervision_figures
from core.selectors.figures_cache import min_jurisdictions, refresh_figures
from permissions.scope import SubtreeReader

log = logging.getLogger(__name__)


def large_scopes() -> list[Jurisdiction]:
    """The jurisdictions whose subtree is large enough for shared figures (one query)."""
    everything = list(Jurisdiction.objects.only("pk", "code", "path").order_by("path"))
    paths = [j.path for j in everything]
    minimum = min_jurisdictions()
    # sorted by path, a jurisdiction's subtree is itself and the run of paths after it
    return [
        j
        for index, j in enumerate(everything)
        if bisect_right(paths, j.path + "\U0010ffff") - index >= minimum
    ]


def warm_years(today=None) -> list:
    """This year, next year and all years (None)."""
    year = (today or timezone.localdate()).year
    return [year, year + 1, None]


def figures_warm(*, today=None) -> int:
    """Compute and keep the large scopes' figures; how many pages' figures were kept."""
    kept = 0
    flows = {name: process_map.flow_for(name) for name in process_map.MAP_FLOWS}
    for scope in large_scopes():
        reader = SubtreeReader(scope)
        for year in warm_years(today):
            filters = dashboard.resolve_filters(
                reader, code=scope.code, year=year or "all", category=None
            )
            kept += refresh_figures(
                supervision_figures.DASHBOARD,
                reader,
                filters,
                partial(supervision_figures.dashboard_figures, reader, filters),
            )
            for name, flow_class in flows.items():
                kept += refresh_figures(
                    supervision_figures.map_kind(name),
                    reader,
                    filters,
                    partial(supervision_figures.map_figures, reader, filters, flow_class),
                )
    log.info("supervision figures kept warm: %s pages", kept)
    return kept
