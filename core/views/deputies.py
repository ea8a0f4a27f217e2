"""Deputies' own pages (i履职: propose from a phone, follow each suggestion, the duty
record), the congress office's ranking and point table, the community handler's queue
and the communities the government office routes micro-matters to. Liaison stations and
their QR posters are in stations.py."""

import io

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deputies_forms as forms
from core.selectors import duty as duty_selectors
from core.selectors import suggestions as suggestion_selectors
from core.selectors.projects import deputies_for_user
from core.services import communities as community_services
from core.services import duty as duty_services
from core.services import suggestions as suggestion_services
from permissions import checks
from permissions.roles import Step

PAGE_SIZE = 25


def apply_form_errors(form, error: ValidationError):
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        for e in errors:
            form.add_error(field if field in form.fields else None, e)


def _year(request) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def _own_deputy(user):
    try:
        deputy = user.deputy
    except ObjectDoesNotExist:
        raise Http404
    if deputy is None or not deputy.active:
        raise Http404
    return deputy


# -- the deputy's own pages ---------------------------------------------------------------
@login_required
def my_duty(request):
    """The deputy's phone page: propose, see what became of each suggestion, their record."""
    deputy = _own_deputy(request.user)
    year = _year(request)
    form = forms.DeputySuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = suggestion_services.deputy_suggestion_submit(
                actor=request.user, deputy=deputy, **form.cleaned_data
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        except PermissionDenied:
            raise Http404
        else:
            flash.success(
                request,
                _("Suggestion received. Receipt code: %(code)s")
                % {"code": suggestion.receipt_code},
            )
            return redirect("deputies:mine")
    suggestions = suggestion_selectors.suggestions_of_deputy(deputy)
    return render(
        request,
        "deputies/mine.html",
        {
            "deputy": deputy,
            "form": form,
            "proposed": [s for s in suggestions if s.deputy_id == deputy.pk][:50],
            "addressed": [s for s in suggestions if s.addressed_deputy_id == deputy.pk][:50],
            "record": duty_selectors.duty_record(deputy, year),
            "year": year,
        },
        status=400 if form.errors else 200,
    )


@login_required
def duty_record(request, pk):
    """One deputy's duty record: the deputy's own, or any of the congress office's."""
    deputy = deputies_for_user(request.user).filter(pk=pk).first()
    if deputy is None or not checks.can_read_duty_record(request.user, deputy):
        raise Http404
    year = _year(request)
    return render(
        request,
        "deputies/record.html",
        {
            "deputy": deputy,
            "record": duty_selectors.duty_record(deputy, year),
            "year": year,
            "years": _years(),
        },
    )


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year + 1, this_year - 5, -1))


def acting_place(request, step: Step):
    places = suggestion_selectors.acting_jurisdictions(request.user, step)
    if not places:
        raise Http404
    code = request.GET.get("j") or request.POST.get("j")
    return next((j for j in places if j.code == code), places[0]), places


@login_required
def ranking(request):
    jurisdiction, places = acting_place(request, Step.RANK_DEPUTIES)
    year = _year(request)
    return render(
        request,
        "deputies/ranking.html",
        {
            "jurisdiction": jurisdiction,
            "places": places,
            "year": year,
            "years": _years(),
            "records": duty_selectors.ranking(jurisdiction, year),
            "sources": duty_selectors.duty_sources(),
            "can_set_points": checks.can_set_duty_points(request.user, jurisdiction),
        },
    )


@login_required
def ranking_export(request):
    """The year's points as an Excel workbook: one row per deputy, one column per item."""
    from openpyxl import Workbook

    jurisdiction, _places = acting_place(request, Step.RANK_DEPUTIES)
    year = _year(request)
    sources = duty_selectors.duty_sources()
    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    sheet.append(
        [
            _("%(place)s · deputies' duty points %(year)d")
            % {"place": jurisdiction.name, "year": year}
        ]
    )
    sheet.append(
        [_("Rank"), _("Deputy"), _("Delegation")] + [str(s.label) for s in sources] + [_("Points")]
    )
    for record in duty_selectors.ranking(jurisdiction, year):
        sheet.append(
            [record.rank, record.deputy.name, record.deputy.delegation]
            + [record.counts[s.code] for s in sources]
            + [float(record.total)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="duty-points-{jurisdiction.code}-{year}.xlsx"'
    )
    return response


@login_required
def point_table(request):
    jurisdiction, places = acting_place(request, Step.SET_DUTY_POINTS)
    table = duty_selectors.point_table(jurisdiction)
    form = forms.PointTableForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            duty_services.duty_points_set(
                actor=request.user,
                jurisdiction=jurisdiction,
                points={s.code: form.cleaned_data[s.code] for s in duty_selectors.DUTY_SOURCES},
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            flash.success(request, _("The duty point table is saved."))
            return redirect(reverse("deputies:ranking") + f"?j={jurisdiction.code}")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Duty point table"),
            "jurisdiction": jurisdiction,
            "hidden": {"j": jurisdiction.code},
        },
        status=400 if form.errors else 200,
    )


# -- the community handler's queue --------------------------------------------------------
@login_required
def community_queue(request):
    if not suggestion_selectors.acting_jurisdictions(request.user, Step.HANDLE_COMMUNITY_MATTER):
        raise Http404
    qs = suggestion_selectors.community_queue(request.user)
    return render(
        request,
        "deputies/community_queue.html",
        {"open": [s for s in qs if s.handled_at is None], "done": [s for s in qs if s.handled_at]},
    )


@login_required
def community_handle(request, pk):
    suggestion = suggestion_selectors.community_suggestion_for_user(request.user, pk)
    form = forms.HandleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion_services.suggestion_handle(
                actor=request.user, suggestion=suggestion, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        except PermissionDenied:
            raise Http404
        else:
            flash.success(request, _("Recorded; the proposer can read it on the receipt page."))
            return redirect("deputies:community")
    return render(
        request,
        "deputies/community_handle.html",
        {"form": form, "suggestion": suggestion},
        status=400 if form.errors else 200,
    )


# -- the communities a township's government office routes micro-matters to ------------
@login_required
def communities(request):
    jurisdiction, places = acting_place(request, Step.ROUTE_SUGGESTION)
    form = forms.CommunityForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        try:
            community_services.community_save(
                actor=request.user, jurisdiction=jurisdiction, **form.cleaned_data
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            flash.success(request, _("The community is saved."))
            return redirect(reverse("deputies:communities") + f"?j={jurisdiction.code}")
    return render(
        request,
        "deputies/communities.html",
        {
            "jurisdiction": jurisdiction,
            "places": places,
            "communities": jurisdiction.communities.select_related("handler"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
