"""Pure permission predicates: can_<verb>_<noun>(user, obj).

Everything here asks the granted step permissions (guardian) or the reading scope;
nothing here grants.
"""

from viewflow.workflow.status import STATUS

from .held import held_permissions, holds_anywhere
from .roles import Role, Step
from .scope import can_read_jurisdiction, roles_of


def has_step(user, step: Step, obj) -> bool:
    """Does the user hold the step's permission on `obj` (granted by grants.py)?

    The same answer as `user.has_perm(perm(step), obj)` with guardian, in one query (the
    user's own object permission, which is how grants.py grants) instead of guardian's
    two (the user's and their groups' permissions on the object); the groups are asked
    only when the user's own answer is no. While a page is read, from the permissions
    the user holds, read once (permissions/held.py).
    """
    if user is None or not user.is_authenticated or not user.is_active or obj is None:
        return False
    if user.is_superuser:
        return True
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    content_type = ContentType.objects.get_for_model(obj)
    codename = Step(step).value
    kept = held_permissions(user)
    if kept is not None:
        return (content_type.pk, str(obj.pk), "core", codename) in kept
    held = {
        "permission__codename": codename,
        "permission__content_type__app_label": "core",
        "content_type": content_type,
        "object_pk": str(obj.pk),
    }
    return (
        UserObjectPermission.objects.filter(user=user, **held).exists()
        or GroupObjectPermission.objects.filter(group__user=user, **held).exists()
    )


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
    if task.owner_id and task.owner_id != user.pk:
        return False
    if not task.owner_id and not (
        _holds_task_permission(user, task)
        or (_may_hold_task_permission(user, task) and task.flow_task.can_assign(user, task))
    ):
        return False
    session = _session_of(task)
    return session is None or can_act_on_session_step(user, session, task.flow_task.name)


def _holds_task_permission(user, task) -> bool:
    """The user's own object permission for the task, in one query: a no falls through
    to viewflow's full check (groups, global permissions), so this only ever answers yes
    sooner. For an object a task's permission cannot move away from (its case's
    jurisdiction, its case itself) the object is the one named on the task row (its
    type and key, as the queue reads them), without loading the case; for an office (a
    lead unit, a study department) it is the one the case names now, as viewflow asks."""
    if not task.owner_permission:
        return False
    kept = held_permissions(user)
    if task.owner_permission_obj_pk and task.owner_permission_content_type_id in (
        _fixed_object_types()
    ):
        type_id, object_pk = task.owner_permission_content_type_id, task.owner_permission_obj_pk
    else:
        if kept is not None and not _may_hold_task_permission(user, task):
            return False  # held on no office at all: the case need not be loaded
        obj = _permission_object_now(task)
        if obj is None:
            return False
        from django.contrib.contenttypes.models import ContentType

        type_id, object_pk = ContentType.objects.get_for_model(obj).pk, str(obj.pk)
    app_label, _dot, codename = task.owner_permission.partition(".")
    if kept is not None:
        return (type_id, object_pk, app_label, codename) in kept
    from guardian.models import UserObjectPermission

    return UserObjectPermission.objects.filter(
        user=user,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_type_id=type_id,
        object_pk=object_pk,
    ).exists()


def _may_hold_task_permission(user, task) -> bool:
    """No when, while a page is read, the user holds the task's permission on no object
    of its object's type and on none in particular: then viewflow's check would say no,
    and the case need not be loaded to find the object (an office) it asks about."""
    kept = held_permissions(user)
    if kept is None or user.is_superuser or not task.owner_permission:
        return True
    if task.owner_permission_content_type_id is None:
        return True  # its object's type is not on the row: viewflow's check answers
    return holds_anywhere(kept, task.owner_permission_content_type_id, task.owner_permission)


def _permission_object_now(task):
    """The object the task's node names for its permission, read from the case now."""
    object_of = getattr(task.flow_task, "_owner_permission_obj", None)
    if object_of is None:
        return None
    return object_of(task.process) if callable(object_of) else object_of


def _fixed_object_types() -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    from core.models import Jurisdiction, Project

    return {ct.pk for ct in ContentType.objects.get_for_models(Jurisdiction, Project).values()}


def _session_of(task):
    """The voting session a task belongs to, or None for a project case's task (known
    from its flow, without reading the process)."""
    from core.models.voting import VotingProcess

    if task.flow_task.flow_class.process_class is not VotingProcess:
        return None
    process = task.process
    if isinstance(process, VotingProcess):
        return process.session
    return process.votingprocess.session


def can_act_on_session_step(user, session, step_name: str) -> bool:
    """The session's own rule for one of its steps, beyond the step permission: the
    Party committee office approves a slate it did not build, a teller who does not run
    the session opens the ballots, the congress office does the rest. The queue reads the
    same rule as a filter (core.selectors.tasks.session_steps_refused_q)."""
    if step_name == "approve_slate":
        return can_approve_slate(user, session)
    if step_name == "count_ballots":
        return can_count_ballots(user, session)
    return can_manage_sessions(user, session.jurisdiction)


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
    """The cast permission on the session's jurisdiction. A ballot's own checks read the
    same rule in SQL with the session row (core/selectors/cast_reads.py); a test holds
    the two to the same answer for every user."""
    from core.models import Jurisdiction

    # The session's jurisdiction by its id alone: a cast reads no other field of it.
    return has_step(user, Step.CAST_BALLOT, Jurisdiction(pk=session.jurisdiction_id))


def can_read_session(user, session) -> bool:
    return user.is_authenticated and can_read_jurisdiction(user, session.jurisdiction)


def can_view_supervision(user) -> bool:
    """Supervisors, the congress office and the Party committee office see process maps,
    dashboards, exports and the annual report (each over its own reading scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(roles_of(user) & {Role.SUPERVISOR, Role.CONGRESS_OFFICE, Role.PARTY_OFFICE})


def can_import_roster(user, jurisdiction) -> bool:
    return has_step(user, Step.IMPORT_ROSTER, jurisdiction)


def can_configure_calendar(user, jurisdiction) -> bool:
    """May this user change the jurisdiction's calendar (due days, collection window)?"""
    return has_step(user, Step.CONFIGURE_CALENDAR, jurisdiction)


# -- the supervision year: meetings, inspections, review opinions, changes, appraisal ---
def can_manage_meetings(user, jurisdiction) -> bool:
    return has_step(user, Step.MANAGE_MEETINGS, jurisdiction)


def can_read_meeting(user, meeting) -> bool:
    return user.is_authenticated and can_read_jurisdiction(user, meeting.jurisdiction)


def can_record_inspection(user, jurisdiction) -> bool:
    """The congress office records the standing committee's inspections."""
    return has_step(user, Step.RECORD_INSPECTION, jurisdiction)


def can_inspect_as_group(user, project) -> bool:
    """A member of the project's monitoring group records its inspections and report."""
    return has_step(user, Step.INSPECT_AS_GROUP, project)


def can_answer_review_opinion(user, opinion) -> bool:
    """The lead unit the opinion is addressed to answers it."""
    return has_step(user, Step.ANSWER_OPINIONS, opinion.addressee)


def can_check_opinions(user, jurisdiction) -> bool:
    return has_step(user, Step.CHECK_OPINIONS, jurisdiction)


def can_propose_change(user, project) -> bool:
    return has_step(user, Step.PROPOSE_CHANGE, project.jurisdiction)


def can_decide_change(user, project) -> bool:
    return has_step(user, Step.DECIDE_CHANGE, project.jurisdiction)


def can_plan_phases(user, project) -> bool:
    return has_step(user, Step.PLAN_PHASES, project.jurisdiction)


def can_issue_appraisal(user, jurisdiction) -> bool:
    return has_step(user, Step.ISSUE_APPRAISAL, jurisdiction)


def can_receive_appraisal(user, jurisdiction) -> bool:
    return has_step(user, Step.RECEIVE_APPRAISAL, jurisdiction)


def can_read_appraisal(user, jurisdiction) -> bool:
    """Appraisal sheets: the congress office that issues them, the Party committee office
    that receives them, and the supervisors above."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    readers = {Role.CONGRESS_OFFICE, Role.PARTY_OFFICE, Role.SUPERVISOR}
    return bool(roles_of(user) & readers) and can_read_jurisdiction(user, jurisdiction)


def can_record_follow_up(user, project) -> bool:
    """An accountability hearing's follow-up (inquiry, investigation): the congress office."""
    return has_step(user, Step.RECORD_ACCOUNTABILITY, project.jurisdiction)


# -- deputies' duty, residents' way in, the weeks before the vote -------------------------
def can_submit_suggestion_as_deputy(user, deputy) -> bool:
    """A deputy proposes in their own name, in the jurisdiction they were elected in."""
    return (
        deputy is not None
        and deputy.user_id == getattr(user, "pk", None)
        and deputy.active
        and has_step(user, Step.SUBMIT_SUGGESTION, deputy.jurisdiction)
    )


def can_set_duty_points(user, jurisdiction) -> bool:
    return has_step(user, Step.SET_DUTY_POINTS, jurisdiction)


def can_rank_deputies(user, jurisdiction) -> bool:
    return has_step(user, Step.RANK_DEPUTIES, jurisdiction)


def can_read_duty_record(user, deputy) -> bool:
    """A deputy reads their own record; the congress office reads its deputies'."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return deputy.user_id == user.pk or can_rank_deputies(user, deputy.jurisdiction)


def can_manage_stations(user, jurisdiction) -> bool:
    return has_step(user, Step.MANAGE_STATIONS, jurisdiction)


def can_handle_community_matter(user, suggestion) -> bool:
    """The handler named on the suggestion's community, holding the handler's role there."""
    community = suggestion.community
    return (
        community is not None
        and community.handler_id == getattr(user, "pk", None)
        and has_step(user, Step.HANDLE_COMMUNITY_MATTER, community.jurisdiction)
    )


def can_import_special_collection(user, jurisdiction) -> bool:
    return has_step(user, Step.IMPORT_SPECIAL_COLLECTION, jurisdiction)


def can_comment_on_candidate(user, project) -> bool:
    return has_step(user, Step.COMMENT_ON_CANDIDATE, project.jurisdiction)


def can_moderate_comments(user, jurisdiction) -> bool:
    return has_step(user, Step.MODERATE_COMMENTS, jurisdiction)


def can_record_pre_deliberation(user, jurisdiction) -> bool:
    return has_step(user, Step.RECORD_PRE_DELIBERATION, jurisdiction)
