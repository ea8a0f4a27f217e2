"""Writes of the collection stage: suggestions received (from residents, clerks, deputies
and the QR codes of stations and deputies), routed to a real queue, and handled there."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deputies_messages as dm
from core import messages
from core.models import (
    Channel,
    Level,
    RouteLevel,
    Suggestion,
    SuggestionStatus,
    SuggestionTrail,
    TrailKind,
)
from core.models.calendar import NotificationKind
from core.selectors import task_counts
from core.selectors.calendar import role_users
from core.selectors.suggestions import collection_year
from core.services.audit import audit_record
from core.services.notifications import notify
from permissions.checks import (
    can_handle_community_matter,
    can_route_suggestion,
    can_submit_suggestion_as_deputy,
)
from permissions.roles import Role

from .history import create_with_reason, save_with_reason

TEXT_LIMIT = 2000
LOCAL_LEVELS = (Level.TOWNSHIP, Level.STREET)
UPPER_LEVELS = (Level.COUNTY, Level.CITY)
# What may still be routed: not yet merged into a project, handed away, or handled.
ROUTABLE = (SuggestionStatus.RECEIVED, SuggestionStatus.ACCEPTED, SuggestionStatus.POOLED)


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
    station=None,
    addressed_deputy=None,
    investment=None,
    year: int | None = None,
    received=None,
) -> Suggestion:
    """Receive a suggestion (online, by a clerk from paper or hotline, from a deputy, or
    through a station's or deputy's QR code).

    `deputy` is the deputy who proposes it (credited in their duty record); `station` and
    `addressed_deputy` say whose QR code a resident scanned (listed for them, not
    credited). Without a year, it is collected for the year after the day it was
    received (`received`: a paper form entered later keeps its own date; default now).
    """
    if not title.strip() or not text.strip():
        raise ValidationError({"text": dm.SUGGESTION_EMPTY})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": dm.SUGGESTION_TOO_LONG % {"limit": TEXT_LIMIT}})
    if not proposer_name.strip():
        raise ValidationError({"proposer_name": _("Give the proposer's name.")})
    for place in (station, addressed_deputy):
        if place is not None and place.jurisdiction_id != jurisdiction.pk:
            raise ValidationError({"jurisdiction": dm.STATION_OUTSIDE_JURISDICTION})
    return create_with_reason(
        Suggestion,
        actor=actor,
        why=_("Received via %(channel)s") % {"channel": Channel(channel).label},
        jurisdiction=jurisdiction,
        year=year or collection_year(timezone.localdate(received)),
        channel=channel,
        title=title.strip(),
        text=text.strip(),
        proposer_name=proposer_name.strip(),
        proposer_contact=proposer_contact.strip(),
        location=location.strip(),
        category=category,
        deputy=deputy,
        station=station,
        addressed_deputy=addressed_deputy,
        investment=investment,
        created=received or timezone.now(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def deputy_suggestion_submit(
    *, actor, deputy, title: str, text: str, location: str = "", category=None, received=None
) -> Suggestion:
    """A deputy proposes in their own name (i履职), all year; credited in their record."""
    if not can_submit_suggestion_as_deputy(actor, deputy):
        raise PermissionDenied(dm.NOT_A_DEPUTY_HERE)
    suggestion = suggestion_submit(
        actor=actor,
        jurisdiction=deputy.jurisdiction,
        channel=Channel.DEPUTY,
        title=title,
        text=text,
        location=location,
        category=category,
        proposer_name=deputy.name,
        proposer_contact=deputy.phone,
        deputy=deputy,
        received=received,
    )
    audit_record(
        actor=actor,
        action="suggestion.propose",
        jurisdiction=deputy.jurisdiction,
        target=suggestion,
        summary=_("Deputy %(name)s proposed “%(title)s”")
        % {"name": deputy.name, "title": suggestion.title},
        data={"deputy": deputy.pk, "year": suggestion.year, "receipt": suggestion.receipt_code},
    )
    return suggestion


def _tell_receiving_queue(suggestion, *, actor, here, to, community) -> None:
    """Whoever the suggestion now waits for hears of it: the community's handler, or the
    government office of the township or county it was sent to."""
    if community is not None:
        recipients, place = [community.handler], community.name
        url = reverse("deputies:community_handle", args=[suggestion.pk])
    elif to is not None and suggestion.jurisdiction_id == to.pk:
        recipients, place = role_users(to.pk, Role.GOVERNMENT_OFFICE), to.name
        url = reverse("core:suggestion_route", args=[suggestion.pk])
    else:
        return
    notify(
        event_key=f"suggestion-routed:{suggestion.pk}:{suggestion.trail.count()}",
        recipients=[u for u in recipients if u is not None],
        kind=NotificationKind.ROUTED,
        params={
            "title": suggestion.title,
            "place": place,
            "sender": here.name,
            "note": suggestion.route_note,
        },
        url=url,
    )


def _locked(suggestion: Suggestion) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "community__jurisdiction")
        .get(pk=suggestion.pk)
    )


def _trail(suggestion, *, actor, kind, note="", level="", to=None, community=None, project=None):
    return SuggestionTrail.objects.create(
        suggestion=suggestion,
        kind=kind,
        level=level,
        from_jurisdiction=suggestion.jurisdiction,
        to_jurisdiction=to,
        community=community,
        project=project,
        note=note,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def suggestion_route(
    *,
    actor,
    suggestion: Suggestion,
    level: str,
    note: str,
    community=None,
    township=None,
) -> Suggestion:
    """Route a suggestion to the queue that handles it.

    * community: a micro-matter goes to the handler of one of this place's communities;
    * legislative contact point: handed over outside the system, with a note saying where;
    * township / street: from a county, it moves into the chosen township's queue; in a
      township it stays here, accepted for study;
    * county: from a township, it moves up into the county's queue; in the county it is
      accepted for study;
    * next year's pool: kept, and offered again in next year's collection.
    """
    if not can_route_suggestion(actor, suggestion):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    # Two clerks routing the same suggestion at once: the second waits for the row lock,
    # then finds it changed since they read it, and is refused rather than routing over
    # the first one's decision.
    seen = (suggestion.status, suggestion.jurisdiction_id, suggestion.year)
    suggestion = _locked(suggestion)
    if not can_route_suggestion(actor, suggestion):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    level = RouteLevel(level)
    note = note.strip()
    here = suggestion.jurisdiction
    changed = seen != (suggestion.status, suggestion.jurisdiction_id, suggestion.year)
    if changed or suggestion.status not in ROUTABLE:
        raise ValidationError(
            {"level": dm.ROUTE_NOT_ALLOWED_NOW % {"code": suggestion.receipt_code}}
        )
    to, kind = None, TrailKind.ROUTED
    if level == RouteLevel.COMMUNITY:
        if community is None:
            raise ValidationError({"community": dm.ROUTE_NEEDS_COMMUNITY})
        if not community.jurisdiction.path.startswith(here.path):
            raise ValidationError({"community": dm.COMMUNITY_OUTSIDE})
        suggestion.community = community
        suggestion.status = SuggestionStatus.ROUTED
        to = community.jurisdiction
    elif level == RouteLevel.LEGISLATION:
        if not note:
            raise ValidationError({"note": dm.ROUTE_NEEDS_NOTE})
        suggestion.status = SuggestionStatus.ROUTED
    elif level == RouteLevel.STREET and here.level in UPPER_LEVELS:
        if township is None:
            raise ValidationError({"township": dm.ROUTE_NEEDS_TOWNSHIP})
        if township.parent_id != here.pk or township.level not in LOCAL_LEVELS:
            raise ValidationError({"township": dm.TOWNSHIP_OUTSIDE})
        to = township
    elif level == RouteLevel.DISTRICT and here.level in LOCAL_LEVELS:
        if here.parent_id is None:
            raise ValidationError({"level": dm.ROUTE_NO_COUNTY_ABOVE})
        to = here.parent
    elif level == RouteLevel.NEXT_YEAR:
        suggestion.year = max(suggestion.year, collection_year(timezone.localdate())) + 1
        suggestion.status = SuggestionStatus.POOLED
        kind = TrailKind.POOLED
    else:  # township matter in a township, county matter in the county: handled here
        suggestion.status = SuggestionStatus.ACCEPTED
        kind = TrailKind.ACCEPTED
    _trail(suggestion, actor=actor, kind=kind, note=note, level=level, to=to, community=community)
    if to is not None and level in (RouteLevel.STREET, RouteLevel.DISTRICT):
        # handed over: it now waits in the other place's queue, to be routed there
        suggestion.origin = suggestion.origin or here
        suggestion.jurisdiction = to
        suggestion.status = SuggestionStatus.RECEIVED
    suggestion.route_level = level
    suggestion.route_note = note
    where = community.name if community is not None else (to.name if to else level.label)
    save_with_reason(
        suggestion,
        actor=actor,
        reason=_("Routed to %(level)s") % {"level": where} + (f" — {note}" if note else ""),
    )
    _tell_receiving_queue(suggestion, actor=actor, here=here, to=to, community=community)
    audit_record(
        actor=actor,
        action="suggestion.route",
        jurisdiction=here,
        target=suggestion,
        summary=_("Suggestion %(code)s routed to %(where)s")
        % {"code": suggestion.receipt_code, "where": where},
        data={
            "level": level.value,
            "to": to.code if to else None,
            "community": community.pk if community else None,
            "year": suggestion.year,
            "note": note,
        },
    )
    # the router's queue count drops at once (colleagues' within the cache lifetime)
    transaction.on_commit(partial(task_counts.forget, actor.pk))
    return suggestion


@transaction.atomic
def suggestion_handle(*, actor, suggestion: Suggestion, note: str) -> Suggestion:
    """The community's handler says what was done about a micro-matter routed to them."""
    if not can_handle_community_matter(actor, suggestion):
        raise PermissionDenied(dm.NOT_IN_YOUR_QUEUE)
    suggestion = _locked(suggestion)
    if suggestion.status != SuggestionStatus.ROUTED or suggestion.handled_at is not None:
        raise ValidationError(
            {"note": dm.ROUTE_NOT_ALLOWED_NOW % {"code": suggestion.receipt_code}}
        )
    note = note.strip()
    if not note:
        raise ValidationError({"note": dm.HANDLED_NEEDS_NOTE})
    if len(note) > TEXT_LIMIT:
        raise ValidationError({"note": dm.SUGGESTION_TOO_LONG % {"limit": TEXT_LIMIT}})
    suggestion.status = SuggestionStatus.HANDLED
    suggestion.handled_note = note
    suggestion.handled_at = timezone.now()
    _trail(
        suggestion,
        actor=actor,
        kind=TrailKind.HANDLED,
        note=note,
        to=suggestion.community.jurisdiction,
        community=suggestion.community,
    )
    save_with_reason(suggestion, actor=actor, reason=_("Handled: %(note)s") % {"note": note})
    audit_record(
        actor=actor,
        action="suggestion.handle",
        jurisdiction=suggestion.community.jurisdiction,
        target=suggestion,
        summary=_("%(community)s handled suggestion %(code)s")
        % {"community": suggestion.community.name, "code": suggestion.receipt_code},
        data={"community": suggestion.community_id, "note": note},
    )
    return suggestion
