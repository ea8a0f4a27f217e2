"""The case page says whose turn it is, what comes next, and where the case stands."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.selectors.case_progress import stage_bar, whose_turn
from core.selectors.tasks import open_tasks_of
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _turn(case):
    with translation.override("en"):
        return whose_turn(case.project, list(open_tasks_of(case.project.process)))


def test_the_party_office_is_named_when_the_review_is_owed(make_case, world):
    case = make_case("qh-dh", to="party_review")
    turn = _turn(case)
    assert world.offices[("qh-dh", "party")].name in turn
    assert "review the candidate project" in turn and "Then: the congress vote." in turn


def test_the_lead_unit_is_named_for_the_report_and_the_due_date_given(make_case):
    case = make_case("qh-dh", to="implementing")
    turn = _turn(case)
    assert case.project.lead_unit.name in turn
    assert "submit the quarterly report" in turn or "next quarter" in turn


def test_the_monitoring_group_holds_the_sign_off(make_case):
    case = make_case("qh-dh", to="report_review")
    assert "the monitoring group to review the report" in _turn(case)


def test_an_ended_case_says_why_it_ended(make_case):
    case = make_case("qh-dh", to="infeasible")
    assert "infeasible" in _turn(case)
    with translation.override("en"):
        bar = stage_bar(case.project)
    states = [s.state for s in bar]
    assert states[:3] == ["done", "stopped", "todo"]


def test_the_stage_bar_dates_every_stage_done(make_case):
    case = make_case("qh-dh", to="evaluation")
    bar = stage_bar(case.project, list(case.project.suggestions.all()))
    done = [s for s in bar if s.state == "done"]
    assert [s.state for s in bar][-1] == "current"
    assert len(done) == 7 and all(s.when for s in done)


def test_case_page_shows_the_sentence_and_the_bar(make_case, world, client):
    case = make_case("qh-dh", to="study")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    body = client.get(reverse("core:case", args=[case.project.pk])).content.decode()
    assert 'class="whose-turn"' in body and 'class="stage-bar"' in body
    assert case.project.study_department.name in body
    assert 'aria-current="step"' in body


def test_the_case_chart_has_a_fixed_size_so_its_labels_stay_legible(make_case, world, client):
    case = make_case("qh-dh", to="study")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    svg = client.get(reverse("core:case_chart", args=[case.project.pk])).content.decode()
    head = svg[: svg.index(">")]
    assert 'width="100%"' not in head and 'viewBox="' in head
