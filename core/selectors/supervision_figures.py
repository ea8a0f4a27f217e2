"""The figures behind the supervisors' process map and dashboard, as their pages show
them, computed for a reader and the chosen filters. The pages call these through the
figures cache (`figures_cache.cached_figures`); the beat keeps the large scopes' figures
warm with the same functions (`core.services.figures_warmup`), so a page and the warm-up
can never compute different things."""

from core.selectors import dashboard as dashboard_selectors
from core.selectors import process_map
from core.selectors.dashboard import Filters


def map_figures(user, filters: Filters, flow_class) -> tuple:
    """(figures per step, overdue steps rolled up per child jurisdiction)."""
    return (
        process_map.step_figures(user, filters, flow_class),
        process_map.rolled_up(
            filters, process_map.overdue_steps_by_jurisdiction(user, filters, flow_class)
        ),
    )


def dashboard_figures(user, filters: Filters) -> tuple:
    """(the dashboard's figures, overdue steps per child jurisdiction, overdue in all)."""
    overdue_steps = process_map.overdue_steps_by_jurisdiction(user, filters)
    rolled = process_map.rolled_up(filters, overdue_steps)
    return (
        dashboard_selectors.dashboard_figures(user, filters),
        {row["jurisdiction"].pk: row["n"] for row in rolled},
        sum(overdue_steps.values()),
    )


def map_kind(flow: str) -> str:
    """The cache's name for a flow's process map (its URL name)."""
    return f"map-{flow}"


DASHBOARD = "dashboard"
