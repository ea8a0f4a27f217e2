"""The government office's collection tools: the year's suggestions grouped by similarity
with a one-step merge into a project, and the special collection import (特定征集)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deputies_forms as forms
from core.models import Suggestion
from core.selectors import clustering
from core.selectors.suggestions import acting_jurisdictions, collection_year
from core.services import collection as collection_services
from permissions.roles import Step


def _place(request, step):
    places = acting_jurisdictions(request.user, step)
    if not places:
        raise Http404
    code = request.GET.get("j") or request.POST.get("j")
    return next((j for j in places if j.code == code), places[0]), places


def _errors(form, error: ValidationError):
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        for e in errors:
            form.add_error(field if field in form.fields else None, e)


def _threshold(request) -> float:
    try:
        value = float(request.GET.get("t", clustering.DEFAULT_THRESHOLD))
    except ValueError:
        return clustering.DEFAULT_THRESHOLD
    return min(max(value, 0.1), 0.9)


@login_required
def groups(request):
    """The year's open suggestions grouped by similarity; merge a group into one project.
    The government office's page: it routes the suggestions, and registers projects."""
    jurisdiction, places = _place(request, Step.ROUTE_SUGGESTION)
    year_param = request.GET.get("year") or request.POST.get("year") or ""
    year = int(year_param) if year_param.isdigit() else collection_year(timezone.localdate())
    threshold = _threshold(request)
    found = clustering.suggestion_groups(jurisdiction, year, threshold=threshold)
    open_ids = [s.pk for g in found for s in g.suggestions]
    form = forms.MergeForm(request.POST or None, choices=open_ids)
    if request.method == "POST" and form.is_valid():
        chosen = Suggestion.objects.filter(
            pk__in=form.cleaned_data["suggestions"], jurisdiction=jurisdiction
        )
        try:
            project = collection_services.suggestions_merge(
                actor=request.user,
                jurisdiction=jurisdiction,
                suggestions=list(chosen),
                title=form.cleaned_data["title"],
                category=form.cleaned_data["category"],
                year=year,
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            flash.success(
                request,
                _("%(n)d suggestions merged into the project; every proposer is told.")
                % {"n": project.suggestions.count()},
            )
            return redirect("core:case", pk=project.pk)
    return render(
        request,
        "deputies/groups.html",
        {
            "jurisdiction": jurisdiction,
            "places": places,
            "year": year,
            "threshold": threshold,
            "groups": found,
            "total": len(open_ids),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def special_import(request):
    jurisdiction, places = _place(request, Step.IMPORT_SPECIAL_COLLECTION)
    form = forms.SpecialCollectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": collection_year(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = collection_services.special_collection_import(
                actor=request.user,
                jurisdiction=jurisdiction,
                year=form.cleaned_data["year"],
                rows=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            flash.success(
                request,
                _("%(n)d investment projects imported as suggestions.") % {"n": len(created)},
            )
            return redirect("core:suggestions")
    return render(
        request,
        "deputies/special.html",
        {"form": form, "jurisdiction": jurisdiction},
        status=400 if form.errors else 200,
    )
