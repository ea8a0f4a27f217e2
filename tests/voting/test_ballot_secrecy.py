"""Ballot secrecy: no database row, history row, log line or Celery message links a
deputy to a ballot's content. The ballot table carries no deputy, time or history; every
other table, every session, every log line and every task message is searched for
ballot content after a whole session run through the web pages."""

import json
import logging
import uuid

import pytest
from celery.app.task import Task as CeleryTask
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from core.models.voting import Ballot, Participation, VotingSession
from core.services import voting as services
from permissions.roles import Role

from .session_setup import CODE, deputies, fresh_user, ids, open_session

pytestmark = pytest.mark.django_db


def test_the_ballot_table_holds_no_deputy_no_time_and_has_no_history():
    columns = {f.column for f in Ballot._meta.concrete_fields}
    assert columns == {"id", "session_id", "marks", "receipt_hash", "valid"}
    assert isinstance(Ballot._meta.pk.default(), uuid.UUID)
    assert not Ballot._meta.ordering
    assert not hasattr(Ballot, "history")
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historicalballot" in t]
    # nothing points at a ballot
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            assert field.related_model is not Ballot, f"{model.__name__}.{field.name}"


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


def _all_rows_outside_the_ballot_table():
    ballot_table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == ballot_table:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


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


def test_after_a_session_only_the_ballot_table_holds_ballot_content(
    world, client, make_case, caplog, celery_messages
):
    caplog.set_level(logging.DEBUG)
    projects = [make_case(CODE, to="candidate").project for _ in range(4)]
    session = open_session(world, projects, rules={"seats": 3})
    a, b, c, d = ids(projects)
    # Every ballot different, so that each is recognisable wherever it might leak.
    ballots = [
        {a: "yes", b: "yes", c: "no", d: "abstain"},
        {a: "yes", b: "no", c: "yes", d: "no"},
        {a: "no", b: "yes", c: "yes", d: "yes"},
        {a: "abstain", b: "yes"},
        {a: "yes", c: "abstain", d: "no"},
        {b: "no", c: "no", d: "yes"},
        {a: "yes", b: "yes", c: "yes"},
        {d: "abstain"},
    ]
    codes = []
    voters = deputies()
    for deputy, marks in zip(voters, ballots, strict=True):
        client.force_login(fresh_user(deputy.user))
        data = {f"c_{cid}": mark for cid, mark in marks.items()}
        client.post(reverse("voting:ballot", args=[session.pk]), {**data, "action": "review"})
        response = client.post(
            reverse("voting:ballot", args=[session.pk]), {**data, "action": "cast"}
        )
        codes.append(response.context["code"])
        # a tampered second try, to have the refusal paths logged too
        client.post(
            reverse("voting:ballot", args=[session.pk]), {f"c_{a}": "maybe", "action": "cast"}
        )
        client.post(reverse("voting:receipt"), {"code": response.context["code"]})
    ids_while_open = {str(pk) for pk in Ballot.objects.values_list("id", flat=True)}

    congress = fresh_user(world.users[(CODE, Role.CONGRESS_OFFICE)])
    client.force_login(congress)
    client.post(reverse("voting:session_close", args=[session.pk]))
    client.post(reverse("voting:session_announce", args=[session.pk]))
    client.get(reverse("voting:session_export", args=[session.pk]))
    session = VotingSession.objects.get(pk=session.pk)
    assert session.status == "announced"

    stored = list(Ballot.objects.filter(session=session))
    assert sorted(json.dumps(b.marks, sort_keys=True) for b in stored) == sorted(
        json.dumps(m, sort_keys=True) for m in ballots
    )
    secrets = set(codes)
    secrets |= {code.replace("-", "") for code in codes}
    secrets |= {b.receipt_hash for b in stored}
    secrets |= {str(b.id) for b in stored} | {uuid.UUID(i).hex for i in ids_while_open}
    secrets |= ids_while_open | {uuid.UUID(str(b.id)).hex for b in stored}
    for marks in ballots:
        secrets |= _renderings(marks)

    leaks = [
        (table, secret)
        for table, text in _all_rows_outside_the_ballot_table()
        for secret in secrets
        if secret in text
    ]
    assert leaks == []

    for stored_session in Session.objects.all():
        decoded = json.dumps(stored_session.get_decoded(), default=str)
        assert not [s for s in secrets if s in decoded]

    log_text = [record.getMessage() for record in caplog.records]
    assert not [(line, s) for line in log_text for s in secrets if s in line]
    names = {d.name for d in voters} | {d.user.username for d in voters}
    assert not [line for line in log_text if any(name in line for name in names)]

    assert not [(m, s) for m in celery_messages for s in secrets if s in m]


def test_closing_rewrites_the_ballots_with_new_keys_in_a_random_order(
    world, make_case, monkeypatch
):
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, rules={"seats": 2})
    a, b, c = ids(projects)
    ballots = [{a: "yes"}, {b: "yes"}, {c: "yes"}, {a: "no"}, {b: "no"}, {c: "no"}]
    for deputy, marks in zip(deputies(), ballots, strict=False):
        services.ballot_cast(actor=fresh_user(deputy.user), session=session, marks=marks)
    before = dict(Ballot.objects.values_list("id", "receipt_hash"))
    shuffled = []
    original = services._secure_random.shuffle

    def spy(rows):
        shuffled.append(len(rows))
        original(rows)

    monkeypatch.setattr(services._secure_random, "shuffle", spy)
    services.session_close(actor=world.users[(CODE, Role.CONGRESS_OFFICE)], session=session)
    after = dict(Ballot.objects.values_list("id", "receipt_hash"))
    assert shuffled == [6]
    assert not set(before) & set(after)  # every key is new
    assert sorted(before.values()) == sorted(after.values())  # receipts still check
    assert isinstance(services._secure_random, __import__("random").SystemRandom)


def test_the_ballot_page_keeps_nothing_in_the_web_session(world, client, make_case):
    projects = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects, rules={"seats": 2})
    client.force_login(fresh_user(deputies()[0].user))
    a = ids(projects)[0]
    url = reverse("voting:ballot", args=[session.pk])
    client.post(url, {f"c_{a}": "yes", "action": "review"})
    code = client.post(url, {f"c_{a}": "yes", "action": "cast"}).context["code"]
    assert set(client.session.keys()) <= {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}
    assert code not in json.dumps(dict(client.session.items()), default=str)
