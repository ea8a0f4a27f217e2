"""Inspection pages: the list, recording an inspection (the congress office for the
standing committee, a deputy for their monitoring group), the inspection page with its
photos and review opinions. Photos are served through the reading scope, not from a
public media URL."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import oversight_forms as forms
from core.models import Deputy, Project
from core.models.inspections import InspectionBody
from core.selectors import oversight as selectors
from core.services import inspections as services
from core.services.meetings import HEARD_STAGES
from core.views.form_errors import apply_errors
from permissions import checks
from permissions.roles import Step, perm
from permissions.scope import home_jurisdictions

PAGE_SIZE = 50


def _group_projects(user):
    """Projects whose monitoring group this user is in."""
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(
        user, perm(Step.INSPECT_AS_GROUP), klass=Project, accept_global_perms=False
    )


def recording_options(user):
    """(jurisdiction, bodies, projects) this user may record an inspection for."""
    for jurisdiction in home_jurisdictions(user):
        bodies, projects = [], Project.objects.none()
        elected = Project.objects.filter(
            jurisdiction=jurisdiction, elected=True, stage__in=HEARD_STAGES
        )
        if checks.can_record_inspection(user, jurisdiction):
            bodies.append(InspectionBody.STANDING_COMMITTEE)
            projects = elected
        group = elected.filter(pk__in=_group_projects(user).values("pk"))
        if group.exists():
            bodies.append(InspectionBody.MONITORING_GROUP)
            if InspectionBody.STANDING_COMMITTEE not in bodies:
                projects = group
        if bodies:
            return jurisdiction, bodies, projects.distinct().order_by("title", "pk")
    return None, [], Project.objects.none()


@login_required
def inspection_list(request):
    jurisdiction, _bodies, _projects = recording_options(request.user)
    return render(
        request,
        "inspections/list.html",
        {
            "inspections": selectors.inspections_for_user(request.user).order_by("-held_on", "-pk")[
                :PAGE_SIZE
            ],
            "can_record": jurisdiction is not None,
        },
    )


def _photos(form) -> list:
    caption = form.cleaned_data.get("caption", "")
    return [(upload, caption) for upload in form.cleaned_data.get("photos") or []]


@login_required
def inspection_new(request):
    jurisdiction, bodies, projects = recording_options(request.user)
    if jurisdiction is None:
        raise PermissionDenied
    deputies = Deputy.objects.filter(jurisdiction=jurisdiction, active=True).order_by("name")
    form = forms.InspectionForm(
        request.POST or None,
        request.FILES or None,
        projects=projects,
        deputies=deputies,
        bodies=bodies,
        initial={"projects": [p for p in request.GET.getlist("project") if p.isdigit()]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_record(
                actor=request.user,
                jurisdiction=jurisdiction,
                kind=data["kind"],
                body=data["body"],
                held_on=data["held_on"],
                title=data["title"],
                projects=data["projects"],
                deputies=data["deputies"],
                others=data["others"],
                findings=data["findings"],
                photos=_photos(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, _("Inspection recorded."))
            return redirect("oversight:inspection", pk=inspection.pk)
    return render(
        request,
        "oversight/form_page.html",
        {
            "form": form,
            "title": _("Record an inspection"),
            "jurisdiction": jurisdiction,
            "multipart": True,
        },
        status=400 if form.errors else 200,
    )


def _may_record(user, inspection) -> bool:
    projects = [s.project for s in inspection.subjects.all()]
    return services.may_record(user, inspection, inspection.jurisdiction, projects)


def _page(request, inspection, status=200, **bound):
    projects = Project.objects.filter(inspected__inspection=inspection).order_by("title")
    context = {
        "inspection": inspection,
        "can_record": _may_record(request.user, inspection),
        "photo_form": forms.PhotoForm(prefix="photo"),
        "opinion_form": forms.OpinionIssueForm(projects=projects, prefix="opinion"),
        **bound,
    }
    return render(request, "inspections/detail.html", context, status=status)


@login_required
def inspection_detail(request, pk):
    return _page(request, selectors.inspection_for_user(request.user, pk))


def _post(request, pk, name, make_form, perform, success):
    inspection = selectors.inspection_for_user(request.user, pk)
    if not _may_record(request.user, inspection):
        raise PermissionDenied
    form = make_form(inspection)
    if form.is_valid():
        try:
            perform(inspection, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash.success(request, success)
            return redirect("oversight:inspection", pk=inspection.pk)
    return _page(request, inspection, status=400, **{name: form})


@login_required
@require_POST
def inspection_photo_add(request, pk):
    return _post(
        request,
        pk,
        "photo_form",
        lambda inspection: forms.PhotoForm(request.POST, request.FILES, prefix="photo"),
        lambda inspection, data: services.inspection_add_photo(
            actor=request.user, inspection=inspection, upload=data["photo"], caption=data["caption"]
        ),
        _("Photo added."),
    )


@login_required
@require_POST
def inspection_opinion(request, pk):
    return _post(
        request,
        pk,
        "opinion_form",
        lambda inspection: forms.OpinionIssueForm(
            request.POST,
            projects=Project.objects.filter(inspected__inspection=inspection),
            prefix="opinion",
        ),
        lambda inspection, data: services.inspection_issue_opinion(
            actor=request.user,
            inspection=inspection,
            project=data["project"],
            text=data["text"],
            due=data["due"],
        ),
        _("Review opinion issued to the lead unit."),
    )


@login_required
def inspection_photo(request, pk):
    photo = selectors.photo_for_user(request.user, pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, filename=photo.name)
