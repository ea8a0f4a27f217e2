"""Reads of project cases, scoped to the user's jurisdictions."""

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


CASE_ORDER = ("-year", "jurisdiction__path", "-created")


def filtered_projects(user, params, *, queryset=None):
    """The user's cases narrowed by the case list's filters (`core.filters.projects`), in
    the list's order; returns the bound filter set (its `.qs`, its `.form`)."""
    from core.filters.projects import ProjectFilterSet

    base = projects_for_user(user) if queryset is None else queryset
    return ProjectFilterSet(params, queryset=base.order_by(*CASE_ORDER))


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
    params = {
        "q": q,
        "year": year,
        "stage": stage,
        "jurisdiction": jurisdiction,
        "category": category,
        "under": under,
        "set": subset,
    }
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return filtered_projects(user, params).qs


def suggestions_for_user(user):
    """What the user's jurisdictions received, including what they routed on to another
    place (read only there: acting follows the suggestion's current jurisdiction)."""
    return Suggestion.objects.filter(
        jurisdiction_q(user) | jurisdiction_q(user, "origin")
    ).select_related("jurisdiction", "category", "deputy")


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
