"""Supervisors' pages: live process maps, the dashboard, the annual report, exports and
roster imports. Every figure comes from an aggregate selector and links to the list
behind it."""

import functools
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from viewflow.workflow import chart

from core.models import Channel, Stage
from core.models.reporting import ExportKind, ImportKind, ImportStatus
from core.selectors import dashboard as dashboard_selectors
from core.selectors import process_map, supervision_figures
from core.selectors import reporting as reporting_selectors
from core.selectors.figures_cache import cached_figures
from core.services import exports as export_services
from core.services import imports as import_services
from core.views.files import serve_file
from permissions import checks

PAGE_SIZE = 25


def _require_supervision(request):
    if not checks.can_view_supervision(request.user):
        raise PermissionDenied


def _filters(request):
    return dashboard_selectors.resolve_filters(
        request.user,
        code=request.GET.get("under"),
        year=request.GET.get("year"),
        category=request.GET.get("category"),
    )


def _url(name, *args, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def cases_url(filters, **params) -> str:
    """The case list behind a figure: the same jurisdiction subtree, year and category."""
    return _url("core:cases", **{**filters.as_params(), **params})


# -- process map ---------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _layout(flow_name: str, language: str):
    """The flow's chart layout and its SVG, computed once per flow and language."""
    flow_class = process_map.flow_for(flow_name)
    grid = chart.calc_layout_data(flow_class)
    return grid, chart.grid_to_svg(grid)


CHART_SCALE = 0.7
HEAT = ((255, 247, 236), (253, 212, 158), (252, 141, 89), (215, 48, 31))


def heat_colour(value: int, top: int) -> str:
    """White-orange-red by the share of the busiest step."""
    if not value or not top:
        return "none"
    t = min(value / top, 1.0) * (len(HEAT) - 1)
    i = min(int(t), len(HEAT) - 2)
    f = t - i
    r, g, b = (round(a + (b - a) * f) for a, b in zip(HEAT[i], HEAT[i + 1], strict=True))
    return f"rgb({r},{g},{b})"


def heat_map_svg(flow_name: str, figures: dict, link_for) -> str:
    """viewflow's chart of the flow with every step's live figures laid over it."""
    grid, svg = _layout(flow_name, get_language() or "")
    top = max((f.now for f in figures.values()), default=0)
    overlay = []
    for cell in grid.cells:
        node = cell.node
        kind = getattr(node, "task_type", "")
        if kind not in ("HUMAN", "FUNCTION", "END"):
            continue
        fig = figures.get(node.name) or process_map.StepFigures(name=node.name)
        x, y, w, h = cell.shape.x, cell.shape.y, cell.shape.width, cell.shape.height
        href = link_for(node.name)
        title = str(node.task_title or node.name)
        if kind == "END":
            overlay.append(
                format_html(
                    '<a href="{}" class="heat-step"><title>{}: {}</title>'
                    '<circle cx="{}" cy="{}" r="{}" fill="transparent"/>'
                    '<text class="heat-end" x="{}" y="{}">{}</text></a>',
                    href,
                    title,
                    fig.ended,
                    x + w // 2,
                    y + h // 2,
                    w // 2,
                    x + w // 2,
                    y + h + 16,
                    fig.ended,
                )
            )
            continue
        median = fig.median_days
        summary = _("%(now)s now · %(overdue)s overdue") % {"now": fig.now, "overdue": fig.overdue}
        median_text = _("median %(days)s d") % {"days": median} if median is not None else ""
        overlay.append(
            format_html(
                '<a href="{}" class="heat-step{}"><title>{}: {}{}</title>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="5" ry="5" fill="{}" '
                'fill-opacity="0.55" stroke="{}" stroke-width="{}"/>'
                '<text class="heat-now" x="{}" y="{}">{}</text>'
                '<text class="heat-more" x="{}" y="{}">{}</text></a>',
                href,
                " heat-overdue" if fig.overdue else "",
                title,
                summary,
                f" · {median_text}" if median_text else "",
                x,
                y,
                w,
                h,
                heat_colour(fig.now, top),
                "#b71c1c" if fig.overdue else "none",
                3 if fig.overdue else 0,
                x + w - 6,
                y + 17,
                _("%(n)s now") % {"n": fig.now},
                x + 6,
                y + h - 7,
                " · ".join(
                    part
                    for part in (
                        ngettext("%(n)s overdue", "%(n)s overdue", fig.overdue) % {"n": fig.overdue}
                        if fig.overdue
                        else "",
                        median_text,
                    )
                    if part
                ),
            )
        )
    style = (
        "<style>.heat-now{font:bold 15px sans-serif;fill:#000;text-anchor:end}"
        ".heat-more{font:13px sans-serif;fill:#222}"
        ".heat-end{font:bold 15px sans-serif;text-anchor:middle}"
        ".heat-step:hover rect{stroke:#0a4fa8;stroke-width:3}</style>"
    )
    # a fixed scale: the page scrolls the chart sideways rather than shrink its text
    svg = svg.replace(
        'width="100%" height="100%"',
        f'width="{round(grid.width * CHART_SCALE)}" height="{round(grid.height * CHART_SCALE)}"',
        1,
    )
    return mark_safe(svg.replace("</svg>", style + "".join(overlay) + "</svg>", 1))


def _map_steps(flow_name: str, figures: dict, link_for) -> list[dict]:
    """The same figures as a table, in the order of the chart (for phones and readers)."""
    grid, _svg = _layout(flow_name, get_language() or "")
    cells = sorted(grid.cells, key=lambda c: (c.col, c.row))
    rows = []
    for cell in cells:
        node = cell.node
        if getattr(node, "task_type", "") not in ("HUMAN", "FUNCTION", "END"):
            continue
        fig = figures.get(node.name) or process_map.StepFigures(name=node.name)
        rows.append(
            {
                "name": node.name,
                "title": node.task_title or node.name,
                "end": node.task_type == "END",
                "figures": fig,
                "due_days": process_map.STEP_DUE_DAYS.get(node.name),
                "url": link_for(node.name),
                "overdue_url": link_for(node.name, overdue=True),
            }
        )
    return rows


@login_required
def map_home(request):
    return redirect("supervision:map", flow="project")


@login_required
def process_map_page(request, flow):
    _require_supervision(request)
    flow_class = process_map.flow_for(flow)
    if flow_class is None:
        raise Http404
    filters = _filters(request)
    (figures, by_jurisdiction), as_of = cached_figures(
        supervision_figures.map_kind(flow),
        request.user,
        filters,
        lambda: supervision_figures.map_figures(request.user, filters, flow_class),
    )
    for row in by_jurisdiction:
        row["url"] = (
            None
            if row["own"]
            else _url(
                "supervision:map",
                flow,
                **{**filters.as_params(), "under": row["jurisdiction"].code},
            )
        )

    def link_for(step, overdue=False):
        return _url(
            "supervision:map_step",
            flow,
            step,
            overdue=1 if overdue else None,
            **filters.as_params(),
        )

    return render(
        request,
        "supervision/map.html",
        {
            "filters": filters,
            "flow": flow,
            "flow_title": flow_class.process_title,
            "svg": heat_map_svg(flow, figures, link_for),
            "steps": _map_steps(flow, figures, link_for),
            "by_jurisdiction": by_jurisdiction,
            "totals": {
                "now": sum(f.now for f in figures.values()),
                "overdue": sum(f.overdue for f in figures.values()),
            },
            "figures_as_of": as_of,
        },
    )


@login_required
def map_step(request, flow, step):
    _require_supervision(request)
    flow_class = process_map.flow_for(flow)
    node = process_map.node_for(flow_class, step) if flow_class else None
    if node is None:
        raise Http404
    filters = _filters(request)
    overdue = request.GET.get("overdue") == "1"
    qs = process_map.step_projects(request.user, filters, node, overdue=overdue)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for project in page.object_list:
        project.due = (
            process_map.step_due(node, project.step_due, project.step_opened)
            if hasattr(project, "step_due")
            else None
        )
        project.days_overdue = (
            (today - project.due).days if project.due and project.due < today else 0
        )
    return render(
        request,
        "supervision/map_step.html",
        {
            "filters": filters,
            "flow": flow,
            "node": node,
            "overdue": overdue,
            "due_days": process_map.STEP_DUE_DAYS.get(step),
            "page": page,
            "map_url": _url("supervision:map", flow, **filters.as_params()),
        },
    )


# -- dashboard -----------------------------------------------------------------------


def _figure_links(filters, totals) -> list[dict]:
    labels = dashboard_selectors.SET_LABELS
    order = [
        "registered",
        "candidates",
        "voted",
        "elected",
        "not_elected",
        "completed",
        "on_time",
        "overdue",
    ]
    return [
        {
            "name": name,
            "label": labels[name],
            "value": totals[name],
            "url": cases_url(filters, set=name),
        }
        for name in order
    ]


def _bar_chart(by_year, filters) -> list[dict]:
    """Bars per year for the trend chart, scaled to the busiest year."""
    top = max((row["registered"] for row in by_year), default=0) or 1
    bars = []
    for row in by_year:
        params = {**filters.as_params(), "year": row["year"]}
        bars.append(
            {
                "year": row["year"],
                "row": row,
                "series": [
                    (
                        name,
                        dashboard_selectors.SET_LABELS[name],
                        row[name],
                        round(row[name] * 100 / top),
                        _url("core:cases", set=name, **params),
                    )
                    for name in ("registered", "elected", "completed")
                ],
                "dashboard_url": _url("supervision:dashboard", **params),
            }
        )
    return bars


@login_required
def dashboard(request):
    _require_supervision(request)
    filters = _filters(request)

    (data, steps_rolled, overdue_total), as_of = cached_figures(
        supervision_figures.DASHBOARD,
        request.user,
        filters,
        lambda: supervision_figures.dashboard_figures(request.user, filters),
    )
    totals = data["totals"]
    suggestion_params = filters.as_params()
    by_jurisdiction = data["by_jurisdiction"]
    totals["overdue_steps"] = overdue_total
    for row in by_jurisdiction:
        row["overdue_steps"] = steps_rolled.get(row["jurisdiction"].pk, 0)
        row["overdue_steps_url"] = _url(
            "supervision:map",
            "project",
            **{**filters.as_params(), "under": row["jurisdiction"].code},
        )
        code = row["jurisdiction"].code
        params = {k: v for k, v in filters.as_params().items() if k != "under"}
        # the chosen jurisdiction's own cases; each child with its whole subtree
        params.update({"jurisdiction": code} if row["own"] else {"under": code})
        row["urls"] = {
            name: _url("core:cases", set=name, **params)
            for name in ("registered", "elected", "completed", "on_time", "overdue", "rated")
        }
        row["dashboard_url"] = (
            None
            if row["own"]
            else _url("supervision:dashboard", **{**filters.as_params(), "under": code})
        )
    for row in data["by_category"]:
        row["urls"] = {
            name: cases_url(filters, set=name, category=row["category"].code)
            for name in ("registered", "elected", "completed", "on_time", "rated")
        }
    max_category = max((row["registered"] for row in data["by_category"]), default=0) or 1
    for row in data["by_category"]:
        row["width"] = round(row["registered"] * 100 / max_category)
    context = {
        "filters": filters,
        "figures_as_of": as_of,
        "data": data,
        "totals": totals,
        "figures": _figure_links(filters, totals),
        "map_url": _url("supervision:map", "project", **filters.as_params()),
        "bands": [
            (name, dashboard_selectors.SET_LABELS[name], totals[name], cases_url(filters, set=name))
            for name in ("band_commend", "band_normal", "band_accountability")
        ],
        "channels": [
            (value, label, n, _url("supervision:suggestions", channel=value, **suggestion_params))
            for value, label, n in data["by_channel"]
        ],
        "suggestions_url": _url("supervision:suggestions", **suggestion_params),
        "deputies_url": _url("supervision:deputies", **suggestion_params),
        "rated_url": cases_url(filters, set="rated"),
        "elected_url": cases_url(filters, set="elected"),
        "completed_url": cases_url(filters, set="completed"),
        "on_time_url": cases_url(filters, set="on_time"),
        "bars": _bar_chart(data["by_year"], filters),
        "annual_url": (
            reverse("supervision:annual", args=[filters.root.code, filters.year])
            if filters.root is not None and filters.year
            else None
        ),
    }
    return render(request, "supervision/dashboard.html", context)


@login_required
def suggestions_behind(request):
    _require_supervision(request)
    filters = _filters(request)
    channel = request.GET.get("channel") or None
    if channel not in (None, *Channel.values):
        channel = None
    qs = dashboard_selectors.suggestions_behind(request.user, filters, channel=channel)
    return render(
        request,
        "supervision/suggestions.html",
        {
            "filters": filters,
            "channel": Channel(channel).label if channel else None,
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "dashboard_url": _url("supervision:dashboard", **filters.as_params()),
        },
    )


@login_required
def deputies_behind(request):
    _require_supervision(request)
    filters = _filters(request)
    qs = dashboard_selectors.deputies_taking_part(request.user, filters)
    return render(
        request,
        "supervision/deputies.html",
        {
            "filters": filters,
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "dashboard_url": _url("supervision:dashboard", **filters.as_params()),
        },
    )


@login_required
def annual_report(request, code, year):
    """The printable annual report of one jurisdiction (its sub-jurisdictions rolled up)."""
    _require_supervision(request)
    filters = dashboard_selectors.resolve_filters(request.user, code=code, year=year, category=None)
    if filters.root is None or filters.root.code != code or filters.year != year:
        raise Http404
    data = dashboard_selectors.dashboard_figures(request.user, filters)
    projects = list(dashboard_selectors.annual_projects(request.user, filters))
    return render(
        request,
        "supervision/annual_report.html",
        {
            "filters": filters,
            "jurisdiction": filters.root,
            "year": year,
            "data": data,
            "totals": data["totals"],
            "projects": projects,
            "labels": dashboard_selectors.SET_LABELS,
            "stages": dict(Stage.choices),
        },
    )


# -- exports -------------------------------------------------------------------------


@login_required
def exports(request):
    _require_supervision(request)
    filters = _filters(request)
    if request.method == "POST":
        kind = request.POST.get("kind")
        code = request.POST.get("under")
        year = request.POST.get("year")
        root = next((j for j in filters.roots if j.code == code), None)
        category = next(
            (c for c in filters.categories if c.code == request.POST.get("category")), None
        )
        try:
            if kind not in ExportKind.values or root is None or not str(year).isdigit():
                raise ValidationError(export_services.EXPORT_CHOICE_INVALID)
            export_services.export_request(
                actor=request.user,
                kind=kind,
                jurisdiction=root,
                year=int(year),
                category=category,
            )
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, _("The export has started; it appears below when ready."))
        return redirect("supervision:exports")
    jobs = reporting_selectors.export_jobs_for(request.user)[:20]
    return render(
        request,
        "supervision/exports.html",
        {"filters": filters, "jobs": jobs, "kinds": ExportKind.choices},
    )


@login_required
def export_status(request, pk):
    job = reporting_selectors.export_job_for(request.user, pk)
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "rows": job.rows,
            "error": job.error,
            "download": reverse("supervision:export_download", args=[job.pk])
            if job.status == "done"
            else None,
        }
    )


@login_required
def export_download(request, pk):
    job = reporting_selectors.export_job_for(request.user, pk)
    if job.status != "done" or not job.file:
        raise Http404
    return serve_file(
        job.file,
        filename=export_services.download_name(job),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# -- imports -------------------------------------------------------------------------


@login_required
def imports(request):
    targets = reporting_selectors.import_jurisdictions(request.user)
    if not targets:
        raise PermissionDenied
    if request.method == "POST":
        kind = request.POST.get("kind")
        jurisdiction = next((j for j in targets if j.code == request.POST.get("j")), None)
        upload = request.FILES.get("file")
        try:
            if kind not in ImportKind.values or jurisdiction is None or upload is None:
                raise ValidationError(import_services.CHOOSE_FILE)
            batch = import_services.import_preview(
                actor=request.user, jurisdiction=jurisdiction, kind=kind, upload=upload
            )
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
            return redirect("supervision:imports")
        return redirect("supervision:import_preview", pk=batch.pk)
    return render(
        request,
        "supervision/imports.html",
        {
            "targets": targets,
            "kinds": ImportKind.choices,
            "columns": import_services.column_help(),
            "batches": reporting_selectors.import_batches_for(request.user)[:20],
        },
    )


@login_required
def import_preview(request, pk):
    batch = reporting_selectors.import_batch_for(request.user, pk)
    if request.method == "POST":
        try:
            batch = import_services.import_apply(actor=request.user, batch=batch)
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, import_services.summary_text(batch))
        return redirect("supervision:import_preview", pk=batch.pk)
    headers, rows = import_services.preview_table(batch, limit=500)
    return render(
        request,
        "supervision/import_preview.html",
        {
            "batch": batch,
            "headers": headers,
            "rows": rows,
            "more_rows": max(len(batch.rows) - len(rows), 0),
            "errors": batch.errors,
            "can_apply": batch.status == ImportStatus.VALID,
            "summary": import_services.summary_text(batch)
            if batch.status == ImportStatus.APPLIED
            else "",
        },
    )


@login_required
def import_template(request, kind):
    if not reporting_selectors.import_jurisdictions(request.user):
        raise PermissionDenied
    if kind not in ImportKind.values:
        raise Http404
    content = import_services.template_workbook(kind)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
