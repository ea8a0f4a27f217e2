"""Writes of the weeks before the vote that belong to the candidates themselves: comments
by the public and the deputies on candidates published for comment (moderated by the
congress office), and each delegation's pre-deliberation (代表团预审) with its opinions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deputies_messages as dm
from core import messages
from core.models import (
    CandidateComment,
    CommentStatus,
    DelegationReview,
    Deputy,
    Stage,
    Stance,
)
from core.services.audit import audit_record
from permissions.checks import (
    can_comment_on_candidate,
    can_moderate_comments,
    can_record_pre_deliberation,
)

from .history import create_with_reason, save_with_reason

COMMENT_LIMIT = 1000
# A candidate is published for comment once the Party committee approved it and until
# the vote (the public board shows it in exactly these stages).
PUBLISHED_FOR_COMMENT = (Stage.CANDIDATE,)


def is_published_for_comment(project) -> bool:
    return project.stage in PUBLISHED_FOR_COMMENT


@transaction.atomic
def candidate_comment_submit(
    *, actor, project, author_name: str, text: str, author_contact: str = "", deputy=None
) -> CandidateComment:
    """Take a comment on a published candidate, from a resident (no account) or a deputy
    (in their own name). It waits for moderation before the board shows it."""
    if not is_published_for_comment(project):
        raise ValidationError(dm.CANDIDATE_NOT_PUBLISHED)
    if deputy is not None:
        if deputy.user_id != getattr(actor, "pk", None) or not can_comment_on_candidate(
            actor, project
        ):
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        author_name = deputy.name
    text, author_name = text.strip(), author_name.strip()
    if not text or not author_name:
        raise ValidationError({"text": dm.COMMENT_EMPTY})
    if len(text) > COMMENT_LIMIT:
        raise ValidationError({"text": dm.COMMENT_TOO_LONG % {"limit": COMMENT_LIMIT}})
    return create_with_reason(
        CandidateComment,
        actor=actor,
        why=_("Comment on a published candidate"),
        project=project,
        deputy=deputy,
        author_name=author_name[:50],
        author_contact=author_contact.strip()[:100],
        text=text,
    )


@transaction.atomic
def candidate_comment_moderate(
    *, actor, comment: CandidateComment, publish: bool, note: str = ""
) -> CandidateComment:
    """The congress office publishes a comment on the board, or keeps it off with a reason."""
    jurisdiction = comment.project.jurisdiction
    if not can_moderate_comments(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    comment = CandidateComment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.PENDING:
        raise ValidationError(dm.COMMENT_ALREADY_MODERATED)
    note = note.strip()
    if not publish and not note:
        raise ValidationError({"note": dm.REJECTION_NEEDS_NOTE})
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.moderation_note = note[:200]
    save_with_reason(comment, actor=actor, reason=comment.get_status_display())
    audit_record(
        actor=actor,
        action="candidate.comment_moderate",
        jurisdiction=jurisdiction,
        target=comment,
        summary=_("Comment on “%(project)s”: %(status)s")
        % {"project": comment.project.title, "status": comment.get_status_display()},
        data={"project": comment.project_id, "published": publish, "note": note},
    )
    return comment


def delegations_of(jurisdiction) -> dict[str, int]:
    """The delegations of a congress and how many serving deputies each has."""
    sizes: dict[str, int] = {}
    for name in Deputy.objects.filter(jurisdiction=jurisdiction, active=True).values_list(
        "delegation", flat=True
    ):
        if name:
            sizes[name] = sizes.get(name, 0) + 1
    return dict(sorted(sizes.items()))


@transaction.atomic
def delegation_review_record(
    *, actor, project, delegation: str, held_on, stance: str, opinions: str, present: int
) -> DelegationReview:
    """Record one delegation's pre-deliberation of a candidate, once."""
    jurisdiction = project.jurisdiction
    if not can_record_pre_deliberation(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    if project.stage != Stage.CANDIDATE:
        raise ValidationError(dm.REVIEW_NOT_CANDIDATE)
    sizes = delegations_of(jurisdiction)
    if delegation not in sizes:
        raise ValidationError({"delegation": dm.REVIEW_UNKNOWN_DELEGATION})
    if not 1 <= int(present) <= sizes[delegation]:
        raise ValidationError(
            {"present": dm.REVIEW_PRESENT_OUT_OF_RANGE % {"size": sizes[delegation]}}
        )
    stance = Stance(stance)
    opinions = opinions.strip()
    if stance != Stance.AGREE and not opinions:
        raise ValidationError({"opinions": dm.REVIEW_NEEDS_OPINIONS})
    if DelegationReview.objects.filter(project=project, delegation=delegation).exists():
        raise ValidationError({"delegation": dm.REVIEW_ALREADY_RECORDED})
    try:
        with transaction.atomic():  # two clerks recording the same delegation at once
            review = create_with_reason(
                DelegationReview,
                actor=actor,
                why=_("Pre-deliberation recorded"),
                project=project,
                delegation=delegation,
                held_on=held_on,
                stance=stance,
                opinions=opinions,
                present=int(present),
                recorded_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"delegation": dm.REVIEW_ALREADY_RECORDED})
    audit_record(
        actor=actor,
        action="candidate.pre_deliberation",
        jurisdiction=jurisdiction,
        target=review,
        summary=_("%(delegation)s pre-deliberated “%(project)s”: %(stance)s")
        % {"delegation": delegation, "project": project.title, "stance": stance.label},
        data={
            "project": project.pk,
            "delegation": delegation,
            "held_on": held_on,
            "stance": stance.value,
            "present": int(present),
        },
    )
    return review
