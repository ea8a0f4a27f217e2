"""What a ballot cast reads: the session row with the actor's standing in it, in one
statement, and the session's slate, which cannot change while the vote is open.

The standing is what ``permissions.checks.can_cast_ballot`` and the attendance list say
of the actor, read as columns beside the session row:

* ``voter_deputy_id``: the actor's active deputy of the session's jurisdiction, marked
  present at the session (a user is at most one deputy), or None;
* ``may_cast``: the actor (or one of their groups) holds the "cast ballot" permission on
  the session's jurisdiction, as granted by permissions/grants.py;
* ``has_voted``: that deputy's "has voted" record exists;
* ``may_read``: the actor reads the session's jurisdiction, as ``permissions.scope``
  says (a role there, or a supervisor's role above it);

and ``jurisdiction_path``, the session's jurisdiction's path, for the reading scope.

When casting, the session row is share-locked on PostgreSQL: ballots do not wait for
each other, but closing (which locks the row for update) waits for every ballot being
cast to commit, and a ballot arriving after it sees the session closed. On SQLite the
cast's transaction holds the write lock from its start.

On PostgreSQL the read is a prepared statement (core/prepared.py): planning its
subqueries took four times as long as running them.
"""

from functools import cache, lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from guardian.models import GroupObjectPermission, UserObjectPermission

from core.models import Deputy, Jurisdiction, RoleAssignment
from core.models.voting import Attendance, Participation, SessionCandidate, VotingSession
from core.prepared import prepared
from core.sql_names import table
from permissions.roles import SUPERVISING_ROLES, Step


@cache
def _standing_sql(lock: bool) -> str:
    """The statement, built once per process (the table names do not change); its
    parameters are the actor's and the session's ids, the cast permission's codename and
    the jurisdictions' content type."""
    session, jurisdiction = table(VotingSession), table(Jurisdiction)
    roles = table(RoleAssignment)
    attendance, deputy = table(Attendance), table(Deputy)
    participation = table(Participation)
    user_perm, group_perm = table(UserObjectPermission), table(GroupObjectPermission)
    permission, content_type = table(Permission), table(ContentType)
    user_groups = table(get_user_model().groups.through)
    # the permission, named by its codename in the "core" app
    held = (
        f"INNER JOIN {permission} p ON p.id = o.permission_id "
        f"INNER JOIN {content_type} pct ON pct.id = p.content_type_id "
        "WHERE p.codename = %(codename)s AND pct.app_label = 'core' "
        "AND o.content_type_id = %(jurisdiction_type)s "
        "AND o.object_pk = CAST(s.jurisdiction_id AS varchar(255))"
    )
    voter = (
        f"FROM {attendance} a INNER JOIN {deputy} d ON d.id = a.deputy_id "
        "WHERE a.session_id = s.id AND a.present AND d.active "
        "AND d.user_id = %(user)s AND d.jurisdiction_id = s.jurisdiction_id"
    )
    # the reading scope: a role on the jurisdiction, or a supervisor's above it
    supervising = ", ".join(f"'{role.value}'" for role in sorted(SUPERVISING_ROLES))
    reader = (
        f"FROM {roles} r INNER JOIN {jurisdiction} rj ON rj.id = r.jurisdiction_id "
        "WHERE r.user_id = %(user)s AND (r.jurisdiction_id = s.jurisdiction_id "
        f"OR (r.role IN ({supervising}) "
        "AND substr(j.path, 1, length(rj.path)) = rj.path))"
    )
    sql = (
        "SELECT s.*, j.path AS jurisdiction_path, "
        f"(SELECT a.deputy_id {voter}) AS voter_deputy_id, "
        f"(EXISTS (SELECT 1 FROM {user_perm} o {held} AND o.user_id = %(user)s) "
        f"OR EXISTS (SELECT 1 FROM {group_perm} o "
        f"INNER JOIN {user_groups} ug ON ug.group_id = o.group_id {held} "
        "AND ug.user_id = %(user)s)) AS may_cast, "
        f"EXISTS (SELECT 1 FROM {participation} v WHERE v.session_id = s.id "
        f"AND v.deputy_id = (SELECT a.deputy_id {voter})) AS has_voted, "
        f"EXISTS (SELECT 1 {reader}) AS may_read "
        f"FROM {session} s INNER JOIN {jurisdiction} j ON j.id = s.jurisdiction_id "
        "WHERE s.id = %(session)s"
    )
    if lock and connection.vendor == "postgresql":
        sql += " FOR SHARE OF s"  # the session row only, not its jurisdiction
    return sql


def session_with_standing(actor, session_pk, *, lock: bool = False) -> VotingSession:
    """The session row, with ``voter_deputy_id``, ``may_cast``, ``has_voted`` and
    ``may_read`` of the actor (None, False, False, False for an anonymous one) and
    ``standing_of``, the actor's id; DoesNotExist when there is none."""
    if not isinstance(session_pk, int) or not 0 < session_pk < 2**63:
        raise VotingSession.DoesNotExist  # no row has it (and SQLite could not bind it)
    params = {
        "user": getattr(actor, "pk", None),
        "session": session_pk,
        "codename": Step.CAST_BALLOT.value,
        "jurisdiction_type": ContentType.objects.get_for_model(Jurisdiction).pk,
    }
    with prepared():
        rows = list(VotingSession.objects.raw(_standing_sql(lock), params))
    if not rows:
        raise VotingSession.DoesNotExist
    session = rows[0]
    session.may_cast = bool(session.may_cast)
    session.has_voted = bool(session.has_voted)
    session.may_read = bool(session.may_read)
    session.standing_of = params["user"]
    return session


@lru_cache(maxsize=64)
def _slate(session_pk: int, public_key: str) -> tuple[SessionCandidate, ...]:
    return tuple(SessionCandidate.objects.filter(session_id=session_pk).select_related("category"))


def open_slate(session: VotingSession) -> list[SessionCandidate]:
    """The slate of an open session (its candidates with their categories), kept by the
    process: the slate is fixed once approved, and every ballot is sealed to the public
    key made when the vote opened, which names the vote (a new vote, a new key)."""
    if not session.public_key:
        return list(session.candidates.select_related("category"))
    return list(_slate(session.pk, session.public_key))
