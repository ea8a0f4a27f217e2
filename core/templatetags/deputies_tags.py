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
