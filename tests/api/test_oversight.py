"""The supervision year through the API, read-only: meetings, inspections, changes and
review opinions, by jurisdiction and year and per case; scoped as the pages are (another
jurisdiction's rows are 404, as missing ones), paginated in a constant number of
queries; the approved changes are public on the board."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permissions.roles import Role

pytestmark = pytest.mark.django_db

LISTS = ("v1-meetings", "v1-inspections", "v1-changes")


def _ok(answer):
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_meeting_with_its_agenda_attendance_and_answered_opinion(api, supervision_year, user_of):
    year = supervision_year()
    reader = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    listed = _ok(reader.get(reverse("v1-meetings")))
    assert [m["id"] for m in listed["results"]] == [year.meeting.pk]
    assert listed["results"][0]["present"] == 6 and listed["results"][0]["status"] == "held"
    detail = _ok(reader.get(reverse("v1-meeting", args=[year.meeting.pk])))
    assert {a["project"]["id"] for a in detail["agenda"]} >= {p.pk for p in year.projects}
    assert sorted(d["id"] for d in detail["attendees"]) == [d.pk for d in year.deputies[:6]]
    assert detail["minutes"] == "听取各项目上半年实施情况报告。"
    [opinion] = detail["opinions"]
    assert opinion["text"] == "加快施工进度。" and opinion["answer"] == "已增加施工班组。"
    assert opinion["meeting"] == year.meeting.pk and opinion["answered_at"]
    heard = _ok(reader.get(reverse("v1-project-meetings", args=[year.projects[0].pk])))
    assert [a["meeting"]["id"] for a in heard["results"]] == [year.meeting.pk]


def test_an_inspection_with_who_went_and_what_they_found(api, supervision_year, user_of):
    year = supervision_year()
    reader = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), session=True)
    listed = _ok(reader.get(reverse("v1-inspections"), {"year": 2026, "kind": "inspection"}))
    assert [i["id"] for i in listed["results"]] == [year.inspection.pk]
    assert listed["results"][0]["projects"] == [
        {"id": year.projects[0].pk, "title": year.projects[0].title}
    ]
    detail = _ok(reader.get(reverse("v1-inspection", args=[year.inspection.pk])))
    assert detail["findings"] == "工地安全措施到位，进度略慢。"
    assert sorted(d["id"] for d in detail["deputies"]) == [d.pk for d in year.deputies[:2]]
    assert detail["photos"] == [] and detail["opinions"] == []
    of_case = _ok(reader.get(reverse("v1-project-inspections", args=[year.projects[0].pk])))
    assert [i["id"] for i in of_case["results"]] == [year.inspection.pk]
    assert (
        _ok(reader.get(reverse("v1-project-inspections", args=[year.projects[1].pk])))["count"] == 0
    )


def test_changes_proposed_and_decided_and_a_cases_opinions(api, supervision_year, user_of):
    year = supervision_year()
    reader = api(user_of("qh", Role.SUPERVISOR))
    listed = _ok(reader.get(reverse("v1-changes"), {"under": "qh-dh"}))
    assert [c["id"] for c in listed["results"]] == [year.proposed.pk, year.approved.pk]
    approved = _ok(reader.get(reverse("v1-changes"), {"status": "approved"}))["results"]
    assert [c["id"] for c in approved] == [year.approved.pk]
    detail = _ok(reader.get(reverse("v1-change", args=[year.approved.pk])))
    assert detail["kind"] == "adjust" and detail["new_budget"] == "480.00"
    assert detail["decision_body"] == "presidium" and detail["decided_on"] == "2026-06-28"
    assert "budget" in detail["previous"] and detail["jurisdiction"] == "qh-dh"
    of_case = _ok(reader.get(reverse("v1-project-changes", args=[year.projects[1].pk])))
    assert [(c["kind"], c["status"]) for c in of_case["results"]] == [("stop", "proposed")]
    opinions = _ok(reader.get(reverse("v1-project-opinions", args=[year.projects[0].pk])))
    assert [o["id"] for o in opinions["results"]] == [year.opinion.pk]
    assert opinions["results"][0]["addressee"] == year.projects[0].lead_unit.name


def test_the_filters_narrow_by_jurisdiction_subtree_and_year(api, supervision_year, user_of):
    here, there = supervision_year("qh-dh"), supervision_year("qh-xs")
    reader = api(user_of("qh", Role.SUPERVISOR))
    cases = [
        ({}, {here.meeting.pk, there.meeting.pk}),
        ({"under": "qh"}, {here.meeting.pk, there.meeting.pk}),
        ({"under": "qh-dh"}, {here.meeting.pk}),
        ({"jurisdiction": "qh-xs"}, {there.meeting.pk}),
        ({"jurisdiction": "qh"}, set()),
        ({"year": 2025}, set()),
        ({"year": 2026, "kind": "mid_year", "status": "held"}, {here.meeting.pk, there.meeting.pk}),
        ({"status": "planned"}, set()),
    ]
    for params, expected in cases:
        listed = _ok(reader.get(reverse("v1-meetings"), params))["results"]
        assert {m["id"] for m in listed} == expected, params
    inspected = _ok(reader.get(reverse("v1-inspections"), {"jurisdiction": "qh-xs"}))
    assert [i["id"] for i in inspected["results"]] == [there.inspection.pk]
    changed = _ok(reader.get(reverse("v1-changes"), {"under": "qh-xs", "year": 2026}))
    assert {c["id"] for c in changed["results"]} == {there.approved.pk, there.proposed.pk}


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": "soon"}, "year"),
        ({"year": "1999"}, "year"),
        ({"kind": "picnic"}, "kind"),
        ({"under": "x" * 21}, "under"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, user_of, name, params, field):
    answer = api(user_of("qh-dh", Role.CONGRESS_OFFICE)).get(reverse(name), params)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid" and error["field"] == field


def test_another_jurisdictions_rows_are_404_as_missing_ones(api, supervision_year, user_of):
    year = supervision_year("qh-dh")
    for who in (
        api(user_of("qh-xs", Role.CONGRESS_OFFICE)),
        api(user_of("qh-xs", Role.SUPERVISOR)),
    ):
        for name, pk in (
            ("v1-meeting", year.meeting.pk),
            ("v1-inspection", year.inspection.pk),
            ("v1-change", year.approved.pk),
            ("v1-project-meetings", year.projects[0].pk),
            ("v1-project-inspections", year.projects[0].pk),
            ("v1-project-changes", year.projects[0].pk),
            ("v1-project-opinions", year.projects[0].pk),
        ):
            for target in (pk, 10**12):
                answer = who.get(reverse(name, args=[target]))
                assert answer.status_code == 404, (name, target)
                assert answer.json()["error"]["code"] == "not_found"
        for name in LISTS:
            assert _ok(who.get(reverse(name)))["count"] == 0


def test_a_token_narrowed_below_its_account_sees_only_its_subtree(api, supervision_year, user_of):
    year = supervision_year("qh-dh")
    narrowed = api(user_of("qh", Role.SUPERVISOR), code="qh-xs")
    for name, pk in (
        ("v1-meeting", year.meeting.pk),
        ("v1-inspection", year.inspection.pk),
        ("v1-change", year.approved.pk),
        ("v1-project-changes", year.projects[0].pk),
    ):
        assert narrowed.get(reverse(name, args=[pk])).status_code == 404, name
    for name in LISTS:
        assert _ok(narrowed.get(reverse(name)))["count"] == 0


def test_anonymous_callers_and_tokens_without_read_are_refused(api, supervision_year, user_of):
    year = supervision_year()
    urls = [reverse(name) for name in LISTS] + [
        reverse("v1-meeting", args=[year.meeting.pk]),
        reverse("v1-project-opinions", args=[year.projects[0].pk]),
    ]
    suggest_only = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), scopes=("suggest",))
    for url in urls:
        anonymous = api().get(url)
        assert anonymous.status_code == 401, url
        assert anonymous.json()["error"]["code"] == "not_authenticated"
        refused = suggest_only.get(url)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope_missing"


def test_the_board_shows_the_approved_change_and_not_the_proposed_one(api, supervision_year):
    year = supervision_year()
    board = _ok(api().get(reverse("v1-board", args=["qh-dh"])))
    shown = {p["id"]: p["changes"] for section in board["years"] for p in section["elected"]}
    [change] = shown[year.projects[0].pk]
    assert change["kind"] == "adjust" and change["reason"] == "建材价格上涨，需追加预算。"
    assert change["decided_on"] == "2026-06-28" and change["new_budget"] == "480.00"
    assert shown[year.projects[1].pk] == []
    assert "上级专项资金未到位" not in str(board)


def test_the_lists_take_a_constant_number_of_queries(api, supervision_year, user_of):
    supervision_year("qh-dh")
    supervision_year("qh-xs")
    supervision_year("qh")
    reader = api(user_of("qh", Role.SUPERVISOR), session=True)
    project = reader.get(reverse("v1-projects"), {"under": "qh-dh"}).json()["results"][0]["id"]
    urls = [reverse(name) for name in LISTS] + [
        reverse(name, args=[project])
        for name in (
            "v1-project-meetings",
            "v1-project-inspections",
            "v1-project-changes",
            "v1-project-opinions",
        )
    ]
    for url in urls:
        reader.get(url)  # warm the caches (content types, permissions)
        counts = []
        for size in (1, 3, 100):
            with CaptureQueriesContext(connection) as queries:
                _ok(reader.get(url, {"page_size": size}))
            counts.append(len(queries))
        assert counts[0] == counts[1] == counts[2], (url, counts)
    assert _ok(reader.get(reverse("v1-meetings"), {"page_size": 3}))["count"] == 3
