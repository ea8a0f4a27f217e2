"""Reads of suggestions for the queues that routing hands them to: the government
office's "waiting to be routed", a community handler's queue, a station's and a deputy's
lists, and the trail a proposer reads on the receipt page."""

import datetime

from django.db.models import Q
from django.http import Http404

from core.models import Deputy, LiaisonStation, Suggestion, SuggestionStatus, SuggestionTrail
from permissions.held import held_permissions
from permissions.roles import Step
from permissions.scope import home_jurisdictions, jurisdiction_q, may_hold_step

SUGGESTION_RELATED = ("jurisdiction", "category", "deputy", "station", "addressed_deputy")


def collection_year(on: datetime.date) -> int:
    """The year whose projects a suggestion received on this day is collected for.

    Congresses vote at their session early in the year on what was collected before it
    (autumn, or all year where collection never closes), so whatever comes in during
    year Y is for Y + 1: the suggestions of autumn 2025 are counted beside 2026's projects.
    """
    return on.year + 1


def acting_jurisdictions(user, step: Step, *, checker=None) -> list:
    """The user's home jurisdictions where they hold the step. Pass one guardian
    `ObjectPermissionChecker` to ask for several steps at the cost of one query per
    jurisdiction (the header asks for six). While a page is read, no query: the
    permissions the user holds are read once (permissions/held.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return home_jurisdictions(user)
    kept = held_permissions(user)
    if kept is not None:
        from django.contrib.contenttypes.models import ContentType

        from core.models import Jurisdiction

        held_on = ContentType.objects.get_for_model(Jurisdiction).pk
        return [
            j for j in home_jurisdictions(user) if (held_on, str(j.pk), "core", step.value) in kept
        ]
    if checker is None:
        from guardian.core import ObjectPermissionChecker

        checker = ObjectPermissionChecker(user)
    return [j for j in home_jurisdictions(user) if checker.has_perm(step.value, j)]


def waiting_to_be_routed(user, *, today: datetime.date):
    """The government office's queue: what arrived (or was handed over) and waits to be
    routed, and what last year's pool kept for this collection."""
    if user.is_superuser or may_hold_step(user, Step.ROUTE_SUGGESTION):
        places = [j.pk for j in acting_jurisdictions(user, Step.ROUTE_SUGGESTION)]
    else:
        places = []  # no role of the user routes suggestions: no query
    return (
        Suggestion.objects.filter(jurisdiction_id__in=places)
        .filter(
            Q(status=SuggestionStatus.RECEIVED)
            | Q(status=SuggestionStatus.POOLED, year__lte=collection_year(today))
        )
        .select_related(*SUGGESTION_RELATED, "origin")
        .order_by("created", "pk")
    )


def community_queue(user):
    """A community handler's queue: micro-matters routed to the communities they handle."""
    places = [j.pk for j in acting_jurisdictions(user, Step.HANDLE_COMMUNITY_MATTER)]
    return (
        Suggestion.objects.filter(
            community__handler=user,
            community__jurisdiction_id__in=places,
        )
        .select_related(*SUGGESTION_RELATED, "community")
        .order_by("handled_at", "created", "pk")
    )


def community_suggestion_for_user(user, pk: int) -> Suggestion:
    suggestion = community_queue(user).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def suggestions_of_deputy(deputy: Deputy):
    """What a deputy proposed, and what residents addressed to them by QR code."""
    return (
        Suggestion.objects.filter(Q(deputy=deputy) | Q(addressed_deputy=deputy))
        .select_related(*SUGGESTION_RELATED)
        .prefetch_related("projects")
        .order_by("-created", "-pk")
    )


def stations_for_user(user):
    return LiaisonStation.objects.filter(jurisdiction_q(user)).select_related("jurisdiction")


def station_for_user(user, pk: int) -> LiaisonStation:
    station = stations_for_user(user).filter(pk=pk).first()
    if station is None:
        raise Http404
    return station


def suggestions_of_station(station: LiaisonStation):
    return (
        Suggestion.objects.filter(station=station)
        .select_related(*SUGGESTION_RELATED)
        .order_by("-created", "-pk")
    )


def public_station(code: str) -> LiaisonStation | None:
    return (
        LiaisonStation.objects.filter(code=(code or "").strip().lower(), active=True)
        .select_related("jurisdiction")
        .first()
    )


def public_deputy(pk) -> Deputy | None:
    if not str(pk).isdigit():
        return None
    return Deputy.objects.filter(pk=int(pk), active=True).select_related("jurisdiction").first()


def receipt_trail(suggestion: Suggestion) -> list[SuggestionTrail]:
    return list(
        suggestion.trail.select_related("from_jurisdiction", "to_jurisdiction", "community")
    )
