"""The deputy's ballot pages and the ballot API: a valid ballot is cast once; bad input,
a ballot outside the window and a second ballot are refused with a clear message and
leave the stored count unchanged."""

import json

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from core import messages as vm
from core.models.voting import (
    Ballot,
    Participation,
    SealedBallot,
    SessionKind,
    SessionStatus,
    VotingSession,
)
from core.services import voting as services
from core.views.ballots import CODE_OF
from permissions.roles import Role

from .session_setup import (
    CODE,
    PASSPHRASES,
    approved_session,
    close_and_announce,
    count,
    deputies,
    fresh_user,
    ids,
    open_session,
    set_teller_keys,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(session):
    return fresh_user(deputies()[0].user)


def ballot_url(session):
    return reverse("voting:ballot", args=[session.pk])


def api_url(session):
    return reverse("api-ballot", args=[session.pk])


def counts(session):
    return (
        SealedBallot.objects.filter(session=session).count(),
        Participation.objects.filter(session=session).count(),
    )


def encode(mark):
    """The code the ballot page sends for a mark (a value it cannot send goes as is)."""
    if isinstance(mark, int):
        return f"{mark:03d}"
    return CODE_OF.get(mark, mark)


def post_ballot(client, session, marks, action="cast"):
    data = {f"c_{cid}": encode(mark) for cid, mark in marks.items()}
    data["action"] = action
    return client.post(ballot_url(session), data)


def opened_marks(world, session):
    """Close the session, have two tellers open it, and return the ballots' marks."""
    services.session_close(actor=world.users[(CODE, Role.CONGRESS_OFFICE)], session=session)
    count(world, session)
    return [b.marks for b in Ballot.objects.filter(session=session)]


def test_a_present_deputy_sees_the_ballot_with_its_checks(client, session, deputy, slate):
    client.force_login(deputy)
    response = client.get(ballot_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-max-approvals="2"' in html
    assert "core/ballot.js" in html and "core/voting.css" in html
    assert 'name="viewport"' in html
    for project in slate:
        assert f'name="c_{project.pk}"' in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_review_confirm_and_cast_gives_a_tracker_once(world, client, session, deputy, slate):
    client.force_login(deputy)
    a, b, c = ids(slate)
    marks = {a: "yes", b: "no", c: "abstain"}
    review = post_ballot(client, session, marks, action="review")
    assert review.status_code == 200
    assert f'name="c_{a}" value="Y"' in review.content.decode()
    assert counts(session) == (0, 0)  # confirming writes nothing

    cast = post_ballot(client, session, marks)
    assert cast.status_code == 200
    tracker = cast.context["tracker"]
    assert tracker in cast.content.decode() and len(tracker) == 19
    assert "no-store" in cast["Cache-Control"]
    assert counts(session) == (1, 1)
    assert SealedBallot.objects.get(session=session).tracker == tracker

    again = post_ballot(client, session, {a: "no"})
    assert again.status_code == 409
    assert str(vm.BALLOT_ALREADY_CAST) in again.content.decode()
    assert counts(session) == (1, 1)
    assert opened_marks(world, session) == [marks]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda a, b, c: {a: "yes", "999999": "yes"}, vm.BALLOT_NOT_ON_SLATE),
        (lambda a, b, c: {a: "yes", b: "maybe"}, vm.BALLOT_MARK_NOT_ALLOWED),
        (lambda a, b, c: {a: "yes", b: "yes", c: "yes"}, None),  # too many approvals
    ],
)
def test_a_tampered_form_is_refused_and_the_count_is_unchanged(
    client, session, deputy, slate, tamper, message
):
    client.force_login(deputy)
    marks = tamper(*ids(slate))
    for action in ("review", "cast"):
        response = post_ballot(client, session, marks, action=action)
        assert response.status_code == 400
        expected = message or vm.BALLOT_TOO_MANY_APPROVALS % {"max": 2, "count": 3}
        assert str(expected) in response.content.decode()
    assert counts(session) == (0, 0)


def test_a_repeated_field_is_refused(client, session, deputy, slate):
    client.force_login(deputy)
    a = ids(slate)[0]
    response = client.post(ballot_url(session), {f"c_{a}": ["Y", "N"], "action": "cast"})
    assert response.status_code == 400
    assert str(vm.BALLOT_MALFORMED) in response.content.decode()
    assert counts(session) == (0, 0)


def test_approve_only_refuses_an_against_mark(world, client, make_case):
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, rules={"seats": 2, "mode": "approve_only"})
    client.force_login(fresh_user(deputies()[1].user))
    page = client.get(ballot_url(session)).content.decode()
    assert 'data-mark="yes"' in page and 'data-mark="no"' not in page
    response = post_ballot(client, session, {ids(projects)[0]: "no"})
    assert response.status_code == 400
    assert str(vm.BALLOT_MARK_NOT_ALLOWED) in response.content.decode()
    assert counts(session) == (0, 0)


def test_the_category_minimum_is_enforced(world, client, make_case):
    # Cases cycle over the demo categories, so these three are of different categories.
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    categories = {p.category_id for p in projects}
    assert len(categories) > 1
    session = open_session(
        world, projects, rules={"seats": 2, "max_approvals": 3, "min_per_category": 1}
    )
    client.force_login(fresh_user(deputies()[2].user))
    page = client.get(ballot_url(session)).content.decode()
    assert 'data-min-per-category="1"' in page
    response = post_ballot(client, session, {ids(projects)[0]: "yes"})
    assert response.status_code == 400
    assert "missing" in str(vm.BALLOT_CATEGORY_MINIMUM) or response.context["error"]
    assert counts(session) == (0, 0)
    everything = {pid: "yes" for pid in ids(projects)}
    assert post_ballot(client, session, everything).status_code == 200
    assert counts(session) == (1, 1)


def test_a_vote_before_opening_or_after_closing_is_refused(world, client, slate):
    session = approved_session(world, slate, rules={"seats": 2})
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    services.session_record_attendance(actor=congress, session=session, present=deputies())
    voter = fresh_user(deputies()[3].user)
    client.force_login(voter)
    marks = {ids(slate)[0]: "yes"}
    early = post_ballot(client, session, marks)
    assert early.status_code == 409
    assert str(vm.BALLOT_NOT_OPEN) in early.content.decode()

    set_teller_keys(world, session)
    services.session_open(actor=congress, session=session)
    services.session_close(actor=congress, session=session)
    late = post_ballot(client, session, marks)
    assert late.status_code == 409
    assert str(vm.BALLOT_NOT_OPEN) in late.content.decode()
    assert str(vm.BALLOT_NOT_OPEN) in client.get(ballot_url(session)).content.decode()
    assert counts(session) == (0, 0)


def test_an_absent_deputy_cannot_vote(world, client, slate):
    present = deputies()[:6]
    session = open_session(world, slate, rules={"seats": 2}, present=present)
    client.force_login(fresh_user(deputies()[7].user))
    response = post_ballot(client, session, {ids(slate)[0]: "yes"})
    assert response.status_code == 403
    assert str(vm.BALLOT_NOT_PRESENT) in response.content.decode()
    assert counts(session) == (0, 0)


def test_a_clerk_is_not_a_deputy_and_another_jurisdiction_sees_nothing(
    world, client, session, slate
):
    client.force_login(fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)]))
    response = post_ballot(client, session, {ids(slate)[0]: "yes"})
    assert response.status_code == 403
    assert str(vm.BALLOT_NOT_A_DEPUTY) in response.content.decode()
    client.force_login(fresh_user(deputies("qh-xs")[0].user))
    assert client.get(ballot_url(session)).status_code == 404
    assert post_ballot(client, session, {ids(slate)[0]: "yes"}).status_code == 404
    assert counts(session) == (0, 0)


def test_the_satisfaction_ballot_refuses_a_score_on_the_three_level_scale(world, client, make_case):
    projects = [make_case(CODE, to="evaluation").project for _ in range(1)]
    session = open_session(world, projects, kind=SessionKind.SATISFACTION)
    client.force_login(fresh_user(deputies()[0].user))
    pid = ids(projects)[0]
    assert post_ballot(client, session, {pid: "85"}).status_code == 400
    assert post_ballot(client, session, {pid: "happy"}).status_code == 400
    assert counts(session) == (0, 0)
    assert post_ballot(client, session, {pid: "basic"}).status_code == 200
    assert opened_marks(world, session) == [{pid: "basic"}]


# -- the API ----------------------------------------------------------------------------


def api_post(client, session, body):
    return client.post(
        api_url(session),
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
    )


def test_the_api_casts_one_ballot_and_refuses_a_second(client, session, deputy, slate):
    client.force_login(deputy)
    a, b, _c = ids(slate)
    listing = client.get(api_url(session)).json()
    assert [c["id"] for c in listing["candidates"]] == ids(slate)
    created = api_post(client, session, {"marks": {a: "yes", b: "yes"}, "pad": "   "})
    assert created.status_code == 201
    assert len(created.json()["tracker"]) == 19
    second = api_post(client, session, {"marks": {a: "no"}})
    assert second.status_code == 409
    assert second.json() == {"detail": str(vm.BALLOT_ALREADY_CAST)}
    assert counts(session) == (1, 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", None),
        ([], vm.BALLOT_MALFORMED),
        ({}, vm.BALLOT_MALFORMED),
        ({"marks": "yes"}, vm.BALLOT_MALFORMED),
        ({"marks": {"1": "yes"}, "deputy": 3}, vm.BALLOT_MALFORMED),
        ({"marks": {"1": "yes"}, "pad": 3}, vm.BALLOT_MALFORMED),
        ({"marks": {"1": "yes"}, "pad": " " * 5000}, vm.BALLOT_MALFORMED),
        ({"marks": ["yes"]}, vm.BALLOT_MALFORMED),
        ({"marks": {"999999": "yes"}}, vm.BALLOT_NOT_ON_SLATE),
        ({"marks": "FIRST:yes"}, vm.BALLOT_MALFORMED),
        ({"marks": "FIRST:1"}, vm.BALLOT_MARK_NOT_ALLOWED),
        ({"marks": "FIRST:true"}, vm.BALLOT_MARK_NOT_ALLOWED),
        ({"marks": "ALL:yes"}, None),
    ],
)
def test_the_api_refuses_a_tampered_body_with_400(client, session, deputy, slate, body, message):
    client.force_login(deputy)
    first = ids(slate)[0]
    if isinstance(body, dict) and body.get("marks") == "FIRST:yes":
        body = {"marks": {first: "yes"}, "extra": 1}
    elif isinstance(body, dict) and body.get("marks") == "FIRST:1":
        body = {"marks": {first: 1}}
    elif isinstance(body, dict) and body.get("marks") == "FIRST:true":
        body = {"marks": {first: True}}
    elif isinstance(body, dict) and body.get("marks") == "ALL:yes":
        body = {"marks": {pid: "yes" for pid in ids(slate)}}
        message = vm.BALLOT_TOO_MANY_APPROVALS % {"max": 2, "count": 3}
    response = api_post(client, session, body)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail
    if message is not None:
        assert detail == str(message)
    assert counts(session) == (0, 0)


def test_the_api_refuses_a_ballot_after_close(world, client, session, deputy, slate):
    services.session_close(actor=world.users[(CODE, Role.CONGRESS_OFFICE)], session=session)
    client.force_login(deputy)
    response = api_post(client, session, {"marks": {ids(slate)[0]: "yes"}})
    assert response.status_code == 409
    assert response.json() == {"detail": str(vm.BALLOT_NOT_OPEN)}
    assert counts(session) == (0, 0)


# -- trackers -----------------------------------------------------------------------------


def test_the_tracker_says_sealed_then_counted_but_never_the_marks(world, client, session, slate):
    voter = fresh_user(deputies()[0].user)
    client.force_login(voter)
    a, b, _c = ids(slate)
    tracker = post_ballot(client, session, {a: "yes", b: "no"}).context["tracker"]
    check = reverse("voting:receipt")
    sealed = client.post(check, {"tracker": tracker.lower().replace("-", " ")})
    assert sealed.status_code == 200 and sealed.context["counted"] is False
    close_and_announce(world, session)
    response = client.post(check, {"tracker": tracker})
    assert response.status_code == 200 and response.context["counted"] is True
    html = response.content.decode()
    for project in slate:
        assert project.title not in html
    for word in ("For", "Against", "赞成", "反对"):
        assert word not in html.split("<main")[1]
    missing = client.post(check, {"tracker": "AAAA-BBBB-CCCC-DDDD"})
    assert missing.status_code == 400
    assert str(vm.TRACKER_NOT_FOUND) in missing.content.decode()
    # The published list holds it; the opened ballots do not carry it.
    assert tracker in session.counted_trackers.values_list("tracker", flat=True)
    assert tracker not in json.dumps(list(Ballot.objects.values()), default=str)


# -- office pages and public results -------------------------------------------------------


def test_the_session_pages_walk_a_vote(world, client, make_case):
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    congress = fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)])
    party = fresh_user(world.users[(CODE, Role.PARTY_OFFICE)])
    client.force_login(congress)
    created = client.post(
        reverse("voting:session_new"),
        {
            "jurisdiction": CODE,
            "year": 2026,
            "kind": "selection",
            "method": "electronic",
            "seats": 2,
            "title": "2026年民生实事项目票决",
        },
    )
    assert created.status_code == 302
    session = VotingSession.objects.get(title="2026年民生实事项目票决")
    assert client.get(reverse("voting:session_rules", args=[session.pk])).status_code == 200
    response = client.post(
        reverse("voting:session_slate", args=[session.pk]),
        {"projects": [str(projects[0].pk), str(projects[1].pk)]},
    )
    assert response.status_code == 400  # 2 candidates for 2 seats: outside the differential
    assert "0.2" in response.content.decode()
    client.post(
        reverse("voting:session_slate", args=[session.pk]),
        {"projects": [str(p.pk) for p in projects]},
    )
    assert session.candidates.count() == 3

    client.force_login(party)
    client.post(reverse("voting:session_approve", args=[session.pk]), {"decision": "approve"})
    session.refresh_from_db()
    assert session.status == SessionStatus.SLATE_APPROVED

    client.force_login(congress)
    client.post(
        reverse("voting:session_attendance", args=[session.pk]),
        {"present": [str(d.pk) for d in deputies()]},
    )
    for key, passphrase in PASSPHRASES.items():
        client.force_login(fresh_user(world.users[(CODE, key)]))
        response = client.post(
            reverse("voting:session_teller_key", args=[session.pk]),
            {"passphrase": passphrase, "confirm": passphrase},
        )
        assert response.status_code == 302
    client.force_login(congress)
    confirm = client.get(reverse("voting:session_open", args=[session.pk]))
    assert confirm.status_code == 200 and session.status == SessionStatus.SLATE_APPROVED
    client.post(reverse("voting:session_open", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    detail = client.get(reverse("voting:session", args=[session.pk]))
    assert detail.status_code == 200

    for deputy in deputies()[:6]:
        client.force_login(fresh_user(deputy.user))
        post_ballot(client, session, {str(projects[0].pk): "yes", str(projects[1].pk): "yes"})
    client.force_login(congress)
    assert client.get(reverse("voting:public_result", args=[session.pk])).status_code == 404
    client.post(reverse("voting:session_close", args=[session.pk]))
    assert client.get(reverse("voting:public_result", args=[session.pk])).status_code == 404
    teller, other = (fresh_user(world.users[(CODE, k)]) for k in (Role.TELLER, "teller3"))
    client.force_login(teller)
    count_url = reverse("voting:session_count", args=[session.pk])
    assert client.get(count_url).status_code == 200
    opened = client.post(
        count_url,
        {
            "action": "open",
            f"t_{teller.pk}": PASSPHRASES[Role.TELLER],
            f"t_{other.pk}": PASSPHRASES["teller3"],
        },
    )
    assert opened.status_code == 302
    client.force_login(congress)
    preview = client.get(reverse("voting:session", args=[session.pk]))
    assert preview.context["preview"]["ballots_cast"] == 6
    # a teller checks the count and confirms it before the congress office announces it
    refused = client.post(reverse("voting:session_announce", args=[session.pk]), follow=True)
    assert str(vm.COUNT_NOT_CONFIRMED) in refused.content.decode()
    client.force_login(teller)
    confirm_url = reverse("voting:session_confirm_count", args=[session.pk])
    assert client.get(confirm_url).status_code == 200
    assert client.post(confirm_url).status_code == 302
    client.force_login(congress)
    client.post(reverse("voting:session_announce", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    sheet = client.get(reverse("voting:session_sheet", args=[session.pk]))
    assert sheet.status_code == 200 and projects[0].title in sheet.content.decode()
    export = client.get(reverse("voting:session_export", args=[session.pk]))
    assert json.loads(export.content)["ballots"]

    client.logout()
    public = client.get(reverse("voting:public_result", args=[session.pk]))
    assert public.status_code == 200 and projects[0].title in public.content.decode()
    assert session.title in client.get(reverse("voting:public_results")).content.decode()


def test_the_public_results_hide_a_session_until_it_is_announced(world, client, session):
    assert client.get(reverse("voting:public_result", args=[session.pk])).status_code == 404
    assert session.title not in client.get(reverse("voting:public_results")).content.decode()
    close_and_announce(world, session)
    assert client.get(reverse("voting:public_result", args=[session.pk])).status_code == 200


def test_the_export_needs_the_announcement(world, client, session):
    client.force_login(fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)]))
    response = client.get(reverse("voting:session_export", args=[session.pk]))
    assert response.status_code == 302
    assert not response.get("Content-Disposition")


def test_the_paper_ballots_print_one_per_present_deputy(world, client, make_case):
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, method="paper", rules={"seats": 2})
    client.force_login(fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)]))
    page = client.get(reverse("voting:session_print", args=[session.pk])).content.decode()
    assert page.count('<article class="paper-ballot">') == 8
    for deputy in deputies():
        assert deputy.name not in page


def test_the_session_list_query_count_does_not_grow_with_the_sessions(world, client, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)]))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("voting:sessions")).status_code == 200
        return len(captured)

    approved_session(
        world, [make_case(CODE, to="candidate").project for _ in range(3)], rules={"seats": 2}
    )
    one = queries()
    for _ in range(2):
        services.session_create(
            actor=world.users[(CODE, Role.CONGRESS_OFFICE)],
            jurisdiction=world.jurisdictions[CODE],
            year=2026,
            kind=SessionKind.SATISFACTION,
        )
    assert queries() == one


def test_two_tellers_enter_their_counts_on_the_paper_pages(world, client, make_case):
    from django.contrib.auth.models import User

    from core.services.organisation import role_assign

    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, method="paper", rules={"seats": 2})
    congress = fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)])
    services.session_close(actor=congress, session=session)
    second = User.objects.create_user("teller.two", first_name="teller.two", password="x")
    role_assign(actor=None, user=second, role=Role.TELLER, jurisdiction=world.jurisdictions[CODE])
    url = reverse("voting:session_paper", args=[session.pk])

    def enter(teller, yes):
        client.force_login(fresh_user(teller))
        data = {"ballots_returned": 8, "ballots_invalid": 0}
        for pid, n in zip(ids(projects), yes, strict=True):
            data.update({f"c_{pid}_yes": n, f"c_{pid}_no": 8 - n, f"c_{pid}_abstain": 0})
        return client.post(url, data)

    first = world.users[(CODE, Role.TELLER)]
    client.force_login(fresh_user(first))
    page = client.get(url)
    assert page.status_code == 200
    bad = client.post(url, {"ballots_returned": -1, "ballots_invalid": "x"})
    assert bad.status_code == 400
    assert enter(first, [8, 6, 2]).status_code == 302
    client.force_login(fresh_user(second))
    assert "8, 6, 2" not in client.get(url).content.decode()  # the other count is not shown
    assert enter(second, [8, 6, 1]).status_code == 302

    client.force_login(congress)
    detail = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    assert gettext("The two counts differ: the tellers must recount.") in detail
    response = client.post(reverse("voting:session_announce", args=[session.pk]), follow=True)
    assert str(vm.PAPER_TELLERS_DISAGREE) in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED

    enter(second, [8, 6, 2])
    client.force_login(congress)
    client.post(reverse("voting:session_announce", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    sheet = client.get(reverse("voting:session_sheet", args=[session.pk])).content.decode()
    assert "teller.two" in sheet
    export = json.loads(client.get(reverse("voting:session_export", args=[session.pk])).content)
    assert len(export["paper"]["entries"]) == 2


def test_a_deputy_finds_the_open_ballots(client, session, deputy, slate):
    client.force_login(deputy)
    page = client.get(reverse("voting:ballots"))
    assert session.title in page.content.decode()
    assert reverse("voting:ballot", args=[session.pk]) in page.content.decode()
    post_ballot(client, session, {ids(slate)[0]: "yes"})
    page = client.get(reverse("voting:ballots"))
    assert page.context["sessions"][0].has_voted


def test_a_score_ballot_takes_whole_numbers_from_0_to_100(world, client, make_case):
    projects = [make_case(CODE, to="evaluation").project for _ in range(2)]
    session = open_session(
        world, projects, kind=SessionKind.SATISFACTION, rules={"scale": "score_100"}
    )
    client.force_login(fresh_user(deputies()[0].user))
    page = client.get(ballot_url(session)).content.decode()
    assert 'value="100"' in page and 'value="000"' in page and 'value="---"' in page
    first, second = ids(projects)
    for bad in ("101", "-05", "8.5", "S", "90"):
        assert post_ballot(client, session, {first: bad}).status_code == 400
    assert counts(session) == (0, 0)
    assert post_ballot(client, session, {first: 90, second: 0}).status_code == 200
    assert opened_marks(world, session) == [{first: 90, second: 0}]
