"""500 deputies submit their ballots at once on PostgreSQL, over real connections.

Exactly 500 ballots are stored; a second ballot from a deputy, even one racing the
first, is refused with a clear message; the totals equal the marks submitted; a ballot
after close is refused; and the ballots stay sealed until two tellers open them, and
then no opened ballot shares a transaction id with a participation row.
"""

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core import messages as vm
from core.models.voting import Ballot, Participation, SealedBallot, SessionKind
from core.services import voting as services
from permissions.roles import Role
from tests.voting.session_setup import bulk_deputies, count, set_teller_keys

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CODE = "qh-xs"
N_DEPUTIES = 500
N_RACING = 50  # deputies who send a second ballot at the very same moment
WORKERS = 40  # database connections in use at once (PostgreSQL allows 100 in all)


def zh(message) -> str:
    """A message as the API answers it: in the site's language (no Accept-Language sent),
    whatever language an earlier test left active in this process."""
    with translation.override("zh-hans"):
        return str(message)


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the burst is a PostgreSQL test")


def test_500_deputies_vote_at_once(require_postgres, fresh_world):
    world = fresh_world
    for index in range(4):
        world.build_case(index, CODE, "candidate")
    projects = list(world.jurisdictions[CODE].projects.order_by("pk"))
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    voters = bulk_deputies(world.jurisdictions[CODE], N_DEPUTIES)

    session = services.session_create(
        actor=congress,
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 3},
    )
    services.session_build_slate(actor=congress, session=session, projects=projects)
    services.session_approve_slate(actor=world.users[(CODE, Role.PARTY_OFFICE)], session=session)
    services.session_record_attendance(actor=congress, session=session, present=voters)
    set_teller_keys(world, session)
    services.session_open(actor=congress, session=session)

    rng = random.Random(2026)
    ids = [str(p.pk) for p in projects]
    ballots = []
    for _ in voters:
        marks = {cid: rng.choice(["yes", "no", "abstain", None]) for cid in ids}
        marks = {cid: m for cid, m in marks.items() if m is not None}
        while list(marks.values()).count("yes") > 3:
            marks[next(cid for cid, m in marks.items() if m == "yes")] = "no"
        ballots.append(marks)

    clients = []
    for deputy in voters:
        client = Client()
        client.force_login(deputy.user)
        clients.append(client)
    url = reverse("api-ballot", args=[session.pk])
    jobs = [(i, ballots[i]) for i in range(N_DEPUTIES)]
    jobs += [(i, {ids[0]: "no"}) for i in range(N_RACING)]  # racing second ballots
    rng.shuffle(jobs)
    start = threading.Barrier(WORKERS)
    local = threading.local()

    def submit(job):
        if not getattr(local, "started", False):
            local.started = True
            start.wait()
        index, marks = job
        response = clients[index].post(url, {"marks": marks}, content_type="application/json")
        return index, marks, response.status_code, response.json()

    def run(batch):
        try:
            return [submit(job) for job in batch]
        finally:
            connections.close_all()

    batches = [jobs[w::WORKERS] for w in range(WORKERS)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = [row for rows in pool.map(run, batches) for row in rows]

    accepted = [o for o in outcomes if o[2] == 201]
    refused = [o for o in outcomes if o[2] != 201]
    assert len(accepted) == N_DEPUTIES
    assert SealedBallot.objects.filter(session=session).count() == N_DEPUTIES
    assert not Ballot.objects.filter(session=session).exists()
    assert Participation.objects.filter(session=session).count() == N_DEPUTIES
    assert sorted(o[0] for o in accepted) == list(range(N_DEPUTIES))  # one each
    assert len(refused) == N_RACING
    assert {(o[2], o[3]["detail"]) for o in refused} == {(409, zh(vm.BALLOT_ALREADY_CAST))}
    assert len({o[3]["tracker"] for o in accepted}) == N_DEPUTIES

    # a second ballot from any deputy, afterwards, is refused too
    late = clients[N_DEPUTIES - 1].post(
        url, {"marks": {ids[1]: "yes"}}, content_type="application/json"
    )
    assert (late.status_code, late.json()["detail"]) == (409, zh(vm.BALLOT_ALREADY_CAST))

    # the totals equal the marks each deputy's accepted ballot carried
    submitted = Counter()
    for _index, marks, _status, _body in accepted:
        for cid in ids:
            submitted[(cid, marks.get(cid, "abstain"))] += 1
    services.session_close(actor=congress, session=session)
    after_close = clients[0].post(url, {"marks": {}}, content_type="application/json")
    assert (after_close.status_code, after_close.json()["detail"]) == (
        409,
        zh(vm.BALLOT_NOT_OPEN),
    )
    count(world, session)
    assert Ballot.objects.filter(session=session).count() == N_DEPUTIES
    assert not SealedBallot.objects.filter(session=session).exists()

    services.session_announce(actor=congress, session=session)
    session.refresh_from_db()
    for row in session.result["results"]:
        for mark in ("yes", "no", "abstain"):
            assert row[mark] == submitted[(row["id"], mark)]
    assert session.result["ballots_cast"] == session.result["ballots_valid"] == N_DEPUTIES

    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT DISTINCT xmin::text FROM "{Ballot._meta.db_table}" WHERE session_id = %s',
            [session.pk],
        )
        ballot_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            f'SELECT DISTINCT xmin::text FROM "{Participation._meta.db_table}" '
            "WHERE session_id = %s",
            [session.pk],
        )
        participation_xmins = {row[0] for row in cursor.fetchall()}
    assert len(ballot_xmins) == 1  # all written by the counting transaction
    assert not ballot_xmins & participation_xmins
