"""Writes of the collection stage: suggestions received and routed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages
from core.models import Channel, RouteLevel, Suggestion, SuggestionStatus
from permissions.checks import can_route_suggestion

from .history import create_with_reason, save_with_reason


@transaction.atomic
def suggestion_submit(
    *,
    actor,
    jurisdiction,
    channel: str,
    title: str,
    text: str,
    proposer_name: str,
    proposer_contact: str = "",
    location: str = "",
    category=None,
    deputy=None,
    year: int | None = None,
) -> Suggestion:
    """Receive a suggestion (online, by a clerk from paper or hotline, or from a deputy)."""
    if not title.strip() or not text.strip():
        raise ValidationError({"text": _("Write the suggestion and give it a title.")})
    if not proposer_name.strip():
        raise ValidationError({"proposer_name": _("Give the proposer's name.")})
    return create_with_reason(
        Suggestion,
        actor=actor,
        why=_("Received via %(channel)s") % {"channel": Channel(channel).label},
        jurisdiction=jurisdiction,
        year=year or timezone.localdate().year,
        channel=channel,
        title=title.strip(),
        text=text.strip(),
        proposer_name=proposer_name.strip(),
        proposer_contact=proposer_contact.strip(),
        location=location.strip(),
        category=category,
        deputy=deputy,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def suggestion_route(*, actor, suggestion: Suggestion, level: str, note: str) -> Suggestion:
    """Route a suggestion: a micro-matter to the community, a legislative one to the
    legislation point; one that stays here is accepted for study."""
    if not can_route_suggestion(actor, suggestion):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    level = RouteLevel(level)
    if suggestion.status == SuggestionStatus.MERGED:
        raise ValidationError(
            {"level": messages.SUGGESTION_NOT_AVAILABLE % {"code": suggestion.receipt_code}}
        )
    stays_here = {
        RouteLevel.DISTRICT: suggestion.jurisdiction.level in ("county", "city"),
        RouteLevel.STREET: suggestion.jurisdiction.level in ("township", "street"),
    }.get(level, False)
    if not stays_here and not note.strip():
        raise ValidationError({"note": _("Say where the suggestion goes and why.")})
    suggestion.route_level = level
    suggestion.route_note = note.strip()
    suggestion.status = SuggestionStatus.ACCEPTED if stays_here else SuggestionStatus.ROUTED
    save_with_reason(
        suggestion,
        actor=actor,
        reason=_("Routed to %(level)s") % {"level": level.label}
        + (f" — {note.strip()}" if note.strip() else ""),
    )
    return suggestion
