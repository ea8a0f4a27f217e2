"""Pure permission predicates: can_<verb>_<noun>(user, obj).

Everything here asks the granted step permissions (guardian) or the reading scope;
nothing here grants.
"""

from viewflow.workflow.status import STATUS

from .roles import Role, Step, perm
from .scope import can_read_jurisdiction, roles_of


def has_step(user, step: Step, obj) -> bool:
    if user is None or not user.is_authenticated or not user.is_active or obj is None:
        return False
    return user.has_perm(perm(step), obj)


def can_read_project(user, project) -> bool:
    return user.is_authenticated and can_read_jurisdiction(user, project.jurisdiction)


def can_register_project(user, jurisdiction) -> bool:
    return has_step(user, Step.REGISTER_PROJECT, jurisdiction)


def can_route_suggestion(user, suggestion) -> bool:
    return has_step(user, Step.ROUTE_SUGGESTION, suggestion.jurisdiction)


def can_record_satisfaction(user, project) -> bool:
    return has_step(user, Step.RECORD_SATISFACTION, project.jurisdiction)


def can_comment_on_project(user, project) -> bool:
    """Anyone who may read the case, except the read-only supervisors, may comment."""
    if not can_read_project(user, project):
        return False
    return bool(roles_of(user) - {Role.SUPERVISOR}) or project.monitors.filter(user=user).exists()


def can_take_task(user, task) -> bool:
    """May this user act on this open human task (take it from the queue, or finish it)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if task.flow_task_type != "HUMAN" or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return False
    if task.owner_id:
        return task.owner_id == user.pk
    return task.flow_task.can_assign(user, task)


def can_release_task(user, task) -> bool:
    """May this user put a task they took back into the queue?"""
    return user.is_authenticated and task.status == STATUS.ASSIGNED and task.owner_id == user.pk


def can_manage_sessions(user, jurisdiction) -> bool:
    """The congress office runs a jurisdiction's voting sessions."""
    return has_step(user, Step.MANAGE_SESSIONS, jurisdiction)


def can_approve_slate(user, session) -> bool:
    """The Party committee office, and never whoever built the slate (four eyes)."""
    if user.pk in (session.slate_built_by_id, session.created_by_id):
        return False
    return has_step(user, Step.APPROVE_SLATE, session.jurisdiction)


def runs_session(user, session) -> bool:
    """Does this user run the session (created it, built its slate, or manages the
    jurisdiction's sessions)? Whoever runs a vote does not count it."""
    if user.pk in (session.created_by_id, session.slate_built_by_id):
        return True
    return has_step(user, Step.MANAGE_SESSIONS, session.jurisdiction)


def can_enter_paper_count(user, session) -> bool:
    """A teller of the jurisdiction who does not run the session."""
    return has_step(user, Step.ENTER_PAPER_COUNT, session.jurisdiction) and not runs_session(
        user, session
    )


def can_count_ballots(user, session) -> bool:
    """A teller who may set a counting key for the session and open its ballots."""
    return has_step(user, Step.COUNT_BALLOTS, session.jurisdiction) and not runs_session(
        user, session
    )


def can_read_individual_ballots(user, session) -> bool:
    """The opened ballots of a session, one by one, for a recount: its tellers and the
    congress office only; everyone else sees the totals."""
    return can_manage_sessions(user, session.jurisdiction) or has_step(
        user, Step.COUNT_BALLOTS, session.jurisdiction
    )


def can_grant_roles(user, jurisdiction) -> bool:
    """An administrator, or the congress office of the level above."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    parent = jurisdiction.parent
    return parent is not None and has_step(user, Step.GRANT_ROLES, parent)


def can_cast_ballot(user, session) -> bool:
    return has_step(user, Step.CAST_BALLOT, session.jurisdiction)


def can_read_session(user, session) -> bool:
    return user.is_authenticated and can_read_jurisdiction(user, session.jurisdiction)


def can_view_supervision(user) -> bool:
    """Supervisors and the congress office see process maps, dashboards and exports (each
    over its own reading scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(roles_of(user) & {Role.SUPERVISOR, Role.CONGRESS_OFFICE})


def can_import_roster(user, jurisdiction) -> bool:
    return has_step(user, Step.IMPORT_ROSTER, jurisdiction)


def can_configure_calendar(user, jurisdiction) -> bool:
    """May this user change the jurisdiction's calendar (due days, collection window)?"""
    return has_step(user, Step.CONFIGURE_CALENDAR, jurisdiction)
