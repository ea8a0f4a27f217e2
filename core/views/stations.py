"""Liaison stations and their QR posters (码上找代表): the congress office opens and
edits stations, prints a station's or a deputy's poster, and reads what came in through
each station."""

import io

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import deputies_forms as forms
from core.selectors import suggestions as suggestion_selectors
from core.selectors.projects import deputies_for_user
from core.services import stations as station_services
from permissions import checks
from permissions.roles import Step

from .deputies import PAGE_SIZE, acting_place, apply_form_errors


# -- liaison stations and QR posters ------------------------------------------------------
def public_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _qr_png(url: str) -> bytes:
    import qrcode

    image = qrcode.make(url, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@login_required
def station_list(request):
    stations = suggestion_selectors.stations_for_user(request.user).prefetch_related("deputies")
    managed = suggestion_selectors.acting_jurisdictions(request.user, Step.MANAGE_STATIONS)
    return render(request, "deputies/stations.html", {"stations": stations, "managed": managed})


def _station_form_page(request, jurisdiction, station=None):
    initial = {}
    if station is not None:
        initial = {
            "code": station.code,
            "name": station.name,
            "address": station.address,
            "reception_hours": station.reception_hours,
            "deputies": list(station.deputies.all()),
        }
    form = forms.StationForm(request.POST or None, initial=initial, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        try:
            saved = station_services.station_save(
                actor=request.user, jurisdiction=jurisdiction, station=station, **form.cleaned_data
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            flash.success(request, _("The liaison station is saved."))
            return redirect("deputies:station", pk=saved.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Liaison station"),
            "jurisdiction": jurisdiction,
            "hidden": {"j": jurisdiction.code},
        },
        status=400 if form.errors else 200,
    )


@login_required
def station_new(request):
    jurisdiction, _places = acting_place(request, Step.MANAGE_STATIONS)
    return _station_form_page(request, jurisdiction)


@login_required
def station_edit(request, pk):
    station = suggestion_selectors.station_for_user(request.user, pk)
    if not checks.can_manage_stations(request.user, station.jurisdiction):
        raise Http404
    return _station_form_page(request, station.jurisdiction, station)


@login_required
def station_detail(request, pk):
    station = suggestion_selectors.station_for_user(request.user, pk)
    qs = suggestion_selectors.suggestions_of_station(station)
    return render(
        request,
        "deputies/station.html",
        {
            "station": station,
            "deputies": station.deputies.all(),
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "target": public_url(reverse("public:station_qr", args=[station.code])),
            "can_edit": checks.can_manage_stations(request.user, station.jurisdiction),
        },
    )


@login_required
def station_poster(request, pk):
    station = suggestion_selectors.station_for_user(request.user, pk)
    return render(
        request,
        "deputies/poster.html",
        {
            "heading": station.name,
            "lines": [station.address, station.reception_hours],
            "deputies": station.deputies.all(),
            "target": public_url(reverse("public:station_qr", args=[station.code])),
            "png": reverse("deputies:station_qr", args=[station.pk]),
        },
    )


@login_required
def station_qr(request, pk):
    station = suggestion_selectors.station_for_user(request.user, pk)
    target = public_url(reverse("public:station_qr", args=[station.code]))
    response = HttpResponse(_qr_png(target), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="station-{station.code}.png"'
    return response


def _poster_deputy(request, pk):
    deputy = deputies_for_user(request.user).filter(pk=pk).first()
    if deputy is None or not (
        deputy.user_id == request.user.pk
        or checks.can_manage_stations(request.user, deputy.jurisdiction)
    ):
        raise Http404
    return deputy


@login_required
def deputy_poster(request, pk):
    deputy = _poster_deputy(request, pk)
    return render(
        request,
        "deputies/poster.html",
        {
            "heading": _("Deputy %(name)s") % {"name": deputy.name},
            "lines": [deputy.jurisdiction.name, deputy.delegation, deputy.expertise],
            "deputies": [],
            "target": public_url(reverse("public:deputy_qr", args=[deputy.pk])),
            "png": reverse("deputies:deputy_qr", args=[deputy.pk]),
        },
    )


@login_required
def deputy_qr(request, pk):
    deputy = _poster_deputy(request, pk)
    target = public_url(reverse("public:deputy_qr", args=[deputy.pk]))
    response = HttpResponse(_qr_png(target), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="deputy-{deputy.pk}.png"'
    return response
