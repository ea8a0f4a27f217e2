"""码上找代表 on a phone (390 px wide), in a real Chromium: a resident scans a station's QR
code (opens its target), finds the form with the station chosen, sends a suggestion, and
the congress office finds it in that station's list; a deputy proposes from the phone."""

import pytest

from core.models import Deputy, Suggestion
from core.services import calendar, stations
from core.views import public as public_views
from permissions.roles import Role

from .conftest import login
from .test_phone_width import PHONE, assert_every_control_reachable, assert_nothing_cut_off

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"


def test_scanning_a_stations_qr_code_leads_to_its_list(fresh_world, new_page):
    world = fresh_world
    jurisdiction = world.jurisdictions[CODE]
    calendar.calendar_settings_update(
        actor=None, jurisdiction=jurisdiction, collection_all_year=True
    )
    station = stations.station_save(
        actor=world.users[(CODE, Role.CONGRESS_OFFICE)],
        jurisdiction=jurisdiction,
        code="qh-dh-zx",
        name="东湖镇代表联络站",
        address="东湖镇人民路1号",
        deputies=list(Deputy.objects.filter(jurisdiction=jurisdiction).order_by("pk")[:2]),
    )

    resident = new_page(**PHONE)
    resident.goto(resident.base + f"/s/{station.code}/")  # what the poster's QR code opens
    chosen = resident.locator("[data-station]")
    assert chosen.get_attribute("data-station") == station.code
    assert "东湖镇代表联络站" in chosen.inner_text()
    assert resident.locator("select[name=jurisdiction]").input_value() == CODE
    assert_nothing_cut_off(resident)
    assert_every_control_reachable(resident)
    resident.fill("input[name=title]", "联络站门口增设休息座椅")
    resident.fill("textarea[name=text]", "老人来反映问题时没有地方坐，建议增设座椅。")
    resident.fill("input[name=proposer_name]", "李玉兰")
    resident.wait_for_timeout(1000 * getattr(public_views, "MIN_SECONDS", 3) + 300)
    resident.locator("main button[type=submit]").click()
    resident.wait_for_url("**/receipt/**")
    code = resident.locator("code.receipt").inner_text().strip()
    assert_nothing_cut_off(resident)

    suggestion = Suggestion.objects.get(receipt_code=code)
    assert suggestion.station_id == station.pk

    office = new_page(**PHONE)
    login(office, world.users[(CODE, Role.CONGRESS_OFFICE)].username)
    office.goto(office.base + f"/work/stations/{station.pk}/")
    assert code in office.locator("main table").inner_text()
    assert_nothing_cut_off(office)


def test_a_deputy_proposes_from_the_phone(fresh_world, new_page):
    world = fresh_world
    deputy = Deputy.objects.filter(jurisdiction__code=CODE).order_by("pk").first()
    page = new_page(**PHONE)
    login(page, deputy.user.username)
    page.goto(page.base + "/work/duty/mine/")
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)
    page.fill("input[name=title]", "村道安装护栏")
    page.fill("textarea[name=text]", "临河村道无护栏，夜间行车危险。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "村道安装护栏" in page.locator("main").inner_text()
    assert Suggestion.objects.get(title="村道安装护栏").deputy_id == deputy.pk
    assert_nothing_cut_off(page)
    assert world.jurisdictions[CODE].suggestions.filter(deputy=deputy).count() == 1
