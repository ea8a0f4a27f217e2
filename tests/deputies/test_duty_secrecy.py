"""A deputy's duty record never reveals how they voted: every figure of the record, the
ranking, the deputy's own page and the Excel export are the same whatever the ballots
say; only that a deputy voted may count."""

import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.selectors import duty
from permissions.roles import Role
from tests.voting.session_setup import cast_all, close_and_announce, ids, open_session

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _everything_shown(world, year) -> list:
    """Every figure of every deputy's record as the pages and the export show them."""
    dh = world.jurisdictions["qh-dh"]
    shown = [
        (r.deputy.pk, r.rank, sorted(r.counts.items()), str(r.total))
        for r in duty.ranking(dh, year)
    ]
    client = Client()
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    export = client.get(reverse("deputies:ranking_export") + f"?j=qh-dh&year={year}")
    shown.append(list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)))
    for record in duty.ranking(dh, year):
        client.force_login(record.deputy.user)
        page = client.get(reverse("deputies:record", args=[record.deputy.pk]) + f"?year={year}")
        body = page.content.decode()
        shown.append(body[body.index("<table") : body.index("</table>")])
    return shown


def _after_a_vote(world, make_case, marks_for) -> list:
    """Walk candidates to a vote in which the deputies mark as `marks_for` says, then
    read everything the duty record shows; undo it all afterwards."""
    try:
        with transaction.atomic():
            projects = [make_case("qh-dh", to="candidate", index=n).project for n in range(3)]
            session = open_session(world, projects, rules={"seats": 2})
            candidates = ids(projects)
            cast_all(session, [marks_for(n, candidates) for n in range(6)])
            close_and_announce(world, session)
            shown = _everything_shown(world, session.year)
            raise Rollback(shown)
    except Rollback as done:
        return done.args[0]


def test_the_record_is_the_same_whatever_the_ballots_say(world, make_case):
    first_two = _after_a_vote(
        world, make_case, lambda n, c: {cid: "yes" if i < 2 else "no" for i, cid in enumerate(c)}
    )
    all_no = _after_a_vote(world, make_case, lambda n, c: dict.fromkeys(c, "no"))
    mixed = _after_a_vote(
        world,
        make_case,
        lambda n, c: {cid: ("yes" if (n + i) % 3 == 0 else "no") for i, cid in enumerate(c)},
    )
    assert first_two == all_no == mixed
    # and the record does show that they voted: six deputies cast a ballot, two did not
    voted = [dict(counts)["votes_cast"] for _pk, _rank, counts, _total in first_two[:8]]
    assert sorted(voted) == [0, 0, 1, 1, 1, 1, 1, 1]
    attended = [dict(counts)["sessions_attended"] for _pk, _r, counts, _t in first_two[:8]]
    assert attended == [1] * 8


def test_no_source_of_the_record_reads_a_ballot():
    import inspect

    import core.selectors.duty as module

    source = inspect.getsource(module)
    assert "Ballot" not in source and "marks" not in source
