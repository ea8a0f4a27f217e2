"""Template tags of the deputies' area: the header links a user's roles open, and the
public comments shown under each candidate of the board."""

from django import template
from guardian.core import ObjectPermissionChecker

from core.models import CandidateComment, CommentStatus
from core.selectors.suggestions import acting_jurisdictions
from core.services.candidates import is_published_for_comment
from permissions.roles import Step

register = template.Library()


@register.simple_tag
def deputies_links(user) -> dict:
    if user is None or not user.is_authenticated:
        return {}
    try:
        deputy = user.deputy
    except Exception:  # no deputy row for this user
        deputy = None

    checker = ObjectPermissionChecker(user)

    def acts(step):
        return bool(acting_jurisdictions(user, step, checker=checker))

    return {
        "mine": deputy is not None and deputy.active,
        "ranking": acts(Step.RANK_DEPUTIES),
        "stations": acts(Step.MANAGE_STATIONS),
        "community": acts(Step.HANDLE_COMMUNITY_MATTER),
        "groups": acts(Step.REGISTER_PROJECT) and acts(Step.ROUTE_SUGGESTION),
        "candidates": acts(Step.MODERATE_COMMENTS) or acts(Step.COMMENT_ON_CANDIDATE),
    }


@register.simple_tag
def published_comments(project):
    return list(
        CandidateComment.objects.filter(project=project, status=CommentStatus.PUBLISHED).order_by(
            "created", "pk"
        )
    )


@register.simple_tag
def comment_stamp():
    from core.views.public import issue_form_token

    return issue_form_token()


@register.filter
def open_for_comment(project) -> bool:
    return is_published_for_comment(project)


@register.simple_tag
def coverage_of(user, filters):
    """The dashboard's coverage figure for its chosen jurisdiction and year."""
    from core.selectors.coverage import coverage

    return coverage(user, filters.root, filters.year)


@register.simple_tag
def slate_status(session, user) -> dict:
    """What the session page shows of the three-party agreement, the norms and the
    materials sent, and which signatures this user may give."""
    from core.models import RoleAssignment
    from core.models.slate import SigningOffice
    from core.selectors.slate_norms import seat_norm_warning, special_share
    from core.services import slate
    from permissions.checks import can_manage_sessions, has_step

    policy = slate.policy_of(session.jurisdiction)
    signed = slate.valid_signatures(session)
    roles = set(
        RoleAssignment.objects.filter(user=user, jurisdiction=session.jurisdiction).values_list(
            "role", flat=True
        )
    )
    may_sign = [
        office
        for office in SigningOffice
        if office not in signed
        and slate.OFFICE_ROLES[office] in roles
        and has_step(user, Step.AGREE_SLATE, session.jurisdiction)
        and session.status == "draft"
        and not any(s.signed_by_id == user.pk for s in signed.values())
    ]
    projects = slate.slate_projects(session)
    share = (
        special_share(projects, policy.special_share)
        if policy and policy.special_share and session.is_selection
        else None
    )
    seats = (session.rules or {}).get("seats") if session.is_selection else None
    dispatches = list(session.materials_dispatches.all())
    return {
        "policy": policy,
        "signatures": [(office, signed.get(office)) for office in SigningOffice],
        "may_sign": may_sign,
        "seat_warning": seat_norm_warning(session.jurisdiction.level, seats),
        "special": share,
        "dispatches": dispatches,
        "late": [d for d in dispatches if d.days_ahead < slate.MATERIALS_DAYS_AHEAD],
        "can_send": can_manage_sessions(user, session.jurisdiction) and bool(projects),
    }
