"""Simplified Chinese by default, English available."""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from flows.project_flow import ProjectFlow

pytestmark = pytest.mark.django_db


def test_public_front_page_is_chinese_by_default(client):
    body = client.get(reverse("public:index")).content.decode()
    assert 'lang="zh-hans"' in body
    assert "提出建议" in body or "我要提建议" in body or "建议" in body


def test_english_is_available(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("public:index")).content.decode()
    assert 'lang="en"' in body
    assert "Make a suggestion" in body


def test_step_pages_answer_in_chinese_by_default(world, make_case, client):
    case = make_case("qh-dh", to="study")
    client.force_login(world.users[("qh-dh", case.dept)])
    task = Task.objects.get(process=case.project.process, flow_task=ProjectFlow.study_feasibility)
    body = client.get(reverse("flows:step", args=[task.process_id, task.pk])).content.decode()
    assert 'lang="zh-hans"' in body
    assert "提交" in body
