"""API endpoints of the reporting area, included by core/api/urls.py: the dashboard's
figures and the process map's live counts as JSON, over the same scoped selectors as
the pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from core.selectors import dashboard, process_map
from permissions.checks import can_view_supervision


def _filters(request):
    if not can_view_supervision(request.user):
        raise PermissionDenied
    params = request.query_params
    return dashboard.resolve_filters(
        request.user,
        code=params.get("under"),
        year=params.get("year"),
        category=params.get("category"),
    )


def _number(value):
    return None if value is None else float(value)


def _row(row: dict) -> dict:
    out = {name: row[name] for name in dashboard.SET_LABELS}
    for key in ("budget", "spent", "satisfaction", "completion_rate", "on_time_rate"):
        out[key] = _number(row.get(key))
    return out


def _scope(filters) -> dict:
    return {
        "jurisdiction": filters.root.code if filters.root else None,
        "year": filters.year,
        "category": filters.category.code if filters.category else None,
    }


class DashboardFigures(APIView):
    """The dashboard's figures: ?under=<jurisdiction code>&year=<year|all>&category=."""

    def get(self, request):
        filters = _filters(request)
        data = dashboard.dashboard_figures(request.user, filters)
        return Response(
            {
                "scope": _scope(filters),
                "totals": _row(data["totals"]),
                "suggestions": {value: n for value, _label, n in data["by_channel"]},
                "deputies": {
                    "total": data["deputies"]["total"],
                    "taking_part": data["deputies"]["taking_part"],
                },
                "by_year": [{"year": r["year"], **_row(r)} for r in data["by_year"]],
                "by_jurisdiction": [
                    {"jurisdiction": r["jurisdiction"].code, "own": r["own"], **_row(r)}
                    for r in data["by_jurisdiction"]
                ],
                "by_category": [
                    {"category": r["category"].code, **_row(r)} for r in data["by_category"]
                ],
            }
        )


class ProcessMapFigures(APIView):
    """Per step of a flow: the cases there now, overdue, ended, the median days."""

    def get(self, request, flow):
        filters = _filters(request)
        flow_class = process_map.flow_for(flow)
        if flow_class is None:
            raise Http404
        figures = process_map.step_figures(request.user, filters, flow_class)
        return Response(
            {
                "scope": _scope(filters),
                "steps": {
                    name: {
                        "now": f.now,
                        "overdue": f.overdue,
                        "ended": f.ended,
                        "median_days": f.median_days,
                    }
                    for name, f in sorted(figures.items())
                },
            }
        )


urlpatterns = [
    path("reporting/dashboard/", DashboardFigures.as_view(), name="api-reporting-dashboard"),
    path("reporting/map/<slug:flow>/", ProcessMapFigures.as_view(), name="api-reporting-map"),
]
