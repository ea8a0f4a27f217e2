"""Bad input on every step form gets a clear message and writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core import messages
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def open_step(case, name):
    return Task.objects.get(
        process=case.project.process,
        flow_task=getattr(ProjectFlow, name),
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def post_step(client, user, task, data, files=None):
    client.force_login(user)
    url = reverse("flows:step", args=[task.process_id, task.pk])
    return client.post(url, {**data, **(files or {})}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def assert_refused(response, message, case, task, history_before):
    assert response.status_code == 400
    with translation.override("zh-hans"):
        assert str(message) in response.content.decode()
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner_id is None
    assert case.project.history.count() == history_before


def plan_data(**overrides):
    data = {
        "plan_summary": "三阶段实施",
        "targets": "年底完工",
        "responsible": "王建国",
        "budget": "120",
        "fund_source": "财政",
        "deadline": "2026-11-30",
        "milestones-TOTAL_FORMS": "5",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "30",
        "milestones-0-title": "完成招标",
        "milestones-0-due": "2026-03-31",
    }
    data.update(overrides)
    return data


def test_infeasible_without_reason_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="study")
    task, before = open_step(case, "study_feasibility"), case.project.history.count()
    response = post_step(client, world.users[("qh-dh", case.dept)], task, {"feasible": "no"})
    assert_refused(response, messages.REASON_REQUIRED_WHEN_INFEASIBLE, case, task, before)


def test_negative_budget_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="planning")
    task, before = open_step(case, "submit_plan"), case.project.history.count()
    response = post_step(client, world.users[("qh-dh", case.dept)], task, plan_data(budget="-5"))
    assert_refused(response, messages.BUDGET_NEGATIVE, case, task, before)
    assert case.project.milestones.count() == 0


def test_deadline_before_the_vote_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="planning")
    task, before = open_step(case, "submit_plan"), case.project.history.count()
    data = plan_data(deadline="2025-12-31", **{"milestones-0-due": "2025-12-01"})
    response = post_step(client, world.users[("qh-dh", case.dept)], task, data)
    assert_refused(response, messages.DEADLINE_BEFORE_VOTE, case, task, before)


def test_plan_without_milestones_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="planning")
    task, before = open_step(case, "submit_plan"), case.project.history.count()
    data = plan_data(**{"milestones-0-title": "", "milestones-0-due": ""})
    response = post_step(client, world.users[("qh-dh", case.dept)], task, data)
    assert_refused(response, messages.MILESTONES_REQUIRED, case, task, before)


def report_data(**overrides):
    data = {"year": "2026", "quarter": "2", "progress": "40", "funds_spent": "40"}
    data.update(overrides)
    return data


def test_progress_over_100_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="implementing")
    task, before = open_step(case, "submit_report"), case.project.history.count()
    response = post_step(
        client, world.users[("qh-dh", case.dept)], task, report_data(progress="120")
    )
    assert_refused(response, messages.PROGRESS_OVER_100, case, task, before)
    assert case.project.reports.count() == 0


def test_progress_going_backwards_needs_a_reason(world, make_case, client):
    case = make_case("qh-dh", to="implementing")
    case.report(1, 50)
    case.review()
    case.refresh()
    task, before = open_step(case, "submit_report"), case.project.history.count()
    response = post_step(
        client, world.users[("qh-dh", case.dept)], task, report_data(progress="30")
    )
    assert_refused(response, messages.PROGRESS_BACKWARDS_NEEDS_REASON, case, task, before)
    response = post_step(
        client,
        world.users[("qh-dh", case.dept)],
        task,
        report_data(progress="30", regression_reason="部分工程返工"),
    )
    assert response.status_code == 302
    case.refresh()
    assert case.project.progress == 30


def test_a_file_of_the_wrong_type_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="implementing")
    task, before = open_step(case, "submit_report"), case.project.history.count()
    upload = SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream")
    response = post_step(
        client, world.users[("qh-dh", case.dept)], task, report_data(), {"attachment": upload}
    )
    with translation.override("zh-hans"):
        assert str(messages.FILE_TYPE_NOT_ALLOWED).split("%")[0] in response.content.decode()
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == STATUS.NEW
    assert case.project.attachments.count() == 0 and case.project.history.count() == before


def test_a_file_too_large_is_refused(world, make_case, client, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    case = make_case("qh-dh", to="implementing")
    task, before = open_step(case, "submit_report"), case.project.history.count()
    upload = SimpleUploadedFile("photo.jpg", b"x" * 4096, content_type="image/jpeg")
    response = post_step(
        client, world.users[("qh-dh", case.dept)], task, report_data(), {"attachment": upload}
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        assert str(messages.FILE_TOO_LARGE).split("%")[0] in response.content.decode()
    assert case.project.attachments.count() == 0 and case.project.history.count() == before


def test_party_return_without_comment_is_refused(world, make_case, client):
    case = make_case("qh-dh", to="party_review")
    task, before = open_step(case, "review_by_party"), case.project.history.count()
    response = post_step(
        client, world.users[("qh-dh", Role.PARTY_OFFICE)], task, {"decision": "returned"}
    )
    assert_refused(response, messages.COMMENT_REQUIRED_WHEN_RETURNED, case, task, before)


def test_returning_a_report_needs_opinions(world, make_case, client):
    case = make_case("qh-dh", to="report_review")
    task, before = open_step(case, "review_report"), case.project.history.count()
    monitor = case.project.monitors.first().user
    response = post_step(client, monitor, task, {"decision": "return"})
    assert_refused(response, messages.OPINION_REQUIRED_WHEN_RETURNED, case, task, before)


def test_refusing_acceptance_needs_an_opinion(world, make_case, client):
    case = make_case("qh-dh", to="acceptance")
    task, before = open_step(case, "accept_completion"), case.project.history.count()
    monitor = case.project.monitors.first().user
    response = post_step(client, monitor, task, {"accepted": "no"})
    assert_refused(response, messages.ACCEPTANCE_NEEDS_OPINION, case, task, before)


def test_a_completed_step_posted_again_is_told_and_changes_nothing(world, make_case, client):
    case = make_case("qh-dh", to="party_review")
    task = open_step(case, "review_by_party")
    party = world.users[("qh-dh", Role.PARTY_OFFICE)]
    assert post_step(client, party, task, {"decision": "approved"}).status_code == 302
    case.refresh()
    before = case.project.history.count()
    response = post_step(client, party, task, {"decision": "rejected", "comment": "x"})
    assert response.status_code == 302
    case.refresh()
    assert case.project.history.count() == before
    assert case.project.party_decision == "approved"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_a_step_page_runs_as_prepared_statements(world, make_case, client):
    """The step's page and its form sent run their statements prepared (core/prepared.py)
    and complete the step as unprepared ones would."""

    def prepared_statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    case = make_case("qh-dh", to="study")
    task = open_step(case, "study_feasibility")
    user = world.users[("qh-dh", case.dept)]
    client.force_login(user)
    before = prepared_statements()
    assert client.get(reverse("flows:step", args=[task.process_id, task.pk])).status_code == 200
    assert any("viewflow_task" in s for s in prepared_statements() - before)
    data = {"feasible": "yes", "opinion": "方案可行。", "fund_source": "财政资金"}
    assert post_step(client, user, task, data).status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE
