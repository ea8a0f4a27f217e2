"""What a cast writes, inside its transaction: the deputy's "has voted" record with its
history row, and the sealed ballot.

On PostgreSQL the three rows go in one statement (a data-modifying WITH), a prepared
one: a ballot is the hottest write there is, and three ORM saves with their signals
cost a burst of deputies more than the rest of the cast. The rows are exactly those the
ORM writes (a test compares them), and the one thing the saves' signals do besides the
history row, forgetting the deputy's badge counts once the cast commits, is done here
too; a test pins the signal receivers so that a new one cannot be skipped unnoticed.
On SQLite (the embedded default) the ORM writes them.

A second ballot of the deputy fails on the participation's unique constraint, and the
statement writes nothing, as before.
"""

import uuid
from functools import cache, partial

from django.db import connection, transaction
from django.utils import timezone

from core.models import Deputy
from core.models.voting import Participation, SealedBallot
from core.prepared import prepared
from core.selectors import task_counts
from core.sql_names import column, table

from ..history import save_with_reason


@cache
def _insert_sql() -> str:
    voted, ballot = table(Participation), table(SealedBallot)
    logged = table(Participation.history.model)
    session, deputy = column(Participation, "session"), column(Participation, "deputy")
    history = Participation.history.model
    names = ", ".join(
        column(history, f)
        for f in (
            "id",
            "session",
            "deputy",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user",
        )
    )
    fields = ("id", "session", "sealed", "tracker")
    ballot_names = ", ".join(column(SealedBallot, f) for f in fields)
    return (
        f"WITH voted AS (INSERT INTO {voted} ({session}, {deputy}) "
        "VALUES (%(session)s, %(deputy)s) RETURNING id), "
        f"logged AS (INSERT INTO {logged} ({names}) "
        "SELECT voted.id, %(session)s, %(deputy)s, %(now)s, %(reason)s, '+', %(actor)s "
        "FROM voted) "
        f"INSERT INTO {ballot} ({ballot_names}) "
        "VALUES (%(ballot)s, %(session)s, %(sealed)s, %(tracker)s)"
    )


def write_cast(*, actor, session, deputy_id: int, sealed: bytes, tracker: str, reason) -> None:
    """The cast's rows; the history's user is the deputy, its reason ``reason``."""
    if connection.vendor == "postgresql":
        write_in_one_statement(actor, session, deputy_id, sealed, tracker, reason)
    else:
        write_with_the_orm(actor, session, deputy_id, sealed, tracker, reason)


def write_with_the_orm(actor, session, deputy_id, sealed, tracker, reason) -> None:
    # the actor's own deputy, as read with the session: its id and its user suffice
    deputy = Deputy(pk=deputy_id, user_id=actor.pk, jurisdiction_id=session.jurisdiction_id)
    save_with_reason(Participation(session=session, deputy=deputy), actor=actor, reason=reason)
    SealedBallot.objects.create(session=session, sealed=sealed, tracker=tracker)


def write_in_one_statement(actor, session, deputy_id, sealed, tracker, reason) -> None:
    params = {
        "session": session.pk,
        "deputy": deputy_id,
        "now": timezone.now(),
        "reason": str(reason),
        "actor": actor.pk,
        "ballot": uuid.uuid4(),
        "sealed": bytes(sealed),
        "tracker": tracker,
    }
    with prepared(), connection.cursor() as cursor:
        cursor.execute(_insert_sql(), params)
    # what the participation's post_save receiver does (core/apps.py)
    transaction.on_commit(partial(task_counts.forget, actor.pk))
