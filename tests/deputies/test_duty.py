"""Deputies propose and are credited: the duty record, the point table, the ranking and
its Excel export."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core import deputies_messages as dm
from core.models import AuditEntry, Channel, DutyPointRule, Suggestion
from core.selectors import duty
from core.services import duty as duty_services
from core.services import suggestions as services
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _propose(deputy, title="建议在东湖中学门口增设红绿灯"):
    return services.deputy_suggestion_submit(
        actor=deputy.user,
        deputy=deputy,
        title=title,
        text="上下学高峰车流量大，学生过马路危险。",
        location="东湖中学",
    )


def test_a_deputy_proposes_from_the_phone_page_and_is_credited(deputy_of, client):
    deputy = deputy_of("qh-dh", 2)
    client.force_login(deputy.user)
    page = client.get(reverse("deputies:mine"))
    assert page.status_code == 200
    response = client.post(
        reverse("deputies:mine"),
        {"title": "村道安装护栏", "text": "临河村道无护栏，夜间危险。", "location": "南岸村"},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get(title="村道安装护栏")
    assert suggestion.deputy == deputy and suggestion.channel == Channel.DEPUTY
    assert suggestion.proposer_name == deputy.name
    assert AuditEntry.objects.filter(action="suggestion.propose", target_id=suggestion.pk)
    record = duty.duty_record(deputy, suggestion.created.year)
    assert record.counts["suggestions_made"] == 1
    assert record.total == Decimal("2")
    # the deputy sees what became of it
    page = client.get(reverse("deputies:mine")).content.decode()
    assert suggestion.receipt_code in page and "村道安装护栏" in page


def test_an_empty_suggestion_is_refused_in_chinese_and_writes_nothing(deputy_of, client):
    deputy = deputy_of("qh-dh", 2)
    client.force_login(deputy.user)
    before = Suggestion.objects.count()
    response = client.post(reverse("deputies:mine"), {"title": "", "text": "  "})
    assert response.status_code == 400
    assert str(dm.SUGGESTION_EMPTY) in response.content.decode()
    assert "请填写建议内容并拟定标题" in response.content.decode()  # in Chinese
    assert Suggestion.objects.count() == before


def test_only_the_deputy_proposes_in_their_own_name(deputy_of, user_of):
    deputy = deputy_of("qh-dh", 2)
    with pytest.raises(PermissionDenied):
        services.deputy_suggestion_submit(
            actor=deputy_of("qh-dh", 3).user, deputy=deputy, title="x", text="y"
        )
    with pytest.raises(PermissionDenied):
        services.deputy_suggestion_submit(
            actor=user_of("qh-dh", Role.GOVERNMENT_OFFICE), deputy=deputy, title="x", text="y"
        )
    assert not Suggestion.objects.filter(deputy=deputy).exists()


def test_point_table_weights_the_ranking_and_refuses_a_negative_weight(
    world, deputy_of, user_of, client
):
    first, second = deputy_of("qh-dh", 4), deputy_of("qh-dh", 5)
    year = _propose(first).created.year
    _propose(second, "老街排水改造")
    _propose(second, "菜市场增设公厕")
    congress = user_of("qh-dh", Role.CONGRESS_OFFICE)
    client.force_login(congress)
    response = client.post(
        reverse("deputies:points") + "?j=qh-dh",
        {s.code: "1" for s in duty.DUTY_SOURCES} | {"suggestions_made": "-3"},
    )
    assert response.status_code == 400
    made = duty.DUTY_SOURCES[0]
    assert str(dm.POINTS_NEGATIVE % {"source": made.label}) in response.content.decode()
    assert "积分分值不能为负（提出建议）" in response.content.decode()
    assert not DutyPointRule.objects.filter(jurisdiction__code="qh-dh").exists()

    response = client.post(
        reverse("deputies:points") + "?j=qh-dh",
        {s.code: "1" for s in duty.DUTY_SOURCES} | {"suggestions_made": "4.5"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="duty.points_set").exists()
    ranking = duty.ranking(world.jurisdictions["qh-dh"], year)
    assert ranking[0].deputy == second and ranking[0].total == Decimal("9.0")
    assert ranking[0].rank == 1 and ranking[1].deputy == first and ranking[1].rank == 2

    page = client.get(reverse("deputies:ranking") + f"?j=qh-dh&year={year}").content.decode()
    assert second.name in page


def test_point_table_service_refuses_negative_weights_whole(world, user_of):
    congress = user_of("qh-dh", Role.CONGRESS_OFFICE)
    with pytest.raises(ValidationError) as refused:
        duty_services.duty_points_set(
            actor=congress,
            jurisdiction=world.jurisdictions["qh-dh"],
            points={"suggestions_made": "3", "opinions_issued": "-1"},
        )
    label = next(s.label for s in duty.DUTY_SOURCES if s.code == "opinions_issued")
    assert str(dm.POINTS_NEGATIVE % {"source": label}) in refused.value.messages
    assert not DutyPointRule.objects.exists()
    with pytest.raises(PermissionDenied):
        duty_services.duty_points_set(
            actor=user_of("qh-dh", Role.GOVERNMENT_OFFICE),
            jurisdiction=world.jurisdictions["qh-dh"],
            points={"suggestions_made": "3"},
        )


def test_the_years_points_export_to_excel(world, deputy_of, user_of, client):
    deputy = deputy_of("qh-dh", 4)
    year = _propose(deputy).created.year
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    response = client.get(reverse("deputies:ranking_export") + f"?j=qh-dh&year={year}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    names = {row[1]: row for row in rows[2:]}
    assert names[deputy.name][-1] == 2.0
    assert len(names) == 8


def test_the_deputy_sees_their_own_record_and_no_one_elses(deputy_of, user_of, client):
    mine, other = deputy_of("qh-dh", 0), deputy_of("qh-dh", 1)
    client.force_login(mine.user)
    assert client.get(reverse("deputies:record", args=[mine.pk])).status_code == 200
    assert client.get(reverse("deputies:record", args=[other.pk])).status_code == 404
    assert client.get(reverse("deputies:ranking")).status_code == 404
    # a deputy or the congress office of another jurisdiction gets 404
    client.force_login(deputy_of("qh-xs", 0).user)
    assert client.get(reverse("deputies:record", args=[mine.pk])).status_code == 404
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    assert client.get(reverse("deputies:record", args=[mine.pk])).status_code == 404
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    assert client.get(reverse("deputies:record", args=[mine.pk])).status_code == 200


def test_monitoring_work_counts_in_the_record(world, make_case):
    case = make_case("qh-dh", to="acceptance")
    monitor = case.project.monitors.order_by("pk").first()
    year = case.project.reports.first().signed_off_at.year
    record = duty.duty_record(monitor, year)
    assert record.counts["reports_signed_off"] >= 2
    assert record.counts["opinions_issued"] >= 1


def test_ranking_runs_the_same_queries_whatever_the_number_of_deputies_work(
    world, deputy_of, user_of, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    url = reverse("deputies:ranking") + "?j=qh-dh"
    client.get(url)  # warm the content-type cache
    _propose(deputy_of("qh-dh", 0), "建议一")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 8):
        _propose(deputy_of("qh-dh", n), f"建议{n}")
        _propose(deputy_of("qh-dh", n), f"再建议{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
