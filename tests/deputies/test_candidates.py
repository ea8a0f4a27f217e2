"""The weeks before the vote: public and deputies' comments on published candidates
(moderated), and each delegation's pre-deliberation with its opinions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from core import deputies_messages as dm
from core.models import AuditEntry, CandidateComment, CommentStatus, DelegationReview
from core.selectors import duty
from core.services import candidates as services
from core.views import public
from permissions.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_form(monkeypatch):
    monkeypatch.setattr(public, "MIN_SECONDS", 0)


def _public_comment(client, project, **fields):
    data = {
        "author_name": "赵德明",
        "author_contact": "13700000003",
        "text": "建议施工避开中高考期间。",
        "stamp": public.issue_form_token(),
    } | fields
    url = reverse("deputies:public_comment", args=[project.jurisdiction.code, project.pk])
    return client.post(url, data)


def test_a_residents_comment_is_moderated_then_shown_on_the_board(make_case, user_of, client):
    project = make_case("qh-dh", to="candidate").project
    board = reverse("public:board", args=["qh-dh"])
    assert "Comment on this candidate" in client.get(board).content.decode() or (
        "对该候选项目提意见" in client.get(board).content.decode()
    )
    assert _public_comment(client, project).status_code == 302
    comment = CandidateComment.objects.get(project=project)
    assert comment.status == CommentStatus.PENDING and comment.deputy is None
    assert "建议施工避开中高考期间" not in client.get(board).content.decode()

    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    page = client.get(reverse("deputies:candidate", args=[project.pk])).content.decode()
    assert "建议施工避开中高考期间" in page
    response = client.post(
        reverse("deputies:comment_moderate", args=[comment.pk]), {"decision": "publish"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="candidate.comment_moderate").exists()
    client.logout()
    shown = client.get(board).content.decode()
    assert "建议施工避开中高考期间" in shown and "13700000003" not in shown


def test_a_comment_on_a_candidate_not_published_is_refused_and_writes_nothing(make_case, client):
    project = make_case("qh-dh", to="party_review").project
    response = _public_comment(client, project)
    assert response.status_code == 400
    assert escape(str(dm.CANDIDATE_NOT_PUBLISHED)) in response.content.decode()
    assert "该候选项目未公开征求意见" in response.content.decode()
    assert not CandidateComment.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.candidate_comment_submit(actor=None, project=project, author_name="x", text="y")
    assert str(dm.CANDIDATE_NOT_PUBLISHED) in refused.value.messages


def test_an_empty_or_forged_comment_writes_nothing(make_case, client):
    project = make_case("qh-dh", to="candidate").project
    assert _public_comment(client, project, text="  ").status_code == 400
    assert _public_comment(client, project, stamp="forged").status_code == 400
    assert _public_comment(client, project, text="长" * 1001).status_code == 400
    assert not CandidateComment.objects.exists()


def test_a_deputy_comments_in_their_name_and_is_credited_once_published(
    make_case, deputy_of, user_of, client
):
    project = make_case("qh-dh", to="candidate").project
    deputy = deputy_of("qh-dh", 6)
    client.force_login(deputy.user)
    url = reverse("deputies:candidate", args=[project.pk])
    response = client.post(url, {"form": "comment", "text": "建议同步实施雨污分流。"})
    assert response.status_code == 302
    comment = CandidateComment.objects.get(project=project)
    assert comment.deputy == deputy and comment.author_name == deputy.name
    services.candidate_comment_moderate(
        actor=user_of("qh-dh", Role.CONGRESS_OFFICE), comment=comment, publish=True
    )
    assert duty.duty_record(deputy, comment.created.year).counts["candidate_comments"] == 1
    # a deputy of another township gets 404 for the candidate
    client.force_login(deputy_of("qh-xs", 0).user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "comment", "text": "x"}).status_code == 404


def test_moderation_refusals(make_case, user_of):
    project = make_case("qh-dh", to="candidate").project
    comment = services.candidate_comment_submit(
        actor=None, project=project, author_name="钱春梅", text="支持！"
    )
    with pytest.raises(PermissionDenied):
        services.candidate_comment_moderate(
            actor=user_of("qh-dh", Role.GOVERNMENT_OFFICE), comment=comment, publish=True
        )
    with pytest.raises(ValidationError) as no_reason:
        services.candidate_comment_moderate(
            actor=user_of("qh-dh", Role.CONGRESS_OFFICE), comment=comment, publish=False
        )
    assert str(dm.REJECTION_NEEDS_NOTE) in str(no_reason.value)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_delegation_pre_deliberation_is_recorded_once_with_opinions(make_case, user_of, client):
    project = make_case("qh-dh", to="candidate").project
    congress = user_of("qh-dh", Role.CONGRESS_OFFICE)
    client.force_login(congress)
    url = reverse("deputies:candidate", args=[project.pk])
    data = {
        "form": "review",
        "delegation": "第1代表团",
        "held_on": "2026-01-10",
        "present": "4",
        "stance": "remarks",
        "opinions": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert escape(str(dm.REVIEW_NEEDS_OPINIONS)) in response.content.decode()
    response = client.post(url, data | {"present": "9", "opinions": "x"})
    assert response.status_code == 400
    assert not DelegationReview.objects.exists()

    response = client.post(url, data | {"opinions": "建议明确资金来源和工期。"})
    assert response.status_code == 302
    review = DelegationReview.objects.get(project=project)
    assert review.present == 4 and review.held_on == datetime.date(2026, 1, 10)
    assert AuditEntry.objects.filter(action="candidate.pre_deliberation").exists()
    again = client.post(url, data | {"opinions": "重复"})
    assert again.status_code == 400
    assert escape(str(dm.REVIEW_ALREADY_RECORDED)) in again.content.decode()
    assert DelegationReview.objects.count() == 1


def test_pre_deliberation_refusals(make_case, user_of, deputy_of, client):
    project = make_case("qh-dh", to="candidate").project
    data = {
        "form": "review",
        "delegation": "第1代表团",
        "held_on": "2026-01-10",
        "present": "4",
        "stance": "agree",
    }
    url = reverse("deputies:candidate", args=[project.pk])
    client.force_login(deputy_of("qh-dh", 0).user)
    assert client.post(url, data).status_code == 403
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    assert client.post(url, data).status_code == 404
    with pytest.raises(ValidationError):
        services.delegation_review_record(
            actor=user_of("qh-dh", Role.CONGRESS_OFFICE),
            project=project,
            delegation="第9代表团",
            held_on=datetime.date(2026, 1, 10),
            stance="agree",
            opinions="",
            present=3,
        )
    assert not DelegationReview.objects.exists()
