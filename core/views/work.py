"""Office pages: inbox, queue, archive, cases, the case page, suggestions, registration."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow import chart

from core import forms
from core.models import Category, Jurisdiction, Stage
from core.selectors import projects as project_selectors
from core.selectors import suggestions as suggestion_selectors
from core.selectors import tasks as task_selectors
from core.selectors.case_panels import cache_absent, case_panels
from core.selectors.case_progress import stage_bar, whose_turn
from core.selectors.case_reports import case_reports
from core.services import projects as project_services
from core.services import suggestions as suggestion_services
from core.services import supervision
from core.services.steps import StepRefused
from core.views.case_timeline import timeline_html
from permissions import checks
from permissions.roles import Step
from permissions.scope import home_jurisdictions, readable_jurisdictions

PAGE_SIZE = 25
CASE_CHART_SCALE = 0.8


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _apply_form_errors(form, error: ValidationError):
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        for e in errors:
            form.add_error(field if field in form.fields else None, e)


@login_required
def home(request):
    return redirect("core:inbox")


def _task_list(request, qs, template, title, tab):
    from core.views.inbox import row_of

    page = _page(request, qs)
    page.object_list = [row_of(task) for task in page.object_list]
    return render(request, template, {"page": page, "title": title, "tab": tab})


@login_required
def archive(request):
    return _task_list(
        request,
        task_selectors.archive(request.user, work=True),
        "core/task_list.html",
        _("Archive"),
        "archive",
    )


@login_required
def case_list(request):
    # One filter for the page and the API (core/filters/projects.py), including the
    # supervisors' dashboard links: `under` (a jurisdiction with its subtree) and `set`.
    filterset = project_selectors.filtered_projects(request.user, request.GET)
    filterset.is_valid()  # a value that does not parse is left out, not refused
    cleaned = filterset.form.cleaned_data
    params = {name: cleaned.get(name) for name in filterset.filters}
    params["q"] = (params.get("q") or "").strip()
    if params.get("year") is not None:
        params["year"] = int(params["year"])
    return render(
        request,
        "core/case_list.html",
        {
            "page": _page(request, filterset.qs),
            "params": params,
            "stages": Stage.choices,
            "steps": [c for c in filterset.form.fields["step"].choices if c[0]],
            "jurisdictions": readable_jurisdictions(request.user),
            "categories": Category.objects.all(),
        },
    )


@login_required
def case_detail(request, pk):
    project = project_selectors.project_for_user(request.user, pk)
    panels = case_panels(project)

    def rows(panel, queryset) -> list:
        """The list's rows, without a query (nor its compilation) when it has none."""
        return list(queryset) if panels[panel] else []

    if not panels["accountability"]:
        cache_absent(project, "accountability")
    open_tasks = list(task_selectors.open_tasks_of(project.process))
    for task in open_tasks:
        task.can_take = checks.can_take_task(request.user, task)
    reports = case_reports(project, panels)
    suggestions = rows("suggestions", project.suggestions.all())
    context = {
        "project": project,
        "panels": panels,
        "open_tasks": open_tasks,
        "whose_turn": whose_turn(project, open_tasks),
        "stage_bar": stage_bar(project, suggestions, reports=reports["reports"]),
        "timeline_html": timeline_html(project),
        **reports,
        "milestones": rows("milestones", project.milestones.all()),
        "suggestions": suggestions,
        "monitors": rows("monitors", project.monitors.all()),
        "cooperating_units": rows("cooperating_units", project.cooperating_units.all()),
        **_comments(request, project, panels["comments"]),
        "can_comment": checks.can_comment_on_project(request.user, project),
        "slate_sessions": [
            c.session for c in rows("slate", project.session_candidacies.select_related("session"))
        ],
        "can_record_satisfaction": project.stage == Stage.EVALUATION
        and checks.can_record_satisfaction(request.user, project),
        "comment_form": forms.CommentForm(),
        "attachment_form": forms.AttachmentForm(),
        "satisfaction_form": forms.SatisfactionForm(),
    }
    return render(request, "core/case_detail.html", context)


COMMENTS_SHOWN = 10


def _comments(request, project, total: int) -> dict:
    """The case's latest comments, or all of them when asked (every one is also in the
    timeline): a case with hundreds of comments keeps a page of ordinary length. `total`:
    how many the case has."""
    if not total:
        return {"comments": [], "comments_total": None}
    newest = project.comments.select_related("author").order_by("-created", "-pk")
    if request.GET.get("comments") == "all":
        return {"comments": list(newest)[::-1], "comments_total": None}
    shown = list(newest[:COMMENTS_SHOWN])
    return {"comments": shown[::-1], "comments_total": total if total > len(shown) else None}


@login_required
def case_chart(request, pk):
    """The live process map: viewflow's chart with this case's current step highlighted."""
    project = project_selectors.project_for_user(request.user, pk)
    from flows.project_flow import ProjectFlow

    grid = chart.calc_layout_data(ProjectFlow)
    chart.calc_cell_status(ProjectFlow, grid, project.process.pk)
    # A fixed size: the page scrolls the chart sideways rather than shrink its labels.
    svg = chart.grid_to_svg(grid).replace(
        'width="100%" height="100%"',
        f'width="{round(grid.width * CASE_CHART_SCALE)}" '
        f'height="{round(grid.height * CASE_CHART_SCALE)}"',
        1,
    )
    return HttpResponse(svg, content_type="image/svg+xml")


def _case_action(request, pk, *, form_class, perform, success, check=None):
    """A small action on the case page: check, validate, call one service, report back."""
    project = project_selectors.project_for_user(request.user, pk)
    if check is not None and not check(request.user, project):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        flash.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("core:case", pk=project.pk)
    try:
        perform(project, form.cleaned_data)
    except StepRefused as refused:
        flash.error(request, refused.message)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, success)
    return redirect("core:case", pk=project.pk)


@login_required
@require_POST
def case_comment(request, pk):
    return _case_action(
        request,
        pk,
        form_class=forms.CommentForm,
        success=_("Comment added."),
        perform=lambda project, data: project_services.comment_add(
            actor=request.user, project=project, text=data["text"]
        ),
    )


@login_required
@require_POST
def case_attach(request, pk):
    return _case_action(
        request,
        pk,
        form_class=forms.AttachmentForm,
        success=_("File attached."),
        perform=lambda project, data: supervision.attachment_add(
            actor=request.user, project=project, upload=data["attachment"]
        ),
    )


@login_required
@require_POST
def case_record_satisfaction(request, pk):
    return _case_action(
        request,
        pk,
        form_class=forms.SatisfactionForm,
        check=checks.can_record_satisfaction,
        success=_("The satisfaction result is recorded."),
        perform=lambda project, data: project_services.project_record_satisfaction(
            actor=request.user, project=project, rate=data["rate"]
        ),
    )


@login_required
def suggestion_list(request):
    qs = project_selectors.suggestions_for_user(request.user).prefetch_related(
        Prefetch("projects", queryset=project_selectors.Project.objects.only("id", "title"))
    )
    status = request.GET.get("status")
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "core/suggestion_list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "waiting": suggestion_selectors.waiting_to_be_routed(
                request.user, today=timezone.localdate()
            )[:50],
            "can_register": _acting_jurisdictions(request.user, Step.REGISTER_PROJECT),
            "can_enter": _acting_jurisdictions(request.user, Step.ROUTE_SUGGESTION)
            or _acting_jurisdictions(request.user, Step.REGISTER_PROJECT),
        },
    )


def _acting_jurisdictions(user, step):
    return [j for j in home_jurisdictions(user) if checks.has_step(user, step, j)]


def _pick_jurisdiction(request, step) -> Jurisdiction:
    options = _acting_jurisdictions(request.user, step)
    if not options:
        raise PermissionDenied
    code = request.GET.get("j") or request.POST.get("j")
    for jurisdiction in options:
        if jurisdiction.code == code:
            return jurisdiction
    return options[0]


@login_required
def suggestion_new(request):
    jurisdictions = _acting_jurisdictions(
        request.user, Step.ROUTE_SUGGESTION
    ) or _acting_jurisdictions(request.user, Step.REGISTER_PROJECT)
    if not jurisdictions:
        raise PermissionDenied
    jurisdiction = jurisdictions[0]
    form = forms.SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = suggestion_services.suggestion_submit(
                actor=request.user, jurisdiction=jurisdiction, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            flash.success(
                request,
                _("Suggestion received. Receipt code: %(code)s")
                % {"code": suggestion.receipt_code},
            )
            return redirect("core:suggestions")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Enter a suggestion"),
            "jurisdiction": jurisdiction,
        },
        status=400 if form.errors else 200,
    )


@login_required
def suggestion_route(request, pk):
    suggestion = project_selectors.suggestion_for_user(request.user, pk)
    if not checks.can_route_suggestion(request.user, suggestion):
        raise PermissionDenied
    level = suggestion.route_level or forms.default_route_level(suggestion.jurisdiction)
    form = forms.RouteForm(
        request.POST or None, initial={"level": level}, jurisdiction=suggestion.jurisdiction
    )
    if request.method == "POST" and form.is_valid():
        try:
            suggestion_services.suggestion_route(
                actor=request.user,
                suggestion=suggestion,
                level=form.cleaned_data["level"],
                note=form.cleaned_data["note"],
                community=form.cleaned_data.get("community"),
                township=form.cleaned_data.get("township"),
            )
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            flash.success(request, _("Suggestion routed."))
            return redirect("core:suggestions")
    return render(
        request,
        "core/suggestion_route.html",
        {
            "form": form,
            "suggestion": suggestion,
        },
        status=400 if form.errors else 200,
    )


@login_required
def project_register(request):
    jurisdiction = _pick_jurisdiction(request, Step.REGISTER_PROJECT)
    from django.utils import timezone

    initial = {}
    if request.GET.get("suggestion"):
        initial["suggestions"] = [s for s in request.GET.getlist("suggestion") if s.isdigit()]
    form_year = timezone.localdate().year + 1
    form = forms.RegisterProjectForm(
        request.POST or None, jurisdiction=jurisdiction, initial=initial
    )
    form.initial.setdefault("year", form_year)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_services.project_register(
                actor=request.user, jurisdiction=jurisdiction, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            flash.success(request, _("Project registered; the feasibility study can be assigned."))
            return redirect("core:case", pk=project.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Register a project"),
            "jurisdiction": jurisdiction,
            "hidden": {"j": jurisdiction.code},
        },
        status=400 if form.errors else 200,
    )
