"""Residents reach their deputies (码上找代表): every station and deputy has a QR poster
whose target opens the public form with the station or deputy chosen, and what comes in
that way lands in that station's and deputy's lists."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from PIL import Image

from core.models import Channel, Suggestion
from core.services import stations
from core.views import public
from permissions.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_form(settings, monkeypatch):
    monkeypatch.setattr(public, "MIN_SECONDS", 0)
    monkeypatch.setattr(public, "collection_open", lambda jurisdiction, on: True)


def _post(client, url, **fields):
    page = client.get(url)
    stamp = page.context["form"]["stamp"].value()
    data = {
        "jurisdiction": "",
        "title": "联络站门口增设休息座椅",
        "text": "老人来反映问题时没有地方坐，建议增设座椅。",
        "location": "东湖镇人民路1号",
        "proposer_name": "李玉兰",
        "proposer_contact": "13800000002",
        "stamp": stamp,
    } | fields
    data["jurisdiction"] = data["jurisdiction"] or page.context["form"]["jurisdiction"].value()
    return client.post(url, data)


def test_a_station_qr_target_opens_the_form_with_the_station_chosen(station, client):
    url = reverse("public:station_qr", args=[station.code])
    page = client.get(url)
    assert page.status_code == 200
    assert station.name in page.content.decode()
    assert page.context["form"]["jurisdiction"].value() == "qh-dh"
    response = _post(client, url)
    assert response.status_code == 302
    suggestion = Suggestion.objects.get(title="联络站门口增设休息座椅")
    assert suggestion.station == station and suggestion.channel == Channel.QR
    assert suggestion.jurisdiction == station.jurisdiction
    assert suggestion.deputy is None  # a resident's suggestion credits no deputy


def test_what_comes_in_shows_in_the_stations_list(station, user_of, client):
    _post(client, reverse("public:station_qr", args=[station.code]))
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    page = client.get(reverse("deputies:station", args=[station.pk])).content.decode()
    assert "联络站门口增设休息座椅" in page
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    assert client.get(reverse("deputies:station", args=[station.pk])).status_code == 404


def test_a_deputy_qr_target_addresses_the_deputy_and_lands_in_their_list(deputy_of, client):
    deputy = deputy_of("qh-dh", 3)
    url = reverse("public:deputy_qr", args=[deputy.pk])
    assert deputy.name in client.get(url).content.decode()
    assert _post(client, url, title="小区停车难").status_code == 302
    suggestion = Suggestion.objects.get(title="小区停车难")
    assert suggestion.addressed_deputy == deputy and suggestion.deputy is None
    client.force_login(deputy.user)
    assert "小区停车难" in client.get(reverse("deputies:mine")).content.decode()
    client.force_login(deputy_of("qh-dh", 4).user)
    assert "小区停车难" not in client.get(reverse("deputies:mine")).content.decode()


def test_the_qr_form_does_not_take_another_place(station, client):
    url = reverse("public:station_qr", args=[station.code])
    response = _post(client, url, jurisdiction="qh-xs")
    assert response.status_code == 400
    assert not Suggestion.objects.filter(title="联络站门口增设休息座椅").exists()


def test_unknown_or_closed_station_is_not_found(station, client, user_of):
    assert client.get(reverse("public:station_qr", args=["no-such"])).status_code == 404
    station.active = False
    station.save()
    assert client.get(reverse("public:station_qr", args=[station.code])).status_code == 404
    assert client.get(reverse("public:deputy_qr", args=[999999])).status_code == 404


def test_poster_and_png_encode_the_public_target(station, user_of, client, settings):
    settings.SITE_URL = "https://rd.qinghe.example"
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    poster = client.get(reverse("deputies:station_poster", args=[station.pk])).content.decode()
    assert "https://rd.qinghe.example/s/dh-zx/" in poster and "@media print" in poster
    png = client.get(reverse("deputies:station_qr", args=[station.pk]))
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.size[0] == image.size[1] and image.size[0] >= 200
    # another county's office gets 404 for the poster and the PNG
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    assert client.get(reverse("deputies:station_poster", args=[station.pk])).status_code == 404
    assert client.get(reverse("deputies:station_qr", args=[station.pk])).status_code == 404


def test_deputy_poster_for_the_deputy_and_the_congress_office_only(deputy_of, user_of, client):
    deputy = deputy_of("qh-dh", 3)
    url = reverse("deputies:deputy_qr", args=[deputy.pk])
    client.force_login(deputy.user)
    assert client.get(url).status_code == 200
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    assert client.get(url).status_code == 200
    client.force_login(deputy_of("qh-dh", 4).user)
    assert client.get(url).status_code == 404
    client.force_login(deputy_of("qh-xs", 0).user)
    assert client.get(url).status_code == 404


def test_only_the_congress_office_opens_a_station(world, user_of, deputy_of):
    with pytest.raises(PermissionDenied):
        stations.station_save(
            actor=user_of("qh-dh", Role.GOVERNMENT_OFFICE),
            jurisdiction=world.jurisdictions["qh-dh"],
            code="dh-x",
            name="x",
        )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        stations.station_save(
            actor=user_of("qh-dh", Role.CONGRESS_OFFICE),
            jurisdiction=world.jurisdictions["qh-dh"],
            code="dh-y",
            name="y",
            deputies=[deputy_of("qh-xs", 0)],
        )


def test_the_congress_office_opens_and_edits_a_station_on_the_page(
    world, user_of, deputy_of, client
):
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    response = client.post(
        reverse("deputies:station_new") + "?j=qh-xs",
        {
            "code": "qh-xs-zx",
            "name": "西山乡代表联络站",
            "address": "西山乡政府院内",
            "reception_hours": "每月10日",
            "deputies": [deputy_of("qh-xs", 0).pk],
        },
    )
    assert response.status_code == 302
    from core.models import AuditEntry, LiaisonStation

    created = LiaisonStation.objects.get(code="qh-xs-zx")
    assert list(created.deputies.all()) == [deputy_of("qh-xs", 0)]
    assert AuditEntry.objects.filter(action="station.save", target_id=created.pk).exists()
    edit = reverse("deputies:station_edit", args=[created.pk])
    bad = client.post(edit, {"code": "西山", "name": "x"})
    assert bad.status_code == 400
    # a deputy of another township cannot be put on the station
    other = client.post(
        edit, {"code": "qh-xs-zx", "name": "x", "deputies": [deputy_of("qh-dh", 0).pk]}
    )
    assert other.status_code == 400
    created.refresh_from_db()
    assert created.name == "西山乡代表联络站"
    # another township's office, or a deputy, cannot edit it
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    assert client.post(edit, {"code": "qh-xs-zx", "name": "改"}).status_code == 404
    client.force_login(deputy_of("qh-xs", 0).user)
    assert client.post(edit, {"code": "qh-xs-zx", "name": "改"}).status_code == 404
    assert client.get(reverse("deputies:station_new")).status_code == 404
    created.refresh_from_db()
    assert created.name == "西山乡代表联络站"
