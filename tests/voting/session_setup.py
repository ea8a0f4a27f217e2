"""Voting sessions for the tests, built through the services as the offices would."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from simple_history.utils import bulk_create_with_history

from core.models import Deputy, DeputyKind, RoleAssignment
from core.models.voting import SessionKind, SessionMethod, VotingSession
from core.services import voting as services
from permissions import grants
from permissions.roles import Role

CODE = "qh-dh"
TELLERS = (Role.TELLER, "teller2", "teller3")
PASSPHRASES = {
    Role.TELLER: "count-one-2026",
    "teller2": "count-two-2026",
    "teller3": "count-three-2026",
}


def deputies(code: str = CODE) -> list[Deputy]:
    return list(
        Deputy.objects.filter(jurisdiction__code=code, active=True)
        .select_related("user")
        .order_by("pk")
    )


def fresh_user(user):
    """The user without the cached role assignments (so new grants are seen)."""
    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments
    return user


def approved_session(
    world,
    projects,
    *,
    code: str = CODE,
    kind: str = SessionKind.SELECTION,
    method: str = SessionMethod.ELECTRONIC,
    rules: dict | None = None,
    year: int = 2026,
) -> VotingSession:
    """A session with its rules set, its slate built from `projects` and approved."""
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    party = world.users[(code, Role.PARTY_OFFICE)]
    session = services.session_create(
        actor=congress,
        jurisdiction=world.jurisdictions[code],
        year=year,
        kind=kind,
        method=method,
        rules=rules,
    )
    services.session_build_slate(actor=congress, session=session, projects=projects)
    services.session_approve_slate(actor=party, session=session)
    session.refresh_from_db()
    return session


def set_teller_keys(world, session: VotingSession, tellers=TELLERS) -> None:
    for key in tellers:
        services.teller_key_set(
            actor=world.users[(session.jurisdiction.code, key)],
            session=session,
            passphrase=PASSPHRASES[key],
            confirm=PASSPHRASES[key],
        )


def open_session(world, projects, *, present=None, code: str = CODE, **kwargs) -> VotingSession:
    """An approved session with attendance recorded (everyone, unless `present` says who),
    the three tellers' counting keys set (electronic votes), and voting open."""
    session = approved_session(world, projects, code=code, **kwargs)
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    services.session_record_attendance(
        actor=congress, session=session, present=deputies(code) if present is None else present
    )
    if not session.is_paper:
        set_teller_keys(world, session)
    services.session_open(actor=congress, session=session)
    session.refresh_from_db()
    return session


def cast_all(session: VotingSession, ballots: list[dict]) -> list[str]:
    """The session's deputies (in order) cast `ballots`; returns the receipt codes."""
    voters = deputies(session.jurisdiction.code)
    return [
        services.ballot_cast(actor=deputy.user, session=session, marks=marks)
        for deputy, marks in zip(voters, ballots, strict=False)
    ]


def count(
    world, session: VotingSession, tellers=(Role.TELLER, "teller2"), *, confirm: bool = True
) -> VotingSession:
    """k tellers open the sealed ballots of a closed session with their passphrases; the
    first then confirms the count (unless told not to), so that it can be announced."""
    code = session.jurisdiction.code
    users = [world.users[(code, key)] for key in tellers]
    services.session_count(
        actor=users[0],
        session=session,
        passphrases={u.pk: PASSPHRASES[key] for u, key in zip(users, tellers, strict=True)},
    )
    if confirm:
        services.session_confirm_count(actor=users[0], session=session)
    session.refresh_from_db()
    return session


def close_and_announce(world, session: VotingSession) -> VotingSession:
    congress = world.users[(session.jurisdiction.code, Role.CONGRESS_OFFICE)]
    services.session_close(actor=congress, session=session)
    session.refresh_from_db()
    if not session.is_paper:
        count(world, session)
    services.session_announce(actor=congress, session=session)
    session.refresh_from_db()
    return session


def ids(projects) -> list[str]:
    return [str(p.pk) for p in projects]


def bulk_deputies(jurisdiction, n: int, prefix: str = "burst.deputy") -> list[Deputy]:
    """n deputies of `jurisdiction` with user accounts and the deputy role, in bulk: one
    password hash, bulk inserts with their history rows, then the role's grants."""
    password = make_password("burst-2026")
    User.objects.bulk_create(
        [User(username=f"{prefix}{i}", password=password) for i in range(n)], batch_size=500
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    reason = "Imported in bulk"
    bulk_create_with_history(
        [
            Deputy(user=u, name=f"代表{i}", kind=DeputyKind.DEPUTY, jurisdiction=jurisdiction)
            for i, u in enumerate(users)
        ],
        Deputy,
        batch_size=500,
        default_change_reason=reason,
    )
    bulk_create_with_history(
        [RoleAssignment(user=u, role=Role.DEPUTY, jurisdiction=jurisdiction) for u in users],
        RoleAssignment,
        batch_size=500,
        default_change_reason=reason,
    )
    for assignment in RoleAssignment.objects.filter(user__in=users).select_related("jurisdiction"):
        grants.grant_role(assignment)
    return list(Deputy.objects.filter(user__in=users).select_related("user").order_by("pk"))
