"""Whose turn in a voting session: each step in the inbox or queue of the role that owes
it (and no other role, no other jurisdiction), its notification, and a deputy's open
votes in the inbox until they have voted."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.status import STATUS

from core.models.calendar import Notification, NotificationKind
from core.models.voting import SessionKind
from core.selectors import task_counts
from core.selectors import tasks as task_selectors
from core.selectors.voting import open_votes_for
from core.services import voting as services
from core.services.organisation import role_assign
from core.services.steps import open_task
from flows.voting_flow import VotingSessionFlow
from permissions.checks import can_take_task
from permissions.roles import Role

from .session_setup import CODE, deputies, fresh_user, open_session, set_teller_keys

pytestmark = pytest.mark.django_db

QUEUE, INBOX = "/work/queue/", "/work/inbox/"
OTHER = "qh-xs"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.NAV_COUNTS_SECONDS = 30  # as in production
    cache.clear()
    yield
    cache.clear()


def user(world, role, code=CODE):
    return fresh_user(world.users[(code, role)])


def candidates(make_case, n=3):
    return [make_case(CODE, to="candidate").project for _ in range(n)]


def new_session(world, year=2026, title=""):
    return services.session_create(
        actor=user(world, Role.CONGRESS_OFFICE),
        jurisdiction=world.jurisdictions[CODE],
        year=year,
        kind=SessionKind.SELECTION,
        title=title,
        rules={"seats": 2},
    )


def built_session(world, projects, **kwargs):
    session = new_session(world, **kwargs)
    services.session_build_slate(
        actor=user(world, Role.CONGRESS_OFFICE), session=session, projects=projects
    )
    return session


def rows(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return [(row.task.flow_task.name, row.title) for row in response.context["page"].object_list]


def steps_in(who, url):
    return {task.flow_task.name for task in getattr(task_selectors, url)(who, work=True)}


def notices(who, kind=NotificationKind.SESSION_STEP):
    return list(Notification.objects.filter(recipient=who, kind=kind).order_by("pk"))


def test_the_slate_approval_is_in_the_party_offices_queue_and_nobody_elses(
    world, make_case, client
):
    session = built_session(world, candidates(make_case), title="2026年民生实事项目票决")
    party = user(world, Role.PARTY_OFFICE)
    client.force_login(party)
    assert rows(client, QUEUE) == [("approve_slate", "2026年民生实事项目票决")]
    page = client.get(QUEUE).content.decode()
    assert reverse("voting:session_approve", args=[session.pk]) in page
    # not the builder, another office, a teller, a deputy, nor another jurisdiction's party
    for who in (
        user(world, Role.CONGRESS_OFFICE),
        user(world, Role.GOVERNMENT_OFFICE),
        user(world, Role.TELLER),
        deputies()[0].user,
        user(world, Role.PARTY_OFFICE, OTHER),
        user(world, Role.SUPERVISOR, "qh"),
    ):
        assert "approve_slate" not in steps_in(who, "queue"), who.username
    assert task_counts.count_tasks(party) == {"inbox": 0, "queue": 1}
    assert task_counts.count_tasks(user(world, Role.PARTY_OFFICE, OTHER))["queue"] == 0


def test_the_party_office_is_told_once_when_the_slate_is_sent(world, make_case):
    projects = candidates(make_case)
    session = built_session(world, projects)
    services.session_build_slate(  # rebuilt: the same approval, told once
        actor=user(world, Role.CONGRESS_OFFICE), session=session, projects=projects
    )
    party = user(world, Role.PARTY_OFFICE)
    (notice,) = notices(party)
    assert notice.url == reverse("voting:session_approve", args=[session.pk])
    assert notice.task.flow_task == VotingSessionFlow.approve_slate
    assert session.title in notice.title
    assert notices(user(world, Role.PARTY_OFFICE, OTHER)) == []
    assert notices(user(world, Role.CONGRESS_OFFICE)) == []


def test_whoever_built_the_slate_is_not_offered_its_approval_even_holding_the_role(
    world, make_case
):
    congress = user(world, Role.CONGRESS_OFFICE)
    role_assign(
        actor=None, user=congress, role=Role.PARTY_OFFICE, jurisdiction=world.jurisdictions[CODE]
    )
    congress = fresh_user(congress)
    session = built_session(world, candidates(make_case))
    task = open_task(session.process, VotingSessionFlow.approve_slate)
    assert not can_take_task(congress, task)
    assert "approve_slate" not in steps_in(congress, "queue")
    party = user(world, Role.PARTY_OFFICE)
    assert can_take_task(party, task) and "approve_slate" in steps_in(party, "queue")
    assert notices(congress) == []  # told of the approval only as the party office would be


def test_an_approved_or_returned_slate_goes_to_the_congress_offices_queue_with_a_notice(
    world, make_case, client
):
    congress, party = user(world, Role.CONGRESS_OFFICE), user(world, Role.PARTY_OFFICE)
    projects = candidates(make_case)
    session = built_session(world, projects)
    services.session_approve_slate(
        actor=party, session=session, approved=False, comment="请补充预算依据"
    )
    assert steps_in(congress, "queue") == {"revise_slate"}
    assert steps_in(party, "queue") == set()
    (returned,) = notices(congress)
    assert "请补充预算依据" in returned.body
    assert returned.url == reverse("voting:session", args=[session.pk])

    services.session_submit_slate(actor=congress, session=session)
    assert len(notices(party)) == 2  # the revised slate is a new approval
    services.session_approve_slate(actor=party, session=session)
    assert steps_in(congress, "queue") == {"open_session"}
    assert len(notices(congress)) == 2
    client.force_login(congress)
    assert rows(client, QUEUE, step="open_session") == [("open_session", session.title)]
    assert steps_in(user(world, Role.CONGRESS_OFFICE, OTHER), "queue") == set()


def test_the_queue_filters_a_sessions_steps_by_step_jurisdiction_year_and_title(world, client):
    new_session(world, year=2026, title="东湖镇票决会议")
    client.force_login(user(world, Role.PARTY_OFFICE))
    assert rows(client, QUEUE, step="approve_slate") == [("approve_slate", "东湖镇票决会议")]
    assert rows(client, QUEUE, step="assign_study") == []
    assert rows(client, QUEUE, jurisdiction=CODE, year=2026) == [
        ("approve_slate", "东湖镇票决会议")
    ]
    assert rows(client, QUEUE, year=2025) == []
    assert rows(client, QUEUE, q="票决") == [("approve_slate", "东湖镇票决会议")]
    assert rows(client, QUEUE, q="道路") == []
    response = client.get(QUEUE)
    assert [(s["name"], s["count"]) for s in response.context["steps"]] == [("approve_slate", 1)]


def test_a_session_step_opened_from_a_task_link_lands_on_its_page(world, client):
    session = new_session(world)
    task = open_task(session.process, VotingSessionFlow.approve_slate)
    client.force_login(user(world, Role.PARTY_OFFICE))
    step = reverse("flows:step", args=[session.process.pk, task.pk])
    assert client.get(step)["Location"] == reverse("voting:session_approve", args=[session.pk])
    # taken into the inbox, it is listed there and still opens on the approval page
    response = client.post(reverse("flows:assign", args=[task.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("voting:session_approve", args=[session.pk])
    assert rows(client, INBOX) == [("approve_slate", session.title)]
    # a session's steps are taken one by one, never in a bulk claim
    assert client.post("/work/queue/claim/", {"task": [str(task.pk)]}).status_code == 404
    # another jurisdiction's party office: the task is not found
    client.force_login(user(world, Role.PARTY_OFFICE, OTHER))
    assert client.get(step).status_code == 404


def test_a_deputy_sees_an_open_vote_in_the_inbox_until_voting(
    world, make_case, client, django_capture_on_commit_callbacks
):
    projects = candidates(make_case)
    voters = deputies()
    absent = voters[-1]
    session = open_session(world, projects, present=voters[:-1], rules={"seats": 2})
    first, second = voters[0].user, voters[1].user
    client.force_login(first)
    page = client.get(INBOX).content.decode()
    assert reverse("voting:ballot", args=[session.pk]) in page
    assert '<span class="badge">1</span>' in page
    assert [s.pk for s in open_votes_for(first)] == [session.pk]
    # the deputy was told, with the ballot's link; the absent deputy was not
    (told,) = notices(first, NotificationKind.VOTE_OPEN)
    assert told.url == reverse("voting:ballot", args=[session.pk])
    assert notices(absent.user, NotificationKind.VOTE_OPEN) == []
    assert list(open_votes_for(absent.user)) == []
    for outsider in (user(world, Role.CONGRESS_OFFICE), user(world, Role.TELLER, OTHER)):
        assert list(open_votes_for(outsider)) == []

    a = str(projects[0].pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_cast(actor=first, session=session, marks={a: "yes"})
        services.ballot_cast(actor=second, session=session, marks={a: "no"})
    assert task_counts.nav_counts(first, compute=False) is None  # dropped by the ballot
    after = [client.get(INBOX).content.decode()]
    client.force_login(second)
    after.append(client.get(INBOX).content.decode())
    for body in after:
        assert reverse("voting:ballot", args=[session.pk]) not in body
        assert "open-votes" not in body
    assert list(open_votes_for(first)) == list(open_votes_for(second)) == []
    # the third deputy still owes the vote
    assert [s.pk for s in open_votes_for(voters[2].user)] == [session.pk]


def test_other_jurisdictions_deputies_never_see_the_vote(world, make_case):
    session = open_session(world, candidates(make_case), rules={"seats": 2})
    other = [deputy.user for deputy in deputies(OTHER)]
    assert other
    for deputy in other:
        assert session not in list(open_votes_for(deputy))
        assert notices(deputy, NotificationKind.VOTE_OPEN) == []


def test_closing_voting_puts_the_count_in_the_tellers_queue_not_the_congress_offices(
    world, make_case
):
    session = open_session(world, candidates(make_case), rules={"seats": 2})
    congress = user(world, Role.CONGRESS_OFFICE)
    services.session_close(actor=congress, session=session)
    teller = user(world, Role.TELLER)
    assert steps_in(teller, "queue") == {"count_ballots"}
    assert "count_ballots" not in steps_in(congress, "queue")
    assert steps_in(user(world, Role.TELLER, OTHER), "queue") == set()
    (told,) = [n for n in notices(teller) if n.task_id]  # (the other: set a passphrase)
    assert told.url == reverse("voting:session_count", args=[session.pk])
    assert list(open_votes_for(deputies()[0].user)) == []


def count_queries(client, url, **params):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [INBOX, QUEUE])
def test_session_steps_keep_the_inbox_and_queue_at_a_constant_number_of_queries(world, client, url):
    party = user(world, Role.PARTY_OFFICE)
    client.force_login(party)
    params = {"q": "会议", "year": "2026", "step": "approve_slate", "jurisdiction": CODE}

    def add(n):
        session = new_session(world, title=f"第{n}次会议")
        if url == INBOX:
            task = open_task(session.process, VotingSessionFlow.approve_slate)
            client.post(reverse("flows:assign", args=[task.pk]))

    add(0)
    few, few_filtered = count_queries(client, url), count_queries(client, url, **params)
    for n in range(1, 4):
        add(n)
    assert len(rows(client, url)) == 4
    assert count_queries(client, url) == few
    assert count_queries(client, url, **params) == few_filtered


def test_open_votes_keep_the_deputys_inbox_at_a_constant_number_of_queries(
    world, make_case, client
):
    first = open_session(world, candidates(make_case), rules={"seats": 2})
    deputy = deputies()[0].user
    client.force_login(deputy)
    one = count_queries(client, INBOX)
    second = services.session_create(
        actor=user(world, Role.CONGRESS_OFFICE),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        title="第二场票决",
        rules={"seats": 2},
    )
    congress = user(world, Role.CONGRESS_OFFICE)
    services.session_build_slate(actor=congress, session=second, projects=candidates(make_case))
    services.session_approve_slate(actor=user(world, Role.PARTY_OFFICE), session=second)
    services.session_record_attendance(actor=congress, session=second, present=deputies())
    set_teller_keys(world, second)
    services.session_open(actor=congress, session=second)
    assert {s.pk for s in open_votes_for(deputy)} == {first.pk, second.pk}
    assert count_queries(client, INBOX) == one


def test_the_queue_and_taking_a_step_apply_the_same_session_rule(world, make_case):
    """For every user of the jurisdiction and every open step: listed in the queue exactly
    when the user may take it."""
    session = open_session(world, candidates(make_case), rules={"seats": 2})
    services.session_close(actor=user(world, Role.CONGRESS_OFFICE), session=session)
    open_tasks = list(
        task_selectors.scoped_tasks(user(world, Role.CONGRESS_OFFICE), work=True).filter(
            process=session.process, status=STATUS.NEW
        )
    )
    assert [t.flow_task.name for t in open_tasks] == ["count_ballots"]
    for (code, _key), who in world.users.items():
        if code != CODE:
            continue
        who = fresh_user(who)
        queued = {t.pk for t in task_selectors.queue(who, work=True)}
        for task in open_tasks:
            assert (task.pk in queued) == can_take_task(who, task), who.username


def test_opening_and_closing_voting_drop_the_present_deputies_cached_counts(
    world, make_case, client, django_capture_on_commit_callbacks
):
    deputy = deputies()[0].user
    client.force_login(deputy)
    client.get(INBOX)
    assert task_counts.nav_counts(deputy, compute=False) == {"inbox": 0, "queue": 0}
    with django_capture_on_commit_callbacks(execute=True):
        session = open_session(world, candidates(make_case), rules={"seats": 2})
    assert task_counts.nav_counts(deputy, compute=False) is None
    assert '<span class="badge">1</span>' in client.get(INBOX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(actor=user(world, Role.CONGRESS_OFFICE), session=session)
    assert task_counts.nav_counts(deputy, compute=False) is None
    assert task_counts.count_tasks(deputy)["inbox"] == 0


def test_a_teller_owes_a_counting_passphrase_in_the_inbox_until_it_is_set(
    world, make_case, client, django_capture_on_commit_callbacks
):
    teller, second = user(world, Role.TELLER), user(world, "teller2")
    client.force_login(teller)
    client.get(INBOX)
    with django_capture_on_commit_callbacks(execute=True):
        session = built_session(world, candidates(make_case))
    assert task_counts.nav_counts(teller, compute=False) is None  # dropped: a key is owed
    page = client.get(INBOX).content.decode()
    assert reverse("voting:session_teller_key", args=[session.pk]) in page
    assert task_counts.nav_counts(teller, compute=False) == {"inbox": 1, "queue": 0}
    for outsider in (
        user(world, Role.CONGRESS_OFFICE),
        user(world, Role.PARTY_OFFICE),
        user(world, Role.TELLER, OTHER),
        deputies()[0].user,
    ):
        assert task_counts.count_tasks(outsider)["inbox"] == 0, outsider.username

    with django_capture_on_commit_callbacks(execute=True):
        set_teller_keys(world, session, tellers=(Role.TELLER,))
    assert task_counts.nav_counts(teller, compute=False) is None
    assert reverse("voting:session_teller_key", args=[session.pk]) not in (
        client.get(INBOX).content.decode()
    )
    # the approval asks the tellers still without a key, with a link to set it
    services.session_approve_slate(actor=user(world, Role.PARTY_OFFICE), session=session)
    url = reverse("voting:session_teller_key", args=[session.pk])
    assert [n.url for n in notices(second)] == [url]
    assert [n.url for n in notices(teller)] == []
    assert task_counts.count_tasks(second)["inbox"] == 1
    # once voting is open no passphrase is owed
    congress = user(world, Role.CONGRESS_OFFICE)
    services.session_record_attendance(actor=congress, session=session, present=deputies())
    set_teller_keys(world, session, tellers=("teller2", "teller3"))
    services.session_open(actor=congress, session=session)
    assert task_counts.count_tasks(user(world, "teller3"))["inbox"] == 0


def test_passphrases_owed_keep_the_tellers_inbox_at_a_constant_number_of_queries(world, client):
    client.force_login(user(world, Role.TELLER))
    new_session(world, title="第一次会议")
    one = count_queries(client, INBOX)
    for n in range(2, 5):
        new_session(world, title=f"第{n}次会议")
    assert len(client.get(INBOX).context["keys"]) == 4
    assert count_queries(client, INBOX) == one
