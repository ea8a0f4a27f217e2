"""The demo's votes, all in 东湖镇: an announced project vote and an announced satisfaction
vote (electronic, sealed, opened by two of the three tellers, with their trackers), a
paper session waiting for its second teller, and next year's project vote open now, with
every deputy present and nobody yet voted.

Also ``paper_vote``: how the demo's other cases get their congress vote, as a vote held on
paper and recorded by two tellers (the outcome of a case comes only from a session).
"""

import datetime

from core.models.voting import SessionKind, SessionMethod
from core.services import voting
from permissions.roles import Role

CODE = "qh-dh"
# The demo tellers' counting passphrases (printed by seed_demo with the logins).
TELLER_PASSPHRASES = {
    Role.TELLER: "count-one-2026",
    "teller2": "count-two-2026",
    "teller3": "count-three-2026",
}
TELLER_KEYS = (Role.TELLER, "teller2", "teller3")


def _deputies(jurisdiction):
    return list(voting.active_deputies(jurisdiction).select_related("user").order_by("pk"))


def _approved(world, code, projects, *, kind, method, rules, year, title, held_on=None):
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    session = voting.session_create(
        actor=congress,
        jurisdiction=world.jurisdictions[code],
        year=year,
        kind=kind,
        method=method,
        title=title,
        rules=rules,
        held_on=held_on,
    )
    voting.session_build_slate(actor=congress, session=session, projects=projects)
    voting.session_approve_slate(actor=world.users[(code, Role.PARTY_OFFICE)], session=session)
    voting.session_record_attendance(
        actor=congress, session=session, present=_deputies(session.jurisdiction)
    )
    return session


def paper_vote(world, code, outcomes, *, year=None):
    """A project vote held on paper and entered by two tellers: `outcomes` is a list of
    (project, elected). Counts are consistent with the deputies present."""
    projects = [p for p, _e in outcomes]
    n_elected = sum(1 for _p, e in outcomes if e)
    seats = max(1, n_elected)
    year = year or projects[0].year
    session = _approved(
        world,
        code,
        projects,
        kind=SessionKind.SELECTION,
        method=SessionMethod.PAPER,
        rules={"seats": seats, "differential": [0, len(projects)]},
        year=year,
        title=f"{year}年{world.jurisdictions[code].name}民生实事项目票决（纸质）",
        held_on=datetime.date(year, 1, 15),
    )
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    voting.session_open(actor=congress, session=session)
    voting.session_close(actor=congress, session=session)
    present = voting.present_count(session)
    counts = {
        str(p.pk): (
            {"yes": present - 1, "no": 1, "abstain": 0}
            if elected
            else {"yes": 1, "no": present - 2, "abstain": 1}
        )
        for p, elected in outcomes
    }
    for teller in (Role.TELLER, "teller2"):
        voting.paper_entry_submit(
            actor=world.users[(code, teller)],
            session=session,
            ballots_returned=present,
            ballots_invalid=0,
            counts=counts,
        )
    voting.session_announce(actor=congress, session=session)
    return session


def _set_keys(world, code, session):
    for key in TELLER_KEYS:
        passphrase = TELLER_PASSPHRASES[key]
        voting.teller_key_set(
            actor=world.users[(code, key)],
            session=session,
            passphrase=passphrase,
            confirm=passphrase,
        )


def _electronic_vote(world, code, projects, *, kind, rules, year, title, ballots, held_on=None):
    """Held, sealed, opened by two tellers and announced. Returns (session, trackers)."""
    session = _approved(
        world,
        code,
        projects,
        kind=kind,
        method=SessionMethod.ELECTRONIC,
        rules=rules,
        year=year,
        title=title,
        held_on=held_on,
    )
    _set_keys(world, code, session)
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    voting.session_open(actor=congress, session=session)
    trackers = {}
    for deputy, marks in zip(_deputies(session.jurisdiction), ballots, strict=False):
        trackers[deputy.user.username] = voting.ballot_cast(
            actor=deputy.user, session=session, marks=marks
        )
    voting.session_close(actor=congress, session=session)
    first, second = world.users[(code, Role.TELLER)], world.users[(code, "teller3")]
    voting.session_count(
        actor=first,
        session=session,
        passphrases={
            first.pk: TELLER_PASSPHRASES[Role.TELLER],
            second.pk: TELLER_PASSPHRASES["teller3"],
        },
    )
    voting.session_confirm_count(actor=first, session=session)
    voting.session_announce(actor=congress, session=session)
    return session, trackers


def seed_voting(world) -> dict:
    """Build the demo's votes (once). Returns the example trackers, by login."""
    year = 2026
    base = 200  # case indices of their own, so titles do not repeat the other cases'

    # The year's project vote: four candidates for three seats, eight deputies voting.
    candidates = [world.build_case(base + i, CODE, "candidate", year=year) for i in range(4)]
    ids = [str(p.pk) for p in candidates]
    pattern = [
        ["yes", "yes", "yes", "no"],
        ["yes", "yes", "no", "yes"],
        ["yes", "abstain", "yes", "no"],
        ["yes", "yes", "yes", "abstain"],
        ["no", "yes", "yes", "yes"],
        ["yes", "yes", "no", "no"],
        ["yes", "no", "yes", "abstain"],
        ["yes", "yes", "abstain", "no"],
    ]
    _session, project_trackers = _electronic_vote(
        world,
        CODE,
        candidates,
        kind=SessionKind.SELECTION,
        rules={"seats": 3},
        year=year,
        title="2026年东湖镇第十八届人大第五次会议民生实事项目票决",
        held_on=datetime.date(year, 1, 16),
        ballots=[dict(zip(ids, row, strict=True)) for row in pattern],
    )

    # The year-end satisfaction vote on two finished projects.
    rated = [world.build_case(base + 10 + i, CODE, "evaluation", year=year) for i in range(2)]
    levels = ["satisfied", "satisfied", "basic", "satisfied", "unsatisfied", "satisfied"]
    _rating, rating_trackers = _electronic_vote(
        world,
        CODE,
        rated,
        kind=SessionKind.SATISFACTION,
        rules={"scale": "three_level"},
        year=year,
        title="2026年东湖镇民生实事项目满意度测评",
        ballots=[
            {str(rated[0].pk): levels[i % 6], str(rated[1].pk): levels[(i + 2) % 6]}
            for i in range(8)
        ],
    )

    # A supplementary vote held on paper: the first teller has entered the count.
    extra = [world.build_case(base + 20 + i, CODE, "candidate", year=year) for i in range(3)]
    paper = _approved(
        world,
        CODE,
        extra,
        kind=SessionKind.SELECTION,
        method=SessionMethod.PAPER,
        rules={"seats": 2},
        year=year,
        title="2026年东湖镇民生实事项目补充票决（纸质选票）",
    )
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    voting.session_open(actor=congress, session=paper)
    voting.session_close(actor=congress, session=paper)
    voting.paper_entry_submit(
        actor=world.users[(CODE, Role.TELLER)],
        session=paper,
        ballots_returned=8,
        ballots_invalid=0,
        counts={
            str(extra[0].pk): {"yes": 7, "no": 1, "abstain": 0},
            str(extra[1].pk): {"yes": 5, "no": 2, "abstain": 1},
            str(extra[2].pk): {"yes": 3, "no": 4, "abstain": 1},
        },
    )

    # Next year's project vote, open now: every deputy present, nobody has voted yet.
    upcoming = [world.build_case(base + 30 + i, CODE, "candidate", year=year + 1) for i in range(3)]
    session = _approved(
        world,
        CODE,
        upcoming,
        kind=SessionKind.SELECTION,
        method=SessionMethod.ELECTRONIC,
        rules={"seats": 2},
        year=year + 1,
        title="2027年东湖镇民生实事项目票决",
    )
    _set_keys(world, CODE, session)
    voting.session_open(actor=congress, session=session)
    return {"project_vote": project_trackers, "satisfaction_vote": rating_trackers}
