"""Reads of voting sessions, scoped to the user (the same 404 for missing and forbidden).

Public reads show a session only once it has been announced.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from core.models import Deputy
from core.models.voting import (
    ANNOUNCED_STATUSES,
    Attendance,
    Participation,
    SessionMethod,
    SessionStatus,
    TellerKey,
    VotingSession,
)
from permissions.roles import Step
from permissions.scope import jurisdiction_q, may_hold_step

from .cast_reads import session_with_standing

SESSION_RELATED = ("jurisdiction", "parent", "created_by", "process")


def sessions_for_user(user):
    return (
        VotingSession.objects.filter(jurisdiction_q(user))
        .select_related(*SESSION_RELATED)
        .annotate(n_candidates=Count("candidates", distinct=True))
        .order_by("-year", "-created", "-pk")
    )


def session_for_user(user, pk: int) -> VotingSession:
    session = (
        VotingSession.objects.filter(jurisdiction_q(user), pk=pk)
        .select_related(*SESSION_RELATED)
        .first()
    )
    if session is None:
        raise Http404
    return session


def candidates_of(session: VotingSession):
    return session.candidates.select_related("project", "project__lead_unit", "category").order_by(
        "order", "pk"
    )


def attendance_of(session: VotingSession):
    return session.attendance.select_related("deputy").order_by("deputy__name", "deputy__pk")


def deputy_of(user, jurisdiction) -> Deputy | None:
    if not user.is_authenticated:
        return None
    return Deputy.objects.filter(user=user, jurisdiction=jurisdiction, active=True).first()


def ballot_sessions_for_user(user):
    """Open electronic sessions in which the user, as a present deputy, may still vote,
    and the ones where they already have."""
    if not user.is_authenticated:
        return VotingSession.objects.none()
    return (
        VotingSession.objects.filter(
            status=SessionStatus.OPEN,
            method=SessionMethod.ELECTRONIC,
            attendance__deputy__user=user,
            attendance__deputy__active=True,
            attendance__present=True,
        )
        .select_related("jurisdiction")
        .annotate(has_voted=Count("participations", filter=Q(participations__deputy__user=user)))
        .order_by("-opened_at", "-pk")
    )


def open_votes_for(user):
    """The open electronic votes the user still owes, as a deputy marked present in a
    jurisdiction they read: those without their "has voted" record (participation says
    who took part, never how). Oldest opened first."""
    if not user.is_authenticated or not user.is_active:
        return VotingSession.objects.none()
    if not user.is_superuser and not may_hold_step(user, Step.CAST_BALLOT):
        return VotingSession.objects.none()  # not a deputy: no query
    present = Attendance.objects.filter(
        session=OuterRef("pk"),
        present=True,
        deputy__user=user,
        deputy__active=True,
        deputy__jurisdiction=OuterRef("jurisdiction"),
    )
    voted = Participation.objects.filter(session=OuterRef("pk"), deputy__user=user)
    return (
        VotingSession.objects.filter(
            jurisdiction_q(user), status=SessionStatus.OPEN, method=SessionMethod.ELECTRONIC
        )
        .filter(Exists(present))
        .exclude(Exists(voted))
        .select_related("jurisdiction")
        .order_by("opened_at", "pk")
    )


def keys_to_set_for(user):
    """The electronic sessions, not yet open, for which the user as a teller still owes
    their counting passphrase: in a jurisdiction where they count ballots and do not run
    the sessions, and not created or built by them (permissions.checks.can_count_ballots,
    read as a filter). Oldest first."""
    from .tasks import _object_permissions

    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return VotingSession.objects.none()
    if not may_hold_step(user, Step.COUNT_BALLOTS):
        return VotingSession.objects.none()  # not a teller: no query
    held = _object_permissions(user)
    places = held.get("core.count_ballots", set()) - held.get("core.manage_sessions", set())
    if not places:
        return VotingSession.objects.none()
    mine = TellerKey.objects.filter(session=OuterRef("pk"), teller=user)
    return (
        VotingSession.objects.filter(
            jurisdiction_q(user),
            jurisdiction_id__in=sorted(int(pk) for pk in places),
            method=SessionMethod.ELECTRONIC,
            status__in=(SessionStatus.DRAFT, SessionStatus.SLATE_APPROVED),
        )
        .exclude(created_by=user)
        .exclude(slate_built_by=user)
        .exclude(Exists(mine))
        .select_related("jurisdiction")
        .order_by("created", "pk")
    )


def ballot_session_for_user(user, pk: int, *, lock: bool = False) -> VotingSession:
    """A session whose ballot page the user may see: any session of a jurisdiction they
    read (the service says why a ballot is refused). One statement reads it with the
    user's standing as a voter and as a reader (cast_reads.py), which the ballot's checks
    use; the jurisdiction itself is read only if a page shows it. ``lock``: share-lock
    the session row for a cast (inside the cast's transaction)."""
    try:
        session = session_with_standing(user, pk, lock=lock)
    except VotingSession.DoesNotExist:
        raise Http404 from None
    if not user.is_authenticated or not session.may_read:
        raise Http404
    return session


def public_results():
    return (
        VotingSession.objects.filter(status__in=ANNOUNCED_STATUSES)
        .select_related("jurisdiction")
        .order_by("-announced_at", "-pk")
    )


def public_result(pk: int) -> VotingSession:
    session = public_results().filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def result_rows(session: VotingSession) -> list[dict]:
    """The announced result's rows, each with its candidate (title, category, lead unit)."""
    if not session.result:
        return []
    candidates = {c.ballot_id: c for c in candidates_of(session)}
    rows = []
    for row in session.result.get("results", []):
        row = dict(row)
        candidate = candidates.get(row["id"])
        row["candidate"] = candidate
        row["in_runoff"] = row["id"] in session.result.get("runoff", [])
        rows.append(row)
    return rows
