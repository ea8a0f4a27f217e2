"""What a cast writes (core/services/voting/ballot_writes.py): one statement on
PostgreSQL, the ORM's saves elsewhere, the same rows either way."""

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from core.models.voting import Participation, SealedBallot
from core.selectors import task_counts
from core.services import voting as services
from core.services.voting import ballot_writes

from .session_setup import deputies, ids

pytestmark = pytest.mark.django_db

HISTORY = ("session_id", "deputy_id", "history_type", "history_change_reason", "history_user_id")


def _write(how, deputy, session, tracker):
    how(deputy.user, session, deputy.pk, b"\x01" * 64, tracker, _("Voted"))


def _rows(deputy):
    participation = Participation.objects.get(deputy=deputy)
    history = Participation.history.get(id=participation.pk)
    return participation, {name: getattr(history, name) for name in HISTORY}, history


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
def test_the_one_statement_writes_what_the_orm_writes(session):
    first, second = deputies()[:2]
    _write(ballot_writes.write_with_the_orm, first, session, "AAAA-AAAA-AAAA-AAAA")
    _write(ballot_writes.write_in_one_statement, second, session, "BBBB-BBBB-BBBB-BBBB")
    orm, one = _rows(first), _rows(second)
    assert orm[0].session_id == one[0].session_id == session.pk
    assert orm[1] | {"deputy_id": None, "history_user_id": None} == one[1] | {
        "deputy_id": None,
        "history_user_id": None,
    }
    assert one[1]["deputy_id"] == second.pk and one[1]["history_user_id"] == second.user_id
    assert one[2].history_date and abs(one[2].history_date - orm[2].history_date).seconds < 60
    ballots = {b.tracker: b for b in SealedBallot.objects.filter(session=session)}
    assert set(ballots) == {"AAAA-AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB-BBBB"}
    assert bytes(ballots["BBBB-BBBB-BBBB-BBBB"].sealed) == b"\x01" * 64


def test_a_second_ballot_of_a_deputy_writes_nothing(session, slate):
    deputy = deputies()[0]
    services.ballot_cast(actor=deputy.user, session=session, marks={ids(slate)[0]: "yes"})
    with pytest.raises(services.BallotRefused):
        services.ballot_cast(actor=deputy.user, session=session, marks={ids(slate)[1]: "yes"})
    assert Participation.objects.filter(session=session).count() == 1
    assert Participation.history.filter(session_id=session.pk).count() == 1
    assert SealedBallot.objects.filter(session=session).count() == 1


def test_the_cast_forgets_the_deputys_badge_counts_once_committed(
    session, slate, django_capture_on_commit_callbacks, monkeypatch
):
    forgotten = []
    monkeypatch.setattr(task_counts, "forget", forgotten.append)
    deputy = deputies()[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_cast(actor=deputy.user, session=session, marks={ids(slate)[0]: "yes"})
    assert forgotten == [deputy.user_id]


def test_the_participations_save_does_nothing_the_one_statement_leaves_out():
    """The one statement writes the history row and forgets the badge counts, which is
    all that the participation's post_save receivers do; a new receiver must be added
    to ballot_writes.py too, and then here."""
    receivers = post_save._live_receivers(Participation)
    names = sorted(
        f"{getattr(r, '__module__', '')}.{getattr(r, '__qualname__', type(r).__name__)}"
        for group in receivers
        for r in group
    )
    assert names == [
        "core.selectors.task_counts.participation_changed",
        "simple_history.models.HistoricalRecords.post_save",
    ], names


def test_nothing_is_written_when_the_transaction_is_undone(session):
    deputy = deputies()[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        ballot_writes.write_cast(
            actor=deputy.user,
            session=session,
            deputy_id=deputy.pk,
            sealed=b"\x02" * 64,
            tracker="CCCC-CCCC-CCCC-CCCC",
            reason=_("Voted"),
        )
        raise RuntimeError
    assert not Participation.objects.filter(session=session).exists()
    assert not Participation.history.filter(session_id=session.pk).exists()
    assert not SealedBallot.objects.filter(session=session).exists()
