"""The supervision year on other pages: the header link, and the case page's section
(meetings heard at, inspections, review opinions, changes, phases, ratings, follow-ups)
with the actions the reader may take."""

from django import template

from core.models import Stage
from core.models.changes import ChangeStatus
from core.selectors.oversight import case_oversight
from core.services.changes import CHANGEABLE_STAGES
from permissions import checks

register = template.Library()


@register.simple_tag
def oversight_links(user) -> dict:
    if user is None or not user.is_authenticated:
        return {}
    return {"appraisal": checks.can_view_supervision(user)}


@register.inclusion_tag("oversight/_case.html", takes_context=True)
def oversight_case(context, project):
    user = context["request"].user
    data = case_oversight(project, context.get("panels"), context.get("review_opinions"))
    for opinion in data["opinions"]:
        opinion.can_answer = opinion.answered_at is None and checks.can_answer_review_opinion(
            user, opinion
        )
        opinion.can_check = (
            opinion.answered_at is not None
            and opinion.check_result != "accepted"
            and checks.can_check_opinions(user, project.jurisdiction)
        )
    can_decide = checks.can_decide_change(user, project)
    for change in data["changes"]:
        change.can_decide = can_decide and change.status == ChangeStatus.PROPOSED
    changeable = bool(project.elected) and project.stage in CHANGEABLE_STAGES
    return {
        **data,
        "project": project,
        "can_propose": changeable
        and checks.can_propose_change(user, project)
        and not any(c.status == ChangeStatus.PROPOSED for c in data["changes"]),
        "can_phase": changeable and checks.can_plan_phases(user, project),
        "can_rate_unfinished": changeable and checks.can_record_satisfaction(user, project),
        "can_inspect": changeable
        and (
            checks.can_record_inspection(user, project.jurisdiction)
            or checks.can_inspect_as_group(user, project)
        ),
        "can_follow_up": project.stage in (Stage.CLOSED, Stage.ACCOUNTABILITY)
        and hasattr(project, "accountability")
        and checks.can_record_follow_up(user, project),
    }


@register.inclusion_tag("oversight/_annual.html", takes_context=True)
def oversight_annual(context, jurisdiction, year):
    """The annual report's part on consequences: the lead units' appraisal sheets, and the
    year-end ratings of projects not finished, marked as such."""
    user = context["request"].user
    from core.models.meetings import ProjectRating, RatingPurpose
    from core.selectors.oversight import appraisal_sheets_for_user

    sheets = appraisal_sheets_for_user(user).filter(
        year=year, jurisdiction__path__startswith=jurisdiction.path
    )
    unfinished = (
        ProjectRating.objects.filter(
            project__jurisdiction__path__startswith=jurisdiction.path,
            year=year,
            purpose=RatingPurpose.YEAR_END,
            unfinished=True,
        )
        .select_related("project", "project__jurisdiction")
        .order_by("project__jurisdiction__path", "project__title")
    )
    return {
        "sheets": sheets.order_by("jurisdiction__path", "office__name"),
        "unfinished": unfinished,
    }
