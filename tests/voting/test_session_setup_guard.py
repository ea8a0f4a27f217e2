"""Setting a vote up: rules no slate or no ballot could satisfy are refused with what to
change, a slate outside the differential is told how many candidates to add or remove,
most approvals follows the seats, the session page says where the session stands and
whose turn it is, and the steps that change the vote for everyone are confirmed first, by
the right people only."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core import messages as vm
from core.models import Office, OfficeKind
from core.models.voting import SessionKind, SessionMethod, SessionStatus, VotingSession
from core.services import voting as services
from core.services.steps import StepRefused
from flows import voting_forms as forms
from permissions.roles import Role

from .session_setup import (
    CODE,
    approved_session,
    cast_all,
    count,
    deputies,
    fresh_user,
    ids,
    open_session,
)

pytestmark = pytest.mark.django_db

ONE_SEAT_MESSAGE_EN = (
    "Projects to elect: 1. No whole number of candidates gives a differential ratio between "
    "20 % and 50 %. Raise the upper ratio to at least 1 (100 %), or elect 2 projects instead."
)


def congress(world, code=CODE):
    return fresh_user(world.users[(code, Role.CONGRESS_OFFICE)])


def user(world, role, code=CODE):
    return fresh_user(world.users[(code, role)])


def candidates(make_case, n, to="candidate"):
    return [make_case(CODE, to=to).project for _ in range(n)]


def draft(world, rules=None, **kwargs):
    return services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=kwargs.pop("kind", SessionKind.SELECTION),
        rules=rules,
        **kwargs,
    )


# -- impossible rules -----------------------------------------------------------------


def test_one_seat_with_the_default_differential_is_refused_with_what_to_change(world):
    before = VotingSession.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        draft(world, {"seats": 1})
    assert refused.value.message_dict["differential"] == [ONE_SEAT_MESSAGE_EN]
    assert VotingSession.objects.count() == before


def test_one_seat_is_accepted_once_the_upper_ratio_allows_two_candidates(world):
    session = draft(world, {"seats": 1, "differential": [0.2, 1]})
    assert session.rules["seats"] == 1 and session.rules["max_approvals"] == 1


def test_changing_the_rules_to_an_impossible_set_changes_nothing(world):
    session = draft(world, {"seats": 2})
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.session_set_rules(actor=congress(world), session=session, rules={"seats": 1})
    assert refused.value.message_dict["differential"] == [ONE_SEAT_MESSAGE_EN]
    session.refresh_from_db()
    assert session.rules["seats"] == 2


def test_a_slate_too_long_is_told_how_many_to_remove(world, make_case):
    session = draft(world, {"seats": 2})
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.session_build_slate(
            actor=congress(world), session=session, projects=candidates(make_case, 5)
        )
    message = refused.value.message_dict["candidates"][0]
    assert message.startswith(
        "Projects to elect: 2; the slate needs exactly 3 candidates and has 5. Remove 2 "
        "candidates, or change the number of projects to elect."
    )
    assert "(5 − 2) / 2 = 1.5" in message  # the ratio stays, as context
    assert not session.candidates.exists()


def test_the_slate_refusal_reads_plainly_in_chinese(world, make_case):
    session = draft(world, {"seats": 2})
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.session_build_slate(
            actor=congress(world), session=session, projects=candidates(make_case, 2)
        )
    message = refused.value.message_dict["candidates"][0]
    assert message.startswith("应选项目2个，候选项目名单需要恰好3个候选项目，现有2个。请再增加1个")


def test_one_project_per_category_with_too_few_approvals_is_refused(world, make_case):
    projects = candidates(make_case, 3)
    assert len({p.category_id for p in projects}) == 3
    rules = {"seats": 2, "max_approvals": 2, "min_per_category": 1}
    session = draft(world, rules)
    with pytest.raises(ValidationError) as refused:
        services.session_build_slate(actor=congress(world), session=session, projects=projects)
    assert refused.value.message_dict["max_approvals"] == [
        str(vm.CATEGORY_RULE_IMPOSSIBLE % {"categories": 3, "max": 2})
    ]
    # the same slate under rules a ballot can satisfy, then the rule changed: refused too
    session = draft(world, {"seats": 2})
    services.session_build_slate(actor=congress(world), session=session, projects=projects)
    with pytest.raises(ValidationError):
        services.session_set_rules(actor=congress(world), session=session, rules=rules)
    session.refresh_from_db()
    assert session.rules["min_per_category"] == 0


# -- the forms --------------------------------------------------------------------------


def rules_post(**changes):
    data = {
        "seats": 1,
        "differential_min": "0.2",
        "differential_max": "1",
        "mode": "for_against_abstain",
        "max_approvals": "1",
        "threshold": "majority_of_all",
        "tie_policy": "include_all",
        "tellers_needed": 2,
    }
    data.update(changes)
    return data


def test_most_approvals_follows_the_seats_and_says_so():
    initial = {"seats": 1, "max_approvals": None}
    form = forms.SelectionRulesForm(rules_post(seats=2), initial=initial)
    assert form.is_valid(), form.errors
    assert form.rules()["max_approvals"] == 2
    assert form.notes == [str(forms.MAX_APPROVALS_FOLLOWED % {"n": 2})]


def test_most_approvals_set_on_purpose_stays():
    initial = {"seats": 2, "max_approvals": 3}
    form = forms.SelectionRulesForm(rules_post(seats=3, max_approvals="3"), initial=initial)
    assert form.is_valid(), form.errors
    assert form.rules()["max_approvals"] == 3 and form.notes == []


def test_a_lower_ratio_above_the_upper_one_is_refused():
    form = forms.SelectionRulesForm(rules_post(differential_min="0.6", differential_max="0.5"))
    assert not form.is_valid()
    assert form.errors["differential_max"] == [str(vm.DIFFERENTIAL_MIN_ABOVE_MAX)]


def test_accountability_above_commendation_is_refused_plainly():
    form = forms.SatisfactionRulesForm(
        {"scale": "three_level", "commend_at": "60", "account_below": "85", "tellers_needed": 2}
    )
    assert not form.is_valid()
    assert form.errors["account_below"] == [str(vm.ACCOUNT_BELOW_ABOVE_COMMEND)]


def test_the_rules_page_moves_most_approvals_with_the_seats(world, client, make_case):
    session = draft(world, {"seats": 1, "differential": [0.2, 1]})
    client.force_login(congress(world))
    url = reverse("voting:session_rules", args=[session.pk])
    page = client.get(url).content.decode()
    assert "core/voting_rules.js" in page and 'id="rules-note"' in page
    response = client.post(url, rules_post(seats=2, differential_max="0.5"), follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.rules["seats"] == 2 and session.rules["max_approvals"] == 2
    assert "已随应选项目数调整为2" in response.content.decode()


def test_the_rules_page_refuses_one_seat_at_the_default_ratio(world, client):
    session = draft(world, {"seats": 2})
    client.force_login(congress(world))
    response = client.post(
        reverse("voting:session_rules", args=[session.pk]),
        rules_post(seats=1, differential_max="0.5"),
    )
    assert response.status_code == 400
    assert "请将差额比例上限提高到至少1 (100 %)，或将应选项目数改为2" in response.content.decode()
    session.refresh_from_db()
    assert session.rules["seats"] == 2


def test_a_session_with_one_seat_can_be_created_with_a_wider_ratio(world, client):
    client.force_login(congress(world))
    data = {
        "jurisdiction": CODE,
        "year": 2026,
        "kind": "selection",
        "method": "electronic",
        "seats": 1,
        "title": "一个席位的票决",
    }
    refused = client.post(reverse("voting:session_new"), data)
    assert refused.status_code == 400
    assert not VotingSession.objects.filter(title="一个席位的票决").exists()
    created = client.post(reverse("voting:session_new"), {**data, "differential_max": "1"})
    assert created.status_code == 302
    session = VotingSession.objects.get(title="一个席位的票决")
    assert session.rules["differential"] == [0.2, 1]


# -- the session page -----------------------------------------------------------------


def test_the_session_page_says_where_it_stands_and_whose_turn_it_is(world, client, make_case):
    candidates(make_case, 4)
    session = draft(world, {"seats": 3})
    client.force_login(congress(world))
    page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    congress_office = Office.objects.get(
        jurisdiction=world.jurisdictions[CODE], kind=OfficeKind.CONGRESS
    ).name
    assert f"{congress_office}从党委已审定的" in page
    assert 'aria-label="表决各环节"' in page and 'aria-current="step"' in page
    assert "按差额比例应有恰好4个候选项目" in page
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(
            reverse("voting:session", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "Projects to elect: 3; the differential ratio allows exactly 4 candidates." in english


def test_the_session_page_names_the_party_office_once_the_slate_fits(world, client, make_case):
    session = draft(world, {"seats": 2})
    services.session_build_slate(
        actor=congress(world), session=session, projects=candidates(make_case, 3)
    )
    client.force_login(user(world, Role.PARTY_OFFICE))
    page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    party_office = Office.objects.get(
        jurisdiction=world.jurisdictions[CODE], kind=OfficeKind.PARTY
    ).name
    assert f"{party_office}审批候选项目名单；之后由" in page


# -- confirmations --------------------------------------------------------------------


@pytest.fixture
def slate(make_case):
    return candidates(make_case, 3)


def step_url(name, session):
    return reverse(f"voting:session_{name}", args=[session.pk])


def test_opening_is_confirmed_with_the_attendance_and_the_quorum(world, client, slate):
    session = approved_session(world, slate, rules={"seats": 2})
    services.session_record_attendance(
        actor=congress(world), session=session, present=deputies()[:4]
    )
    client.force_login(congress(world))
    page = client.get(step_url("open", session))
    assert page.status_code == 200
    content = page.content.decode()
    assert "须出席人数（过半数）" in content
    assert str(vm.QUORUM_NOT_PRESENT % {"present": 4, "total": 8}) in content
    session.refresh_from_db()
    assert session.status == SessionStatus.SLATE_APPROVED  # asking changes nothing


def test_a_step_not_open_now_is_not_offered(world, client, slate):
    session = draft(world, {"seats": 2})
    client.force_login(congress(world))
    for name in ("open", "close", "announce"):
        response = client.get(step_url(name, session), follow=True)
        assert response.redirect_chain[-1][0] == reverse("voting:session", args=[session.pk])
        assert str(vm.SESSION_STEP_NOT_AVAILABLE) in response.content.decode()


@pytest.mark.parametrize("role", [Role.PARTY_OFFICE, Role.TELLER, Role.DEPUTY])
def test_only_the_congress_office_confirms_opening_closing_and_announcing(
    world, client, slate, role
):
    session = open_session(world, slate, rules={"seats": 2})
    actor = fresh_user(deputies()[0].user) if role == Role.DEPUTY else user(world, role)
    client.force_login(actor)
    for name in ("open", "close", "announce"):
        assert client.get(step_url(name, session)).status_code == 403
        assert client.post(step_url(name, session)).status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN


def test_another_jurisdictions_session_is_not_found(world, client, slate):
    session = open_session(world, slate, rules={"seats": 2})
    client.force_login(congress(world, "qh-xs"))
    for name in ("open", "close", "announce", "count"):
        assert client.get(step_url(name, session)).status_code == 404
        assert client.post(step_url(name, session)).status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN


def test_closing_is_confirmed_with_the_ballots_cast(world, client, slate):
    session = open_session(world, slate, rules={"seats": 2})
    cast_all(session, [{ids(slate)[0]: "yes"}] * 3)
    client.force_login(congress(world))
    content = client.get(step_url("close", session)).content.decode()
    assert "出席但未投票的代表" in content
    assert "<dd>3</dd>" in content and "<dd>5</dd>" in content  # 3 cast, 5 not yet


def test_the_tellers_see_the_count_and_the_announcement_shows_it(world, client, slate):
    session = open_session(world, slate, rules={"seats": 2})
    first, second, third = ids(slate)
    cast_all(session, [{first: "yes", second: "yes"}] * 6 + [{third: "yes"}] * 2)
    services.session_close(actor=congress(world), session=session)
    client.force_login(user(world, Role.TELLER))
    count_page = client.get(step_url("count", session)).content.decode()
    assert "待开启的密封选票" in count_page and "<dd>8</dd>" in count_page
    session = count(world, session, confirm=False)

    teller_page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    assert "人大办宣布前不公开" in teller_page and slate[0].title in teller_page
    assert step_url("confirm_count", session) in teller_page
    client.force_login(fresh_user(deputies()[0].user))
    deputy_page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    assert "人大办宣布前不公开" not in deputy_page

    # the congress office sees the count, but cannot announce it before a teller confirms
    client.force_login(congress(world))
    office_page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    assert step_url("announce", session) not in office_page
    confirm = client.get(step_url("announce", session)).content.decode()
    assert "人大办宣布前不公开" in confirm and str(vm.COUNT_NOT_CONFIRMED) in confirm
    for project in slate:
        assert project.title in confirm
    refused = client.post(step_url("announce", session), follow=True)
    assert str(vm.COUNT_NOT_CONFIRMED) in refused.content.decode()
    assert client.post(step_url("confirm_count", session)).status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.result is None
    assert session.count_confirmed_at is None

    # a teller checks the count and confirms it; then it can be announced
    teller = user(world, "teller3")
    client.force_login(teller)
    check = client.get(step_url("confirm_count", session)).content.decode()
    assert "人大办宣布前不公开" in check and session.ballots_digest[:16] in check
    assert client.post(step_url("confirm_count", session)).status_code == 302
    session.refresh_from_db()
    assert session.count_confirmed_by == teller and session.status == SessionStatus.CLOSED
    again = client.post(step_url("confirm_count", session), follow=True)
    assert str(vm.COUNT_CONFIRM_NOT_NOW) in again.content.decode()
    client.force_login(congress(world))
    client.post(step_url("announce", session))
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED


def test_the_count_is_confirmed_only_by_a_teller_after_opening(world, client, slate):
    session = open_session(world, slate, rules={"seats": 2})
    cast_all(session, [{ids(slate)[0]: "yes"}] * 5)
    client.force_login(user(world, Role.TELLER))
    early = client.get(step_url("confirm_count", session), follow=True)
    assert str(vm.SESSION_STEP_NOT_AVAILABLE) in early.content.decode()
    with pytest.raises(StepRefused):
        services.session_confirm_count(actor=user(world, Role.TELLER), session=session)
    services.session_close(actor=congress(world), session=session)
    session = count(world, session, confirm=False)
    with pytest.raises(PermissionDenied):
        services.session_confirm_count(actor=congress(world), session=session)
    for actor in (user(world, Role.PARTY_OFFICE), fresh_user(deputies()[0].user)):
        client.force_login(actor)
        assert client.post(step_url("confirm_count", session)).status_code == 403
    client.force_login(user(world, Role.TELLER, "qh-xs"))
    assert client.post(step_url("confirm_count", session)).status_code == 404
    session.refresh_from_db()
    assert session.count_confirmed_at is None


def test_a_paper_count_needs_no_teller_confirmation(world, slate):
    session = open_session(world, slate, method=SessionMethod.PAPER, rules={"seats": 2})
    services.session_close(actor=congress(world), session=session)
    counts = {pid: {"yes": 6, "no": 1, "abstain": 1} for pid in ids(slate)}
    for key in (Role.TELLER, "teller2"):
        services.paper_entry_submit(
            actor=user(world, key),
            session=session,
            ballots_returned=8,
            ballots_invalid=0,
            counts=counts,
        )
    with pytest.raises(StepRefused):
        services.session_confirm_count(actor=user(world, "teller3"), session=session)
    services.session_announce(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED


def test_paper_tellers_see_the_count_once_both_entries_agree(world, client, slate):
    session = open_session(world, slate, method=SessionMethod.PAPER, rules={"seats": 2})
    services.session_close(actor=congress(world), session=session)
    counts = {pid: {"yes": 6, "no": 1, "abstain": 1} for pid in ids(slate)}
    tellers = [user(world, Role.TELLER), user(world, "teller2")]
    client.force_login(tellers[0])
    url = reverse("voting:session", args=[session.pk])
    for teller in tellers:
        # nothing to preview before both counts are in (nor any teller's own figures)
        assert "人大办宣布前不公开" not in client.get(url).content.decode()
        services.paper_entry_submit(
            actor=teller, session=session, ballots_returned=8, ballots_invalid=0, counts=counts
        )
    assert "人大办宣布前不公开" in client.get(url).content.decode()


def test_the_slate_page_says_how_many_candidates_the_seats_need(world, client, make_case):
    candidates(make_case, 4)
    session = draft(world, {"seats": 3})
    client.force_login(congress(world))
    page = client.get(reverse("voting:session_slate", args=[session.pk])).content.decode()
    assert "应选项目3个，按差额比例应有恰好4个候选项目。" in page


@pytest.mark.parametrize(
    "field, value",
    [
        ("seats", "101"),
        ("seats", "1000000"),
        ("differential_max", "10.001"),
        ("differential_max", "1e9"),
    ],
)
def test_numbers_no_congress_uses_are_refused_as_typing_errors(field, value):
    form = forms.SelectionRulesForm(rules_post(**{field: value}))
    assert not form.is_valid() and field in form.errors


def test_the_guidance_asks_only_the_ends_of_a_wide_range():
    """A wide range costs no more than a narrow one (fifty million sizes are not asked
    one by one): the session page's arithmetic stays small whatever the rules say."""
    from core.selectors import differential

    asked, original = [], differential.fits

    def counted(seats, n, bounds):
        asked.append(n)
        return original(seats, n, bounds)

    assert differential.candidate_range(100, (0, 10)) == (100, 1100)
    with mock.patch.object(differential, "fits", side_effect=counted):
        assert differential.candidate_range(10**6, (0, 50)) == (10**6, 51 * 10**6)
    assert len(asked) <= 6
