"""Every decision form shows what it decides on, and opinions travel one by one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.services.supervision import opinion_texts
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def open_step(case, name):
    return Task.objects.get(
        process=case.project.process,
        flow_task=getattr(ProjectFlow, name),
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def step_url(task):
    return reverse("flows:step", args=[task.process_id, task.pk])


def test_party_review_form_shows_the_study_conclusion_and_opinion(world, make_case, client):
    case = make_case("qh-dh", to="party_review")
    client.force_login(world.users[("qh-dh", Role.PARTY_OFFICE)])
    body = client.get(step_url(open_step(case, "review_by_party"))).content.decode()
    assert case.project.feasibility_opinion in body
    assert case.project.study_department.name in body
    assert "可行" in body and "About this step" not in body  # Chinese by default
    assert "党委" in body


def test_review_form_shows_the_report_figures_and_one_field_per_opinion(world, make_case, client):
    case = make_case("qh-dh", to="report_review")
    report = case.project.reports.get()
    monitor = case.project.monitors.first().user
    client.force_login(monitor)
    task = open_step(case, "review_report")
    body = client.get(step_url(task)).content.decode()
    assert report.milestone_notes in body and f"{report.progress}%" in body
    assert 'name="opinion_1"' in body and 'name="opinion_2"' in body
    response = client.post(
        step_url(task),
        {"decision": "return", "opinion_1": "安全防护不到位", "opinion_2": "补充资金明细"},
    )
    assert response.status_code == 302
    assert list(report.opinions.values_list("text", flat=True)) == [
        "安全防护不到位",
        "补充资金明细",
    ]


def test_opinions_separated_by_a_blank_line_from_a_browser_are_two():
    assert opinion_texts("第一条\r\n\r\n第二条\r\n") == ["第一条", "第二条"]
    assert opinion_texts(["a", " ", "b"]) == ["a", "b"]


def test_lead_unit_answers_each_opinion_in_its_own_field_with_its_own_file(
    world, make_case, client
):
    case = make_case("qh-dh", to="answer_opinions")
    report = case.project.reports.get()
    opinions = list(report.opinions.order_by("pk"))
    assert len(opinions) == 2
    client.force_login(world.users[("qh-dh", case.dept)])
    task = open_step(case, "answer_opinions")
    body = client.get(step_url(task)).content.decode()
    for opinion in opinions:
        assert f'name="answer_{opinion.pk}"' in body and f'name="file_{opinion.pk}"' in body
        assert opinion.text in body
    upload = SimpleUploadedFile("整改照片.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        step_url(task),
        {
            f"answer_{opinions[0].pk}": "已增设围挡",
            f"answer_{opinions[1].pk}": "已补充明细",
            f"file_{opinions[0].pk}": upload,
        },
    )
    assert response.status_code == 302
    first, second = (o for o in report.opinions.order_by("pk"))
    assert (first.answer, second.answer) == ("已增设围挡", "已补充明细")
    assert first.attachments.get().name == "整改照片.pdf"
    assert not second.attachments.exists()


def test_report_form_defaults_to_the_quarter_owed_and_feasibility_to_the_budget(
    world, make_case, client
):
    case = make_case("qh-dh", to="implementing")
    client.force_login(world.users[("qh-dh", case.dept)])
    task = open_step(case, "submit_report")
    form = client.get(step_url(task)).context["form"]
    from core.selectors.calendar import next_report_period

    year, quarter = next_report_period(case.project)
    assert (form.initial["year"], form.initial["quarter"]) == (year, quarter)

    study = make_case("qh-dh", to="study")
    client.force_login(world.users[("qh-dh", study.dept)])
    form = client.get(step_url(open_step(study, "study_feasibility"))).context["form"]
    assert form.initial["budget"] == study.project.budget


def test_step_page_says_who_does_the_step_and_by_when(world, make_case, client):
    case = make_case("qh-dh", to="report_review")
    client.force_login(case.project.monitors.first().user)
    body = client.get(
        step_url(open_step(case, "review_report")), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "on the group&#x27;s behalf" in body or "on the group's behalf" in body
    assert "Who does it" in body and "Due" in body
