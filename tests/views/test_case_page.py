"""The case page: every field, the live map, one merged timeline; its small actions."""

import pytest
from django.urls import reverse

from core.models import Stage
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_case_page_merges_tasks_changes_opinions_and_answers(world, make_case, client):
    case = make_case("qh-dh", to="acceptance")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    body = client.get(reverse("core:case", args=[case.project.pk])).content.decode()
    report = case.project.reports.order_by("pk").first()
    opinion = report.opinions.first()
    assert opinion.text in body and opinion.answer in body
    for step in ("assign_study", "study_feasibility", "review_by_party", "submit_report"):
        from flows.project_flow import ProjectFlow

        assert str(getattr(ProjectFlow, step).task_title) in body
    assert case.project.title in body
    assert reverse("core:case_chart", args=[case.project.pk]) in body
    svg = client.get(reverse("core:case_chart", args=[case.project.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_no_one_records_a_vote_outcome_on_the_case_page(world, make_case, client):
    case = make_case("qh-dh", to="candidate")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    page = client.get(reverse("core:case", args=[case.project.pk])).content.decode()
    assert "/vote/" not in page
    response = client.post(f"/work/cases/{case.project.pk}/vote/", {"elected": "yes", "yes": "999"})
    assert response.status_code == 404
    case.refresh()
    assert case.project.elected is None and case.project.stage == Stage.CANDIDATE


def test_comment_needs_text_and_is_on_the_record(world, make_case, client):
    case = make_case("qh-dh", to="candidate")
    deputy = case.project.jurisdiction.deputies.first().user
    client.force_login(deputy)
    client.post(reverse("core:case_comment", args=[case.project.pk]), {"text": ""})
    assert case.project.comments.count() == 0
    client.post(reverse("core:case_comment", args=[case.project.pk]), {"text": "建议尽快实施"})
    comment = case.project.comments.get()
    assert comment.history.get().history_user == deputy


def test_a_case_with_many_comments_shows_the_latest_and_all_on_request(world, make_case, client):
    from core.models import Comment
    from core.views.work import COMMENTS_SHOWN

    case = make_case("qh-dh", to="candidate")
    deputy = case.project.jurisdiction.deputies.first().user
    for n in range(COMMENTS_SHOWN + 3):
        Comment.objects.create(project=case.project, author=deputy, text=f"第{n:02d}条意见")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    url = reverse("core:case", args=[case.project.pk])
    page = client.get(url).content.decode().split('id="comments-h"')[1].split("</section>")[0]
    assert "第12条意见" in page and "第03条意见" in page and "第02条意见" not in page
    assert page.index("第03条意见") < page.index("第12条意见")  # oldest of those first
    assert "共 13 条" in page and "?comments=all" in page
    everything = client.get(url, {"comments": "all"}).content.decode()
    comments = everything.split('id="comments-h"')[1].split("</section>")[0]
    assert all(f"第{n:02d}条意见" in comments for n in range(13))
    assert "?comments=all" not in comments


def test_a_few_comments_are_all_shown_without_a_count(world, make_case, client):
    from core.models import Comment

    case = make_case("qh-dh", to="candidate")
    deputy = case.project.jurisdiction.deputies.first().user
    Comment.objects.create(project=case.project, author=deputy, text="建议尽快实施")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    page = client.get(reverse("core:case", args=[case.project.pk])).content.decode()
    assert "建议尽快实施" in page and "?comments=all" not in page
