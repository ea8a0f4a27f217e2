"""Ballot secrecy that does not rest on trusting the database, its backups or the logs.

While a vote is open no row of any table, system columns included, holds a deputy's
marks; after the count, no row outside the ballot table holds ballot content, and the
ballot table holds no deputy, time, tracker or history; no log line, web session or
Celery message holds any; and no request or response size depends on the marks."""

import json
import logging
import uuid
from urllib.parse import urlencode

import pytest
from celery.app.task import Task as CeleryTask
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from core.idle_sessions import TOUCHED
from core.models.voting import (
    Ballot,
    CountedTracker,
    Participation,
    SealedBallot,
    SessionKind,
    VotingSession,
)
from core.services import voting as services
from core.views.ballots import CODE_OF, mark_code
from permissions.roles import Role

from .session_setup import CODE, count, deputies, fresh_user, ids, open_session

pytestmark = pytest.mark.django_db


def test_the_ballot_tables_hold_no_deputy_no_time_and_have_no_history():
    expected = {
        Ballot: {"id", "session_id", "marks", "valid"},
        SealedBallot: {"id", "session_id", "sealed", "tracker"},
        CountedTracker: {"id", "session_id", "tracker"},
    }
    tables = connection.introspection.table_names()
    for model, columns in expected.items():
        assert {f.column for f in model._meta.concrete_fields} == columns
        assert not model._meta.ordering or model is CountedTracker
        assert not hasattr(model, "history")
        assert not [t for t in tables if f"historical{model.__name__.lower()}" in t]
    assert isinstance(Ballot._meta.pk.default(), uuid.UUID)
    assert isinstance(SealedBallot._meta.pk.default(), uuid.UUID)
    # nothing points at a ballot, sealed or opened
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            assert field.related_model not in (Ballot, SealedBallot), (
                f"{model.__name__}.{field.name}"
            )


def test_the_has_voted_record_holds_no_ballot():
    assert {f.column for f in Participation._meta.concrete_fields} == {
        "id",
        "session_id",
        "deputy_id",
    }
    historical = Participation.history.model
    assert {f.column for f in historical._meta.concrete_fields} <= {
        "id",
        "session_id",
        "deputy_id",
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    }


@pytest.fixture
def celery_messages(monkeypatch):
    """Every task sent while the test runs (eager or not), with its arguments."""
    sent = []
    original = CeleryTask.apply_async

    def record(self, args=None, kwargs=None, **options):
        sent.append(repr((self.name, args, kwargs)))
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(CeleryTask, "apply_async", record)
    return sent


def _all_rows(*, skip=()):
    """Every row of every table, system columns included (PostgreSQL's xmin and ctid,
    SQLite's rowid): what anyone who can read the database, a backup or a replica sees."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in skip:
                continue
            if connection.vendor == "postgresql":
                sql = f'SELECT t.*, t.xmin::text, t.ctid::text FROM "{table}" t'  # noqa: S608
            else:
                sql = f'SELECT rowid, * FROM "{table}"'  # noqa: S608
            cursor.execute(sql)
            for row in cursor.fetchall():
                yield (
                    table,
                    " ".join(
                        bytes(v).hex() if isinstance(v, (bytes, memoryview)) else str(v)
                        for v in row
                    ),
                )


def _all_rows_outside_the_ballot_table():
    yield from _all_rows(skip={Ballot._meta.db_table})


def _renderings(marks: dict) -> set[str]:
    # PostgreSQL's jsonb prints keys shortest first, then in byte order.
    jsonb_order = dict(sorted(marks.items(), key=lambda item: (len(item[0]), item[0])))
    return {
        json.dumps(marks),
        json.dumps(jsonb_order),
        json.dumps(marks, sort_keys=True),
        json.dumps(marks, separators=(",", ":")),
        json.dumps(marks, ensure_ascii=False),
        repr(marks),
    }


BALLOTS = [
    ("yes", "yes", "no", "abstain"),
    ("yes", "no", "yes", "no"),
    ("no", "yes", "yes", "yes"),
    ("abstain", "yes", None, None),
    ("yes", None, "abstain", "no"),
    (None, "no", "no", "yes"),
    ("yes", "yes", "yes", None),
    (None, None, None, "abstain"),
]


def _ballots(ids_):
    """Eight different ballots, so each is recognisable wherever it might leak."""
    return [
        {cid: mark for cid, mark in zip(ids_, row, strict=True) if mark is not None}
        for row in BALLOTS
    ]


def _post(client, session, marks, action):
    data = {f"c_{cid}": CODE_OF[mark] for cid, mark in marks.items()}
    return client.post(reverse("voting:ballot", args=[session.pk]), {**data, "action": action})


def _secrets_of(ballots) -> set[str]:
    found = set()
    for marks in ballots:
        if marks:
            found |= _renderings(marks)
    return found


def test_while_a_vote_is_open_no_row_of_any_table_holds_a_deputys_marks(world, client, make_case):
    """The attack: read the database (or a backup, a replica) during the vote and pair
    core_participation with the ballots by transaction id or physical position. Every row
    of every table, with its system columns, holds ciphertext at most."""
    projects = [make_case(CODE, to="candidate").project for _ in range(4)]
    session = open_session(world, projects, rules={"seats": 3})
    ballots = _ballots(ids(projects))
    for deputy, marks in zip(deputies(), ballots, strict=True):
        client.force_login(fresh_user(deputy.user))
        _post(client, session, marks, "review")
        assert _post(client, session, marks, "cast").status_code == 200
    secrets = _secrets_of(ballots)
    leaks = [(t, s) for t, text in _all_rows() for s in secrets if s in text]
    assert leaks == []
    assert not Ballot.objects.filter(session=session).exists()
    # Paired row for row with the participations, the sealed rows give away nothing:
    # every one is ciphertext of the same length, whatever its marks.
    sealed = list(SealedBallot.objects.filter(session=session))
    assert len(sealed) == 8 and len({len(bytes(b.sealed)) for b in sealed}) == 1
    order = "xmin::text::bigint, ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT deputy_id FROM core_participation WHERE session_id = %s ORDER BY {order}",
            [session.pk],
        )
        voters = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT sealed FROM core_sealedballot WHERE session_id = %s ORDER BY {order}",
            [session.pk],
        )
        sealed_in_order = [bytes(row[0]) for row in cursor.fetchall()]
    pairs = list(zip(voters, sealed_in_order, strict=True))
    assert len(pairs) == 8  # the pairing exists ...
    for _deputy, blob in pairs:  # ... and ties each deputy to ciphertext only
        assert not [s for s in secrets if s.encode() in blob]


def test_after_a_session_only_the_ballot_table_holds_ballot_content(
    world, client, make_case, caplog, celery_messages
):
    caplog.set_level(logging.DEBUG)
    projects = [make_case(CODE, to="candidate").project for _ in range(4)]
    session = open_session(world, projects, rules={"seats": 3})
    a = ids(projects)[0]
    ballots = _ballots(ids(projects))
    trackers = []
    voters = deputies()
    for deputy, marks in zip(voters, ballots, strict=True):
        client.force_login(fresh_user(deputy.user))
        _post(client, session, marks, "review")
        response = _post(client, session, marks, "cast")
        trackers.append(response.context["tracker"])
        # a tampered second try, to have the refusal paths logged too
        client.post(
            reverse("voting:ballot", args=[session.pk]), {f"c_{a}": "maybe", "action": "cast"}
        )
        client.post(reverse("voting:receipt"), {"tracker": response.context["tracker"]})
    ids_while_open = {str(pk) for pk in SealedBallot.objects.values_list("id", flat=True)}

    congress = fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)])
    client.force_login(congress)
    client.post(reverse("voting:session_close", args=[session.pk]))
    count(world, session)
    client.post(reverse("voting:session_announce", args=[session.pk]))
    client.get(reverse("voting:session_export", args=[session.pk]))
    session = VotingSession.objects.get(pk=session.pk)
    assert session.status == "announced"

    stored = list(Ballot.objects.filter(session=session))
    assert sorted(json.dumps(b.marks, sort_keys=True) for b in stored) == sorted(
        json.dumps(m, sort_keys=True) for m in ballots
    )
    assert not SealedBallot.objects.exists() and not session.key_shares.exists()
    secrets = _secrets_of(ballots)
    secrets |= {str(b.id) for b in stored} | {uuid.UUID(i).hex for i in ids_while_open}
    secrets |= ids_while_open | {uuid.UUID(str(b.id)).hex for b in stored}
    leaks = [
        (table, secret)
        for table, text in _all_rows_outside_the_ballot_table()
        for secret in secrets
        if secret in text
    ]
    assert leaks == []
    # The trackers are published, apart from the opened ballots, which do not carry them.
    ballot_rows = " ".join(text for _t, text in _all_rows() if _t == Ballot._meta.db_table)
    assert not [t for t in trackers if t in ballot_rows]
    assert sorted(session.counted_trackers.values_list("tracker", flat=True)) == sorted(trackers)

    for stored_session in Session.objects.all():
        decoded = json.dumps(stored_session.get_decoded(), default=str)
        assert not [s for s in secrets | set(trackers) if s in decoded]

    log_text = [record.getMessage() for record in caplog.records]
    assert not [(line, s) for line in log_text for s in secrets | set(trackers) if s in line]
    names = {d.name for d in voters} | {d.user.username for d in voters}
    assert not [line for line in log_text if any(name in line for name in names)]

    assert not [(m, s) for m in celery_messages for s in secrets if s in m]


def test_counting_shuffles_the_opened_ballots_with_new_keys(world, make_case, monkeypatch):
    from core.services.voting import guards

    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, rules={"seats": 2})
    a, b, c = ids(projects)
    ballots = [{a: "yes"}, {b: "yes"}, {c: "yes"}, {a: "no"}, {b: "no"}, {c: "no"}]
    for deputy, marks in zip(deputies(), ballots, strict=False):
        services.ballot_cast(actor=fresh_user(deputy.user), session=session, marks=marks)
    sealed_ids = set(SealedBallot.objects.values_list("id", flat=True))
    shuffled = []
    original = guards.secure_random.shuffle

    def spy(rows):
        shuffled.append(len(rows))
        original(rows)

    monkeypatch.setattr(guards.secure_random, "shuffle", spy)
    services.session_close(actor=world.users[(CODE, Role.CONGRESS_OFFICE)], session=session)
    count(world, session)
    assert shuffled == [6]
    assert not sealed_ids & set(Ballot.objects.values_list("id", flat=True))
    assert isinstance(guards.secure_random, __import__("random").SystemRandom)


def test_the_ballot_page_keeps_nothing_in_the_web_session(world, client, make_case):
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, rules={"seats": 2})
    client.force_login(fresh_user(deputies()[0].user))
    a = ids(projects)[0]
    _post(client, session, {a: "yes"}, "review")
    tracker = _post(client, session, {a: "yes"}, "cast").context["tracker"]
    # the login's keys, and when the idle hour was last renewed (a time, no more)
    allowed = {"_auth_user_id", "_auth_user_backend", "_auth_user_hash", TOUCHED}
    assert set(client.session.keys()) <= allowed
    assert isinstance(client.session.get(TOUCHED, 0), int)
    assert tracker not in json.dumps(dict(client.session.items()), default=str)


@pytest.mark.parametrize("kind", ["selection", "three_level", "score_100"])
def test_the_ballots_requests_and_responses_have_the_same_size_whatever_the_marks(
    world, client, make_case, kind
):
    """The attack: read the access log, or watch the encrypted traffic's sizes. Every
    request and response of the ballot is as long with one set of marks as another."""
    to = "candidate" if kind == "selection" else "evaluation"
    projects = [make_case(CODE, to=to).project for _ in range(3)]
    if kind == "selection":
        session = open_session(world, projects, rules={"seats": 2})
        variants = [("yes", "no", "abstain"), ("no", "abstain", "yes"), ("abstain",) * 3]
    else:
        session = open_session(
            world, projects, kind=SessionKind.SATISFACTION, rules={"scale": kind}
        )
        variants = (
            [("satisfied",) * 3, ("basic", "unsatisfied", None), (None, None, "basic")]
            if kind == "three_level"
            else [(100, 5, None), (0, 75, 60), (None, None, 9)]
        )
    sizes = {"review": set(), "confirm": set(), "cast": set(), "receipt": set()}
    for deputy, row in zip(deputies(), variants, strict=False):
        client.force_login(fresh_user(deputy.user))
        marks = {cid: m for cid, m in zip(ids(projects), row, strict=True) if m is not None}
        data = {f"c_{cid}": mark_code(marks.get(cid)) for cid in ids(projects)}
        if kind == "score_100":
            data = {k: (v if v != "-" else "---") for k, v in data.items()}
        url = reverse("voting:ballot", args=[session.pk])
        sizes["review"].add(len(urlencode({**data, "action": "review"})))
        confirm = client.post(url, {**data, "action": "review"})
        assert confirm.status_code == 200
        sizes["confirm"].add(len(confirm.content))
        sizes["cast"].add(len(urlencode({**data, "action": "cast"})))
        cast = client.post(url, {**data, "action": "cast"})
        assert cast.status_code == 200
        sizes["receipt"].add(len(cast.content))
    assert {k: len(v) for k, v in sizes.items()} == {k: 1 for k in sizes}
