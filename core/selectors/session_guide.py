"""Where a voting session stands, as its page says it: the checklist from the rules to the
announcement (each stage done, current or to come, with its date), the candidates the
differential allows, and one sentence saying whose turn it is and what comes next.

``build_guide`` is pure: it reads a ``SessionFacts`` and nothing else, so every stage can
be tested without a database. ``session_guide`` gathers the facts of a stored session.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.models import Office, OfficeKind
from core.models.voting import SessionKind, SessionStatus, VotingSession

from .differential import candidate_range, candidates_needed

RULES, SLATE, APPROVAL, ATTENDANCE = "rules", "slate", "approval", "attendance"
OPEN, CLOSE, COUNT, ANNOUNCE = "open", "close", "count", "announce"
STAGES = (RULES, SLATE, APPROVAL, ATTENDANCE, OPEN, CLOSE, COUNT, ANNOUNCE)

STAGE = "voting session stage"
LABELS = {
    RULES: pgettext_lazy(STAGE, "Rules"),
    SLATE: pgettext_lazy(STAGE, "Slate"),
    APPROVAL: pgettext_lazy(STAGE, "Party approval"),
    ATTENDANCE: pgettext_lazy(STAGE, "Attendance"),
    OPEN: pgettext_lazy(STAGE, "Open voting"),
    CLOSE: pgettext_lazy(STAGE, "Close voting"),
    COUNT: pgettext_lazy(STAGE, "Count"),
    ANNOUNCE: pgettext_lazy(STAGE, "Announce"),
}
SATISFACTION_SLATE = pgettext_lazy(STAGE, "Projects to rate")
PAPER_COUNT = pgettext_lazy(STAGE, "Tellers' counts")

ENDED = (SessionStatus.ANNOUNCED, SessionStatus.VOID)


@dataclass(frozen=True)
class SessionFacts:
    """What the checklist and the sentence are computed from."""

    kind: str
    status: str
    paper: bool = False
    runoff: bool = False
    seats: int | None = None
    differential: tuple = (0.2, 0.5)
    rules_problem: str | None = None
    slate_size: int = 0
    slate_problem: str | None = None
    # Party-approved candidates (projects to rate) that may go on this slate, its own included
    available: int = 0
    present: int = 0
    deputies_total: int = 0
    keys_set: int = 0
    tellers_needed: int = 2
    ballots_cast: int = 0
    paper_entries: int = 0
    paper_agree: bool = False
    unsealed: bool = False
    count_confirmed: bool = False  # a teller confirmed the opened ballots' count
    runoff_pending: bool = False
    open_steps: frozenset = frozenset()
    dates: dict = field(default_factory=dict)
    congress: str = ""
    party: str = ""

    @property
    def selection(self) -> bool:
        return self.kind == SessionKind.SELECTION

    @property
    def quorum(self) -> bool:
        return 2 * self.present > self.deputies_total


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    state: str  # done, current, todo
    when: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class SessionGuide:
    stages: list[Stage]
    whose_turn: str
    available: int | None  # None once the slate is approved
    allowed: tuple[int, int] | None  # candidate counts the differential allows (project vote)
    allowed_text: str | None
    rules_problem: str | None = None
    slate_problem: str | None = None


def _done(facts: SessionFacts) -> dict[str, bool]:
    status = facts.status
    past_draft = status != SessionStatus.DRAFT
    opened = status in (SessionStatus.OPEN, SessionStatus.CLOSED, *ENDED)
    closed = status in (SessionStatus.CLOSED, *ENDED)
    if facts.paper:
        counted = facts.paper_entries >= 2 and facts.paper_agree
    else:
        counted = facts.unsealed and facts.count_confirmed
    return {
        RULES: past_draft or facts.rules_problem is None,
        SLATE: past_draft or (facts.slate_size > 0 and facts.slate_problem is None),
        APPROVAL: past_draft,
        ATTENDANCE: opened or (facts.present > 0 and facts.quorum),
        OPEN: opened,
        CLOSE: closed,
        COUNT: status in ENDED or (closed and counted),
        ANNOUNCE: status in ENDED,
    }


def _notes(facts: SessionFacts) -> dict[str, str]:
    notes = {}
    if facts.status == SessionStatus.DRAFT:
        if facts.rules_problem:
            notes[RULES] = facts.rules_problem
        notes[SLATE] = (
            _("%(n)d on the slate of %(available)d available")
            % {"n": facts.slate_size, "available": facts.available}
            if facts.slate_size
            else _("%(available)d available") % {"available": facts.available}
        )
    else:
        notes[SLATE] = _("%(n)d on the slate") % {"n": facts.slate_size}
    if facts.runoff:
        notes[APPROVAL] = _("approved with the first round's slate")
    if facts.present:
        notes[ATTENDANCE] = _("%(present)d of %(total)d present") % {
            "present": facts.present,
            "total": facts.deputies_total,
        }
    if facts.status in (SessionStatus.OPEN, SessionStatus.CLOSED) and not facts.paper:
        notes[CLOSE] = _("%(n)d ballots cast") % {"n": facts.ballots_cast}
    if not facts.paper and facts.unsealed and facts.status == SessionStatus.CLOSED:
        notes[COUNT] = _("confirmed by a teller") if facts.count_confirmed else _("to be confirmed")
    if facts.paper and facts.status == SessionStatus.CLOSED:
        notes[COUNT] = _("%(n)d of 2 counts entered") % {"n": facts.paper_entries}
        if facts.paper_entries >= 2 and not facts.paper_agree:
            notes[COUNT] = _("the two counts differ")
    if facts.status == SessionStatus.VOID:
        notes[ANNOUNCE] = _("announced void")
    return notes


def checklist(facts: SessionFacts) -> list[Stage]:
    """The eight stages, each done, current (the first not done) or to come."""
    done = _done(facts)
    notes = _notes(facts)
    labels = dict(LABELS)
    if not facts.selection:
        labels[SLATE] = SATISFACTION_SLATE
    if facts.paper:
        labels[COUNT] = PAPER_COUNT
    current = next((key for key in STAGES if not done[key]), None)
    return [
        Stage(
            key=key,
            label=str(labels[key]),
            state="done" if done[key] else ("current" if key == current else "todo"),
            when=facts.dates.get(key) if done[key] else None,
            note=notes.get(key, ""),
        )
        for key in STAGES
    ]


def _draft_turn(facts: SessionFacts, names: dict) -> str:
    if facts.rules_problem:
        return (
            _(
                "%(congress)s changes the rules, which no slate can satisfy; then it builds "
                "the slate."
            )
            % names
        )
    if "revise_slate" in facts.open_steps:
        return (
            _(
                "%(congress)s revises the slate the Party committee returned and sends it back; "
                "then %(party)s approves it."
            )
            % names
        )
    if not facts.slate_size:
        allowed = candidate_range(facts.seats, facts.differential) if facts.selection else None
        if allowed and facts.available < allowed[0]:
            return _(
                "Too few Party-approved candidates for the slate (%(n)d, at least %(first)d "
                "needed): %(congress)s lowers the projects to elect or waits for more; then "
                "%(party)s approves the slate."
            ) % {**names, "n": facts.available, "first": allowed[0]}
        if not facts.selection and not facts.available:
            return (
                _(
                    "No project awaits this rating yet: %(congress)s puts the projects on the "
                    "slate once they are ready to rate; then %(party)s approves it."
                )
                % names
            )
        if facts.selection:
            return _(
                "%(congress)s builds the slate from the %(n)d Party-approved candidates; "
                "then %(party)s approves it."
            ) % {**names, "n": facts.available}
        return _(
            "%(congress)s puts the %(n)d projects to rate on the slate; then %(party)s approves it."
        ) % {**names, "n": facts.available}
    if facts.slate_problem:
        return _("%(congress)s corrects the slate; then %(party)s approves it.") % names
    return (
        _("%(party)s approves the slate; then %(congress)s records attendance and opens voting.")
        % names
    )


def _ready_turn(facts: SessionFacts, names: dict) -> str:
    keys_needed = facts.tellers_needed + 1
    if not facts.paper and facts.keys_set < keys_needed:
        values = {**names, "set": facts.keys_set, "needed": keys_needed}
        if not facts.present or not facts.quorum:
            return (
                _(
                    "The tellers set their counting keys (%(set)d of at least %(needed)d) and "
                    "%(congress)s records attendance; then %(congress)s opens voting."
                )
                % values
            )
        return (
            _(
                "The tellers set their counting keys (%(set)d of at least %(needed)d); then "
                "%(congress)s opens voting."
            )
            % values
        )
    if not facts.present or not facts.quorum:
        return _("%(congress)s records attendance; then it opens voting.") % names
    if facts.paper:
        return _("%(congress)s opens voting; then the deputies vote on the paper ballots.") % names
    return _("%(congress)s opens voting; then the deputies vote.") % names


def _closed_turn(facts: SessionFacts, names: dict) -> str:
    if not facts.paper and not facts.unsealed:
        return (
            _(
                "The tellers open the sealed ballots together; then %(congress)s checks the count "
                "and announces the result."
            )
            % names
        )
    if not facts.paper and not facts.count_confirmed:
        return (
            _(
                "The tellers check the count of the opened ballots and confirm it; then "
                "%(congress)s announces the result."
            )
            % names
        )
    if facts.paper and facts.paper_entries < 2:
        return _(
            "The tellers enter their counts (%(n)d of 2 entered); then %(congress)s announces "
            "the result."
        ) % {**names, "n": facts.paper_entries}
    if facts.paper and not facts.paper_agree:
        return (
            _(
                "The tellers recount and correct their entries, which differ; then %(congress)s "
                "announces the result."
            )
            % names
        )
    if facts.selection:
        return (
            _(
                "%(congress)s checks the count and announces the result; then every candidate's "
                "case moves on."
            )
            % names
        )
    return (
        _(
            "%(congress)s checks the count and announces the result; then each project's rating "
            "is recorded on its case."
        )
        % names
    )


def whose_turn(facts: SessionFacts) -> str:
    """One sentence: who must act now, and what comes next."""
    names = {"congress": facts.congress, "party": facts.party}
    status = facts.status
    if status == SessionStatus.DRAFT:
        return _draft_turn(facts, names)
    if status == SessionStatus.SLATE_APPROVED:
        return _ready_turn(facts, names)
    if status == SessionStatus.OPEN:
        if facts.paper:
            return (
                _("The deputies vote on the paper ballots; then %(congress)s closes voting.")
                % names
            )
        return _(
            "The deputies vote (%(cast)d of %(present)d present have voted); then "
            "%(congress)s closes voting."
        ) % {**names, "cast": facts.ballots_cast, "present": facts.present}
    if status == SessionStatus.CLOSED:
        return _closed_turn(facts, names)
    if status == SessionStatus.VOID:
        return _("The vote was announced void; the candidates wait for a new vote.")
    if facts.runoff_pending:
        return _(
            "The result is announced; the candidates tied across the last seat go to a runoff."
        )
    if facts.selection:
        return _("The result is announced; the elected projects go on to their plans.")
    return _("The result is announced; each project's rating is recorded on its case.")


def build_guide(facts: SessionFacts) -> SessionGuide:
    allowed = allowed_text = None
    if facts.selection and facts.seats:
        allowed = candidate_range(facts.seats, facts.differential)
        allowed_text = candidates_needed(facts.seats, facts.differential)
    return SessionGuide(
        stages=checklist(facts),
        whose_turn=whose_turn(facts),
        available=facts.available if facts.status == SessionStatus.DRAFT else None,
        allowed=allowed,
        allowed_text=allowed_text,
        rules_problem=facts.rules_problem,
        slate_problem=facts.slate_problem,
    )


# -- the facts of a stored session ----------------------------------------------------


def _office_name(jurisdiction, kind: str) -> str:
    office = Office.objects.filter(jurisdiction=jurisdiction, kind=kind).order_by("pk").first()
    return office.name if office else str(OfficeKind(kind).label)


def _date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def session_facts(session: VotingSession, open_steps=()) -> SessionFacts:
    """The facts of a stored session (a handful of counting queries)."""
    from core.services import voting as services

    n_slate = session.candidates.count()
    rules_problem = slate_problem = None
    if session.status == SessionStatus.DRAFT and session.is_selection:
        rules = session.rules
        rules_problem = services.no_slate_fits_message(rules["seats"], rules["differential"])
        if n_slate and not rules_problem:
            categories = session.candidates.values("category_id").distinct().count()
            slate_problem = services.slate_differential_problem(
                session, n_slate
            ) or services.category_rule_problem(session, categories)
    available = (
        services.eligible_projects(session).count() if session.status == SessionStatus.DRAFT else 0
    )
    entries = services.paper_entries(session) if session.is_paper else []
    count_date = session.unsealed_at
    if session.is_paper and len(entries) >= 2:
        count_date = max(e.created for e in entries)
    return SessionFacts(
        kind=session.kind,
        status=session.status,
        paper=session.is_paper,
        runoff=session.parent_id is not None,
        seats=session.rules.get("seats"),
        differential=tuple(session.rules.get("differential") or (0.2, 0.5)),
        rules_problem=rules_problem,
        slate_size=n_slate,
        slate_problem=slate_problem,
        available=available,
        present=services.present_count(session),
        deputies_total=session.deputies_total,
        keys_set=len(services.session_tellers(session)) if not session.is_paper else 0,
        tellers_needed=session.tellers_needed,
        ballots_cast=session.participations.count(),
        paper_entries=len(entries),
        paper_agree=len(entries) >= 2 and entries[0].entry == entries[1].entry,
        unsealed=session.unsealed_at is not None,
        count_confirmed=session.count_confirmed_at is not None,
        runoff_pending=bool((session.result or {}).get("runoff")),
        open_steps=frozenset(open_steps),
        dates={
            RULES: _date(session.created),
            APPROVAL: _date(session.slate_approved_at),
            OPEN: _date(session.opened_at),
            CLOSE: _date(session.closed_at),
            COUNT: _date(count_date),
            ANNOUNCE: _date(session.announced_at),
        },
        congress=_office_name(session.jurisdiction, OfficeKind.CONGRESS),
        party=_office_name(session.jurisdiction, OfficeKind.PARTY),
    )


def session_guide(session: VotingSession, open_steps=()) -> SessionGuide:
    return build_guide(session_facts(session, open_steps))
