"""Writes of the collection that gather suggestions in bulk: the special collection of
the year's largest investment projects (特定征集), and merging a group of fragmentary
wishes into one project, telling every proposer."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import deputies_messages as dm
from core import messages
from core.models import Channel, Suggestion, SuggestionTrail, TrailKind
from core.models.calendar import NotificationKind
from core.services import projects as project_services
from core.services.audit import audit_record
from core.services.notifications import notify
from core.services.suggestions import ROUTABLE, suggestion_submit
from permissions.checks import can_import_special_collection, can_register_project

SPECIAL_LIMIT = 200


@transaction.atomic
def special_collection_import(*, actor, jurisdiction, year: int, rows: list[dict]) -> list:
    """Import the year's largest government investment projects as suggestions.

    `rows`: dicts with title, text, location, investment (10k yuan), unit. Every row is
    checked first; one bad row refuses the whole file and writes nothing.
    """
    if not can_import_special_collection(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    if not rows:
        raise ValidationError(dm.SPECIAL_NO_ROWS)
    if len(rows) > SPECIAL_LIMIT:
        raise ValidationError(dm.SPECIAL_TOO_MANY % {"limit": SPECIAL_LIMIT})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(messages.YEAR_OUT_OF_RANGE)
    errors = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if not (row.get("title") or "").strip():
            errors.append(dm.SPECIAL_ROW_ERROR % {"row": number, "error": dm.SPECIAL_TITLE_MISSING})
        investment = row.get("investment")
        if investment is not None and investment < 0:
            errors.append(
                dm.SPECIAL_ROW_ERROR % {"row": number, "error": dm.SPECIAL_BAD_INVESTMENT}
            )
    if errors:
        raise ValidationError(errors)
    created = []
    for row in rows:
        title = row["title"].strip()
        created.append(
            suggestion_submit(
                actor=actor,
                jurisdiction=jurisdiction,
                channel=Channel.SPECIAL,
                title=title[:120],
                text=(row.get("text") or "").strip() or title,
                location=(row.get("location") or "").strip()[:200],
                proposer_name=((row.get("unit") or "").strip() or _("Government office"))[:50],
                investment=row.get("investment"),
                year=int(year),
            )
        )
    audit_record(
        actor=actor,
        action="suggestion.special_import",
        jurisdiction=jurisdiction,
        summary=_("%(n)d investment projects imported as suggestions for %(year)d")
        % {"n": len(created), "year": int(year)},
        data={"year": int(year), "receipts": [s.receipt_code for s in created]},
    )
    return created


@transaction.atomic
def suggestions_merge(
    *, actor, jurisdiction, suggestions, title: str, category, year: int, **project_fields
):
    """Merge a group of suggestions into one registered project, in one step; every
    proposer is told (deputies and clerks in the app, residents on their receipt page)."""
    if not can_register_project(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    ids = [s.pk for s in suggestions]
    if not ids:
        raise ValidationError({"suggestions": dm.MERGE_NEEDS_TWO})
    locked = list(
        Suggestion.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("deputy")
        .order_by("pk")
    )
    for suggestion in locked:
        if suggestion.jurisdiction_id != jurisdiction.pk or suggestion.status not in ROUTABLE:
            raise ValidationError(
                {"suggestions": dm.MERGE_NOT_AVAILABLE % {"code": suggestion.receipt_code}}
            )
    project = project_services.project_register(
        actor=actor,
        jurisdiction=jurisdiction,
        suggestions=locked,
        title=title,
        category=category,
        year=year,
        **project_fields,
    )
    SuggestionTrail.objects.bulk_create(
        SuggestionTrail(
            suggestion=s,
            kind=TrailKind.MERGED,
            from_jurisdiction=jurisdiction,
            project=project,
            # no title: a project's name is public only once it is a candidate
            actor=actor,
        )
        for s in locked
    )
    for suggestion in locked:
        recipients = [suggestion.created_by]
        if suggestion.deputy is not None:
            recipients.append(suggestion.deputy.user)
        notify(
            event_key=f"suggestion-merged:{suggestion.pk}:{project.pk}",
            recipients=[u for u in recipients if u is not None],
            kind=NotificationKind.SUGGESTION,
            params={
                "title": suggestion.title,
                "project": project.title,
                "code": suggestion.receipt_code,
            },
            url=reverse("public:receipt", args=[suggestion.receipt_code]),
            project=project,
        )
    audit_record(
        actor=actor,
        action="suggestion.merge",
        jurisdiction=jurisdiction,
        target=project,
        summary=_("%(n)d suggestions merged into “%(title)s”")
        % {"n": len(locked), "title": project.title},
        data={"project": project.pk, "receipts": sorted(s.receipt_code for s in locked)},
    )
    return project
