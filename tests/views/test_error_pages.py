"""Branded error pages in the interface's language, without the framework's debug pages."""

import pytest
from django.test import override_settings
from django.urls import reverse

from permissions.roles import Role

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_404_is_the_sites_own_page_in_chinese(client, world):
    client.force_login(world.users[("qh-dh", "works")])
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "URLconf" not in body
    assert reverse("core:inbox") in body


@override_settings(DEBUG=False)
def test_403_is_the_sites_own_page(client, world, make_case):
    case = make_case("qh-dh", to="study")
    client.force_login(world.users[("qh-dh", Role.PARTY_OFFICE)])
    task = case.task("study_feasibility")
    response = client.get(reverse("flows:step", args=[task.process_id, task.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权" in body and "403 Forbidden" not in body


def test_500_page_renders_without_a_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "500" in html and "site.css" in html


def test_help_pages_list_each_roles_steps(client, world):
    body = client.get(reverse("help:index")).content.decode()
    assert reverse("help:role", args=["department"]) in body
    body = client.get(reverse("help:role", args=["department"]), HTTP_ACCEPT_LANGUAGE="en")
    text = body.content.decode()
    assert "Study feasibility" in text and "Answer opinions" in text
    deputy = client.get(reverse("help:role", args=["deputy"])).content.decode()
    assert "代表专项监督小组" in deputy or "专项监督小组" in deputy
    assert client.get(reverse("help:role", args=["nobody"])).status_code == 404
