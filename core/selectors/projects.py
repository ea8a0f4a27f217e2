"""Reads of project cases, scoped to the user's jurisdictions."""

from django.db.models import Q
from django.http import Http404

from core.models import Attachment, Deputy, Project, Suggestion
from permissions.scope import jurisdiction_q

PROJECT_RELATED = ("jurisdiction", "category", "lead_unit", "study_department", "process")


def projects_for_user(user):
    return Project.objects.filter(jurisdiction_q(user)).select_related(*PROJECT_RELATED)


def project_for_user(user, pk: int) -> Project:
    project = projects_for_user(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def attachment_for_user(user, pk: int) -> Attachment:
    """A file attached to a case the user may read (404 otherwise, as for the case)."""
    attachment = (
        Attachment.objects.filter(jurisdiction_q(user, "project__jurisdiction"), pk=pk)
        .select_related("project")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def search_projects(
    user,
    *,
    q: str = "",
    year=None,
    stage=None,
    jurisdiction=None,
    category=None,
    under=None,
    subset=None,
):
    """`under`: a jurisdiction code, its sub-jurisdictions included; `subset`: a named set
    of projects behind a dashboard figure (core.selectors.dashboard.project_set_q)."""
    qs = projects_for_user(user)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(location__icontains=q))
    if year:
        qs = qs.filter(year=year)
    if stage:
        qs = qs.filter(stage=stage)
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    if category:
        qs = qs.filter(category__code=category)
    if under:
        qs = qs.filter(jurisdiction__path__contains=f"/{under}/")
    if subset:
        from core.selectors.dashboard import project_set_q

        qs = qs.filter(project_set_q(subset))
    return qs.order_by("-year", "jurisdiction__path", "-created")


def suggestions_for_user(user):
    return Suggestion.objects.filter(jurisdiction_q(user)).select_related(
        "jurisdiction", "category", "deputy"
    )


def suggestion_for_user(user, pk: int) -> Suggestion:
    suggestion = suggestions_for_user(user).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def deputies_for_user(user):
    return Deputy.objects.filter(jurisdiction_q(user)).select_related("jurisdiction", "user")


def suggestion_by_receipt(code: str) -> Suggestion | None:
    return (
        Suggestion.objects.filter(receipt_code=(code or "").strip().upper())
        .select_related("jurisdiction")
        .prefetch_related("projects")
        .first()
    )
