"""The cast path's cost and its checks: a ballot costs a pinned number of statements, and
the standing read with the session (cast_reads.py) says what the permission checks and
the attendance list say."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from core import messages as vm
from core.models.voting import Participation, SealedBallot
from core.selectors.cast_reads import open_slate, session_with_standing
from core.services import voting as services
from core.views.ballots import CODE_OF
from permissions.checks import can_cast_ballot
from permissions.roles import Role, Step, perm
from permissions.scope import can_read_jurisdiction

from .session_setup import CODE, deputies, fresh_user, ids, open_session

pytestmark = pytest.mark.django_db

# The three rows a cast writes (participation, its history, the sealed ballot): one
# statement on PostgreSQL (ballot_writes.py), three saves on SQLite.
WRITES = 1 if connection.vendor == "postgresql" else 3

# The statements of a web cast, besides the web session and the user the middleware
# reads: the reader's roles (the page's header), the session, then in the cast's
# transaction the session with the voter's standing and the rows written.
WEB_CAST = 2 + 3 + WRITES


def _post(client, session, marks, action="cast"):
    data = {f"c_{cid}": CODE_OF[mark] for cid, mark in marks.items()}
    return client.post(reverse("voting:ballot", args=[session.pk]), {**data, "action": action})


def _statements(captured) -> list[str]:
    """The statements, without the savepoint the test's own transaction turns the cast's
    transaction into."""
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_web_cast_costs_a_fixed_number_of_statements(client, session, slate):
    a, b, c = ids(slate)
    for deputy in deputies()[:2]:  # the first reads the slate, the second finds it read
        client.force_login(fresh_user(deputy.user))
        with CaptureQueriesContext(connection) as captured:
            response = _post(client, session, {a: "yes", b: "no", c: "abstain"})
        assert response.status_code == 200 and len(response.context["tracker"]) == 19
    statements = _statements(captured)
    assert len(statements) == WEB_CAST, statements
    assert len([s for s in statements if s.startswith(("INSERT", "WITH"))]) == WRITES


def test_the_confirm_page_reads_the_standing_in_one_statement(client, session, slate):
    client.force_login(fresh_user(deputies()[0].user))
    _post(client, session, {ids(slate)[0]: "yes"}, action="review")
    with CaptureQueriesContext(connection) as captured:
        response = _post(client, session, {ids(slate)[0]: "yes"}, action="review")
    assert response.status_code == 200
    standing = [s for s in _statements(captured) if "voter_deputy_id" in s]
    assert len(standing) == 1
    assert not [s for s in _statements(captured) if "guardian" in s and s not in standing]


def test_the_standing_agrees_with_the_permission_check_and_the_attendance(world, session):
    present = {d.user_id: d.pk for d in deputies()}
    for user in {u.pk: u for u in world.users.values()}.values():
        read = session_with_standing(user, session.pk)
        assert read.may_cast is can_cast_ballot(user, session), user
        assert read.voter_deputy_id == present.get(user.pk)
        assert read.has_voted is False
        assert read.may_read is can_read_jurisdiction(user, session.jurisdiction), user
    anonymous = session_with_standing(AnonymousUser(), session.pk)
    assert (anonymous.voter_deputy_id, anonymous.may_cast, anonymous.may_read) == (
        None,
        False,
        False,
    )


def test_the_reading_standing_agrees_with_the_scope_for_every_role_and_place(world):
    """Supervisors above, offices beside and below, every role: the standing's reader
    column says what permissions.scope says, for a session in each jurisdiction."""
    from core.models import Jurisdiction
    from core.models.voting import VotingSession

    users = list({u.pk: u for u in world.users.values()}.values())
    places = list(Jurisdiction.objects.all())
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    sessions = [
        VotingSession.objects.create(
            jurisdiction=j, year=2026, title=j.name, deputies_total=9, created_by=congress
        )
        for j in places
    ]
    assert len(places) > 3 and len(users) > 5
    for voting_session in sessions:
        for user in users:
            read = session_with_standing(fresh_user(user), voting_session.pk)
            expected = can_read_jurisdiction(fresh_user(user), voting_session.jurisdiction)
            assert read.may_read is expected, (user, voting_session.jurisdiction)


def test_a_present_deputy_whose_cast_permission_was_withdrawn_is_refused(client, session, slate):
    deputy = deputies()[0]
    remove_perm(perm(Step.CAST_BALLOT), deputy.user, session.jurisdiction)
    client.force_login(fresh_user(deputy.user))
    response = _post(client, session, {ids(slate)[0]: "yes"})
    assert response.status_code == 403
    assert str(vm.BALLOT_NOT_A_DEPUTY) in response.content.decode()
    assert not SealedBallot.objects.filter(session=session).exists()


def test_the_cast_permission_held_through_a_group_counts(world, session, slate):
    deputy = deputies()[0]
    remove_perm(perm(Step.CAST_BALLOT), deputy.user, session.jurisdiction)
    group = Group.objects.create(name="代表组")
    deputy.user.groups.add(group)
    assign_perm(perm(Step.CAST_BALLOT), group, session.jurisdiction)
    user = User.objects.get(pk=deputy.user_id)
    assert session_with_standing(user, session.pk).may_cast is True
    tracker = services.ballot_cast(actor=user, session=session, marks={ids(slate)[0]: "yes"})
    assert len(tracker) == 19
    assert Participation.objects.filter(session=session, deputy=deputy).count() == 1
    assert session_with_standing(user, session.pk).has_voted is True


def test_a_deputy_of_another_jurisdiction_holds_no_standing_here(world, session):
    outsider = deputies("qh-xs")[0].user
    read = session_with_standing(outsider, session.pk)
    assert (read.voter_deputy_id, read.may_cast) == (None, False)


def test_each_open_vote_reads_its_own_slate(world, make_case, django_assert_num_queries):
    first = [make_case(CODE, to="candidate").project for _ in range(3)]
    second = [make_case("qh-xs", to="candidate").project for _ in range(4)]
    one = open_session(world, first, rules={"seats": 2})
    two = open_session(world, second, code="qh-xs", rules={"seats": 3})
    assert sorted(c.ballot_id for c in open_slate(one)) == sorted(ids(first))
    assert sorted(c.ballot_id for c in open_slate(two)) == sorted(ids(second))
    with django_assert_num_queries(0):  # kept once read: the slate of an open vote is fixed
        assert len(open_slate(one)) == 3 and len(open_slate(two)) == 4


def test_the_ballot_pages_scope_is_the_reading_scope(world, session):
    from django.http import Http404

    from core.models.voting import VotingSession
    from core.selectors.voting import ballot_session_for_user
    from permissions.scope import jurisdiction_q

    users = list({u.pk: u for u in world.users.values()}.values())
    assert len(users) > 5
    for user in users:
        user = fresh_user(user)
        expected = VotingSession.objects.filter(jurisdiction_q(user), pk=session.pk).exists()
        try:
            ballot_session_for_user(user, session.pk)
            seen = True
        except Http404:
            seen = False
        assert seen is expected, user
    with pytest.raises(Http404):
        ballot_session_for_user(AnonymousUser(), session.pk)
    with pytest.raises(Http404):
        ballot_session_for_user(users[0], session.pk + 1000)


# An API cast signed in with the web session: the web session and the user, then in the
# cast's transaction the session with the standing (as a voter and as a reader), read
# once, and the three rows written.
API_CAST = 2 + 1 + WRITES


def test_an_api_cast_costs_a_fixed_number_of_statements(client, session, slate):
    url = reverse("v1-session-ballot", args=[session.pk])
    for deputy in deputies()[:2]:  # the first reads the slate, the second finds it read
        client.force_login(fresh_user(deputy.user))
        codes = {cid: "N" for cid in ids(slate)}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {"marks": codes}, content_type="application/json")
        assert response.status_code == 201, response.content
    statements = _statements(captured)
    assert len(statements) == API_CAST, "\n".join(s[:120] for s in statements)
    assert len([s for s in statements if s.startswith(("INSERT", "WITH"))]) == WRITES


def test_a_ballot_id_beyond_any_row_is_not_found(client, session):
    """The prepared standing read takes any id the URL allows: one past the database's
    integers is simply not found."""
    client.force_login(fresh_user(deputies()[0].user))
    for pk in (session.pk + 1000, 10**25):
        assert client.get(reverse("voting:ballot", args=[pk])).status_code == 404
        assert _post(client, type("S", (), {"pk": pk})(), {}).status_code == 404
