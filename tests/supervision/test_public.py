"""The public pages never show what is not yet public, and the suggestion form resists
robots without a third-party captcha."""

import datetime
import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import messages
from core.models import Project, Suggestion
from core.services import calendar
from core.views import public

pytestmark = pytest.mark.django_db

# Every point a case can stand at, and whether the public may see its title there.
BEFORE_PARTY_REVIEW = [
    "assign_study",
    "study",
    "party_review",
    "infeasible",
    "rejected",
    "returned_then_study",
]
CANDIDATE = ["candidate"]
AFTER_THE_VOTE = [
    "not_elected",
    "planning",
    "implementing",
    "report_review",
    "answer_opinions",
    "acceptance",
    "evaluation",
    "accountability",
    "closed_commend",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def collecting(world):
    """东湖镇 takes suggestions all year, so the form is open whatever today's date."""
    calendar.calendar_settings_update(
        actor=None, jurisdiction=world.jurisdictions["qh-dh"], collection_all_year=True
    )


@pytest.fixture
def cases(make_case):
    """One case at each point, each with a title found nowhere else."""
    built = {}
    for index, target in enumerate(BEFORE_PARTY_REVIEW + CANDIDATE + AFTER_THE_VOTE):
        project = make_case("qh-dh", to=target).project
        marker = f"MK{index:02d}Z"
        Project.objects.filter(pk=project.pk).update(title=marker)
        built[target] = Project.objects.get(pk=project.pk)
    return built


def public_pages(client, cases):
    urls = [
        reverse("public:index"),
        reverse("public:board", args=["qh-dh"]),
        reverse("public:board", args=["qh"]),
        reverse("public:suggest"),
        reverse("public:receipt_lookup"),
    ]
    for suggestion in Suggestion.objects.filter(projects__in=list(cases.values())):
        urls.append(reverse("public:receipt", args=[suggestion.receipt_code]))
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_no_public_page_shows_a_project_before_the_party_review(client, cases):
    pages = public_pages(client, cases)
    for target in BEFORE_PARTY_REVIEW:
        for url, html in pages.items():
            assert cases[target].title not in html, (target, url)


def test_candidates_appear_after_the_party_review_without_any_result(client, cases):
    candidate = cases["candidate"]
    # a voting session may hold figures before the announcement: never shown before it
    Project.objects.filter(pk=candidate.pk).update(vote_yes=7777, vote_rank=1)
    pages = public_pages(client, cases)
    board = pages[reverse("public:board", args=["qh-dh"])]
    assert candidate.title in board
    for url, html in pages.items():
        assert "7777" not in html, url
    row = re.search(f'<td class="title">{candidate.title}</td>', board)
    assert row is None  # not in the vote results table


def test_results_appear_once_the_vote_is_recorded(client, cases):
    board = client.get(reverse("public:board", args=["qh-dh"])).content.decode()
    for target in AFTER_THE_VOTE:
        assert cases[target].title in board, target
    elected = cases["implementing"]
    assert f'<td class="title">{elected.title}</td><td>{elected.vote_yes}</td>' in board


def test_a_residents_contact_details_never_appear(client, cases):
    pages = public_pages(client, cases)
    suggestions = Suggestion.objects.filter(projects__in=list(cases.values()))
    assert suggestions.exclude(proposer_contact="").exists()
    for suggestion in suggestions:
        for url, html in pages.items():
            assert suggestion.proposer_contact not in html, url
            assert suggestion.proposer_name not in html, url


def test_the_board_shows_signed_off_progress_and_the_latest_quarterly_summary(client, cases):
    board = client.get(reverse("public:board", args=["qh-dh"])).content.decode()
    # in review: the lead unit reported 30 % but the group has not signed it off yet
    review = cases["report_review"]
    card = board[board.index(review.title) :]
    card = card[: card.index("</article>")]
    assert 'aria-valuenow="0"' in card
    accepted = cases["evaluation"]
    card = board[board.index(accepted.title) :]
    card = card[: card.index("</article>")]
    assert 'aria-valuenow="100"' in card
    assert "第2季度完成计划工作量。" in card


def test_the_receipt_says_what_became_of_the_suggestion(client, cases):
    infeasible = cases["infeasible"].suggestions.first()
    html = client.get(reverse("public:receipt", args=[infeasible.receipt_code])).content.decode()
    assert cases["infeasible"].infeasible_reason in html
    elected = cases["implementing"].suggestions.first()
    html = client.get(reverse("public:receipt", args=[elected.receipt_code])).content.decode()
    assert cases["implementing"].title in html
    assert reverse("public:board", args=["qh-dh"]) in html


# -- the suggestion form -------------------------------------------------------------


def form_data(world, **extra):
    data = {
        "jurisdiction": "qh-dh",
        "title": "小区门口加装路灯",
        "text": "晚上太黑，老人出行不便。",
        "location": "东湖镇幸福小区",
        "proposer_name": "居民甲",
        "proposer_contact": "13912345678",
        "website": "",
        "stamp": public.issue_form_token(issued_at=time.time() - 30),
    }
    data.update(extra)
    return data


def test_a_suggestion_gets_a_receipt_and_the_contact_stays_private(client, world, collecting):
    response = client.post(reverse("public:suggest"), form_data(world))
    assert response.status_code == 302
    suggestion = Suggestion.objects.get(title="小区门口加装路灯")
    assert response.url == reverse("public:receipt", args=[suggestion.receipt_code])
    html = client.get(response.url).content.decode()
    assert suggestion.receipt_code in html
    assert "13912345678" not in html and "居民甲" not in html


def test_the_form_carries_a_signed_timestamp(client):
    html = client.get(reverse("public:suggest")).content.decode()
    token = re.search(r'name="stamp" value="([^"]+)"', html).group(1)
    assert token
    assert 'name="website"' in html  # the trap is still there


def test_a_form_sent_too_fast_is_refused_and_shown_again(client, world, collecting):
    data = form_data(world, stamp=public.issue_form_token())
    response = client.post(reverse("public:suggest"), data)
    assert response.status_code == 400
    assert str(public.FORM_TOO_FAST) in response.content.decode()
    assert "小区门口加装路灯" in response.content.decode()  # what was typed is kept
    assert not Suggestion.objects.filter(title="小区门口加装路灯").exists()


def test_a_stale_forged_or_reused_form_is_refused(client, world, collecting):
    stale = public.issue_form_token(issued_at=time.time() - public.MAX_SECONDS - 5)
    for stamp in (stale, "forged", ""):
        response = client.post(reverse("public:suggest"), form_data(world, stamp=stamp))
        assert response.status_code == 400
        assert str(public.FORM_STALE) in response.content.decode()
    data = form_data(world)
    assert client.post(reverse("public:suggest"), data).status_code == 302
    again = client.post(reverse("public:suggest"), data)
    assert again.status_code == 400
    assert Suggestion.objects.filter(title="小区门口加装路灯").count() == 1


def test_the_trap_field_catches_robots(client, world, collecting):
    response = client.post(reverse("public:suggest"), form_data(world, website="http://spam"))
    assert response.status_code == 400
    assert not Suggestion.objects.filter(title="小区门口加装路灯").exists()


def test_suggestions_are_limited_per_address(client, world, collecting):
    for n in range(public.SUBMISSIONS_PER_HOUR):
        response = client.post(reverse("public:suggest"), form_data(world, title=f"建议{n}"))
        assert response.status_code == 302
    response = client.post(reverse("public:suggest"), form_data(world, title="再来一条"))
    assert response.status_code == 400
    assert str(public.TOO_MANY_SUGGESTIONS) in response.content.decode()
    assert not Suggestion.objects.filter(title="再来一条").exists()
    other = client.post(
        reverse("public:suggest"), form_data(world, title="邻居的建议"), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_the_calendars_collection_window_opens_and_closes_the_form(world):
    # 东湖镇 keeps the default window, 1 September – 31 October
    east = world.jurisdictions["qh-dh"]
    assert public.collection_open(east, datetime.date(2026, 9, 15))
    assert not public.collection_open(east, datetime.date(2026, 12, 1))


def test_a_closed_collection_window_refuses_the_form(client, world, monkeypatch):
    monkeypatch.setattr(public.timezone, "localdate", lambda *a, **k: datetime.date(2026, 12, 1))
    response = client.post(reverse("public:suggest"), form_data(world))
    assert response.status_code == 400
    assert str(messages.COLLECTION_CLOSED) in response.content.decode()


def test_the_public_pages_are_made_for_a_phone(client, cases):
    for url, html in public_pages(client, cases).items():
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in html, url
        for width in re.findall(r"(?<![\w-])(?:min-width|width):\s*(\d+)px", html):
            assert int(width) <= 390, (url, width)
