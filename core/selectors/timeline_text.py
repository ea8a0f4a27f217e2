"""How a timeline event reads: one sentence per event, in the reader's language.

The register shows names for people and offices, labels for choices, yes/no for
booleans and stage names for stages, never the stored ids, codes or logins. Each event
source has its own entry below (a flow step's outcome keys, a model's history rows), so a
new source (meetings, inspections) adds one entry without touching the others.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A text longer than this is folded on the case page (shown on demand).
FOLD_AT = 80

# Fields that are plumbing, not part of the record a reader follows.
# Who acted and when is the event's own line; the *_by and timestamp fields repeat it.
HIDDEN_FIELDS = {
    "id",
    "path",
    "project",
    "report",
    "created_by",
    "receipt_code",
    "author",
    "submitted_by",
    "signed_off_by",
    "answered_by",
    "uploaded_by",
    "recorded_by",
}


def person_name(user) -> str:
    """A person as the register names them: their name, never their login."""
    if user is None:
        return ""
    return user.get_full_name() or _("a user")


def yes_no(value) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


@dataclass
class Change:
    label: str
    old: str
    new: str

    @property
    def long(self) -> bool:
        return len(self.old) > FOLD_AT or len(self.new) > FOLD_AT


class Names:
    """Names of the objects that history rows point to, fetched once per model."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def resolve(self) -> None:
        user_model = get_user_model()
        for model, pks in self.wanted.items():
            for obj in model._default_manager.filter(pk__in=pks):
                name = person_name(obj) if model is user_model else str(obj)
                self.found[(model, obj.pk)] = name
        self.wanted.clear()

    def of(self, model, pk) -> str:
        if pk is None:
            return "—"
        return self.found.get((model, pk)) or _("(removed)")


def field_of(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def stored(model, record, name: str):
    """The stored value of a field on a history row (a foreign key's id, not its object)."""
    f = field_of(model, name)
    return getattr(record, f.attname if f is not None else name, None)


def want_refs(model, name: str, values, names: Names) -> None:
    f = field_of(model, name)
    if f is not None and f.is_relation and f.many_to_one:
        for value in values:
            names.want(f.related_model, value)


def show_value(model, name: str, value, names: Names) -> str:
    """One stored value as the register shows it."""
    f = field_of(model, name)
    if value is None or value == "":
        return "—"
    if f is None:
        return str(value)
    if f.is_relation and f.many_to_one:
        return names.of(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize() if value == value.to_integral() else value)
    if isinstance(f, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


def field_label(model, name: str) -> str:
    f = field_of(model, name)
    label = str(getattr(f, "verbose_name", name))
    return label[:1].upper() + label[1:]


def changed_names(model, delta) -> list[str]:
    return [
        c.field
        for c in delta.changes
        if c.field not in HIDDEN_FIELDS
        and not c.field.startswith("history_")
        and not isinstance(field_of(model, c.field), models.DateTimeField)
    ]


# -- flow steps: what each key of a completed task's outcome means ---------------------
def _note(value):
    return _("Note: %(note)s") % {"note": value} if str(value).strip() else ""


def _feasible(value):
    return _("Found feasible") if value else _("Found infeasible")


def _party_decision(value):
    from core.models import PartyDecision

    return str(dict(PartyDecision.choices).get(value, "")) if value else ""


def _signed_off(value):
    return _("Signed off") if value else _("Returned with opinions")


TASK_OUTCOMES: dict[str, Callable[[object], str]] = {
    "note": _note,
    "feasible": _feasible,
    "decision": _party_decision,
    "signed_off": _signed_off,
    "report": lambda value: "",  # the report itself has its own events
}


def task_outcome(data: dict | None) -> list[str]:
    lines = []
    for key, value in (data or {}).items():
        render = TASK_OUTCOMES.get(key)
        text = render(value) if render else ""
        if text:
            lines.append(text)
    return lines


# -- history rows: how each model's rows read -------------------------------------------
@dataclass
class HistorySource:
    """How the history rows of one model read on a case's timeline."""

    model: type[models.Model]
    created: Callable[[object], str]
    changed: Callable[[object, list[str]], str]
    detail_field: str = ""
    # Fields shown as the created row's facts (the rest are in the detail or obvious).
    created_fields: tuple[str, ...] = ()

    def deleted(self, record) -> str:
        return _("%(what)s removed") % {"what": str(self.model._meta.verbose_name)}


# Project changes outside a step read by the most telling field changed, in this order.
PROJECT_CHANGE_SENTENCES = [
    ("elected", gettext_lazy("Congress vote recorded")),
    ("satisfaction_rate", gettext_lazy("Satisfaction vote recorded")),
    ("satisfaction_mean", gettext_lazy("Satisfaction vote recorded")),
    ("accepted_at", gettext_lazy("Acceptance recorded")),
    ("plan_submitted_at", gettext_lazy("Implementation plan submitted")),
    ("monitors", gettext_lazy("Monitoring group assigned")),
    ("progress", gettext_lazy("Progress updated")),
    ("stage", gettext_lazy("Stage changed")),
]


def _project_changed(record, fields):
    for name, sentence in PROJECT_CHANGE_SENTENCES:
        if name in fields:
            return str(sentence)
    return _("Project details changed")


REPORT_STATUS_SENTENCES = {
    "signed_off": gettext_lazy("Report %(period)s signed off"),
    "returned": gettext_lazy("Report %(period)s returned with opinions"),
    "answered": gettext_lazy("Opinions on report %(period)s answered"),
}


def _period(record) -> str:
    return f"{record.year} Q{record.quarter}"


def _report_changed(record, fields):
    if "status" in fields and record.status in REPORT_STATUS_SENTENCES:
        return str(REPORT_STATUS_SENTENCES[record.status]) % {"period": _period(record)}
    return _("Report %(period)s changed") % {"period": _period(record)}


def _milestone_changed(record, fields):
    if "status" in fields:
        return _("Milestone “%(title)s”: %(status)s") % {
            "title": record.title,
            "status": record.get_status_display(),
        }
    return _("Milestone “%(title)s” changed") % {"title": record.title}


def _opinion_changed(record, fields):
    if "answer" in fields:
        return _("Answer to “%(opinion)s”: “%(answer)s”") % {
            "opinion": record.text,
            "answer": record.answer,
        }
    return _("Opinion changed")


def history_sources() -> dict[type[models.Model], HistorySource]:
    from core.models import (
        AccountabilityRecord,
        Attachment,
        Comment,
        Milestone,
        Opinion,
        Project,
        QuarterlyReport,
    )

    sources = [
        HistorySource(
            Project,
            created=lambda r: _("Project registered"),
            changed=_project_changed,
            created_fields=("category", "budget", "location"),
        ),
        HistorySource(
            QuarterlyReport,
            created=lambda r: _("Report %(period)s submitted") % {"period": _period(r)},
            changed=_report_changed,
            detail_field="milestone_notes",
            created_fields=("progress", "funds_spent", "problems", "completed"),
        ),
        HistorySource(
            Opinion,
            created=lambda r: _("Monitoring group opinion"),
            changed=_opinion_changed,
            detail_field="text",
        ),
        HistorySource(
            Comment,
            created=lambda r: _("Comment"),
            changed=lambda r, f: _("Comment edited"),
            detail_field="text",
        ),
        HistorySource(
            Attachment,
            created=lambda r: _("Attachment “%(name)s” added") % {"name": r.name},
            changed=lambda r, f: _("Attachment “%(name)s” changed") % {"name": r.name},
        ),
        HistorySource(
            Milestone,
            created=lambda r: (
                _("Milestone “%(title)s” due %(due)s")
                % {"title": r.title, "due": formats.date_format(r.due, "Y-m-d")}
            ),
            changed=_milestone_changed,
        ),
        HistorySource(
            AccountabilityRecord,
            created=lambda r: _("Accountability hearing recorded"),
            changed=lambda r, f: _("Accountability record changed"),
            detail_field="explanation",
        ),
        *_supervision_year_sources(),
    ]
    return {source.model: source for source in sources}


def _supervision_year_sources() -> list[HistorySource]:
    """Meetings' agendas, inspections, changes, phases, ratings and follow-ups of the
    supervision year, each in its own sentence."""
    from core.models.appraisal import AccountabilityFollowUp
    from core.models.changes import ProjectChange, ProjectPhase
    from core.models.inspections import InspectionSubject
    from core.models.meetings import AgendaItem, ProjectRating

    return [
        HistorySource(
            AgendaItem,
            created=lambda r: _("On the agenda of “%(meeting)s”") % {"meeting": r.meeting.title},
            changed=lambda r, f: (
                _("Heard at “%(meeting)s”") % {"meeting": r.meeting.title}
                if "heard" in f
                else _("Agenda item of “%(meeting)s” changed") % {"meeting": r.meeting.title}
            ),
        ),
        HistorySource(
            InspectionSubject,
            created=lambda r: (
                _("%(kind)s: “%(title)s”")
                % {"kind": r.inspection.get_kind_display(), "title": r.inspection.title}
            ),
            changed=lambda r, f: (
                _("Inspection “%(title)s” changed") % {"title": r.inspection.title}
            ),
        ),
        HistorySource(
            ProjectChange,
            created=lambda r: _("Change proposed: %(kind)s") % {"kind": r.get_kind_display()},
            changed=lambda r, f: (
                _("Change %(kind)s: %(status)s")
                % {"kind": r.get_kind_display(), "status": r.get_status_display()}
            ),
            detail_field="reason",
            created_fields=("new_budget", "new_deadline"),
        ),
        HistorySource(
            ProjectPhase,
            created=lambda r: _("Phase %(n)s (%(year)s) planned") % {"n": r.number, "year": r.year},
            changed=lambda r, f: _("Phase %(n)s changed") % {"n": r.number},
            detail_field="targets",
            created_fields=("budget", "deadline"),
        ),
        HistorySource(
            ProjectRating,
            created=lambda r: (
                _("%(purpose)s %(year)s: %(band)s")
                % {
                    "purpose": r.get_purpose_display(),
                    "year": r.year,
                    "band": r.get_band_display(),
                }
            ),
            changed=lambda r, f: _("Rating changed"),
            created_fields=("rate", "mean_score"),
        ),
        HistorySource(
            AccountabilityFollowUp,
            created=lambda r: (
                _("Accountability follow-up: %(kind)s") % {"kind": r.get_kind_display()}
            ),
            changed=lambda r, f: _("Accountability follow-up changed"),
            detail_field="reason",
        ),
    ]
