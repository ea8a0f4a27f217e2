"""Public pages, no login: the front page, the board (公示栏), suggestions and receipts.

Nothing here shows what is not yet public:
- a project appears only once the Party committee has approved it as a candidate
  (`CANDIDATE_STAGES`); before that its title is not even on a receipt page;
- vote figures and outcomes only once the vote is recorded (`elected` is set and the
  case has moved past the vote); satisfaction results only once recorded;
- a proposer's name and contact details never appear on any public page.
Progress shown to the public is the monitoring group's signed-off figure, not the lead
unit's own claim.
"""

import logging
import secrets
import time

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import messages
from core.cache_calls import cache_call
from core.client_address import client_address
from core.forms import PublicSuggestionForm
from core.models import (
    PUBLIC_STAGES,
    Band,
    Channel,
    Jurisdiction,
    Project,
    QuarterlyReport,
    ReportStatus,
    Stage,
)
from core.selectors.calendar import collection_window_open
from core.selectors.oversight import board_oversight
from core.selectors.projects import suggestion_by_receipt
from core.selectors.suggestions import public_deputy, public_station, receipt_trail
from core.services.suggestions import suggestion_submit

# What the board may show, stage by stage.
CANDIDATE_STAGES = (Stage.CANDIDATE,)  # approved by the Party committee, awaiting the vote
RESULT_STAGES = (*PUBLIC_STAGES, Stage.NOT_ELECTED)  # the vote is recorded and announced
RATED_BANDS = (Band.COMMEND, Band.NORMAL, Band.ACCOUNTABILITY)

# Spam resistance without a third-party captcha: a hidden trap field (in the form), a
# signed timestamp that refuses forms sent too fast or too late, used once, and a limit
# per address.
FORM_SALT = "public.suggest"
MIN_SECONDS = getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3)
MAX_SECONDS = getattr(settings, "PUBLIC_FORM_MAX_SECONDS", 2 * 3600)
SUBMISSIONS_PER_HOUR = getattr(settings, "PUBLIC_SUGGESTIONS_PER_HOUR", 5)
ATTEMPTS_PER_HOUR = getattr(settings, "PUBLIC_SUGGESTION_ATTEMPTS_PER_HOUR", 30)
logger = logging.getLogger(__name__)

FORM_TOO_FAST = gettext_lazy("Please take a moment to check your suggestion, then send it again.")
FORM_STALE = gettext_lazy(
    "This form was open too long or was not sent from this page; please send it again."
)
TOO_MANY_SUGGESTIONS = gettext_lazy(
    "Too many suggestions have been sent from your connection; please try again in an hour."
)
LIMITS_UNAVAILABLE = gettext_lazy(
    "Suggestions cannot be received just now; please send yours again in a few minutes."
)


class CacheDown(Exception):
    """The cache that holds the per-address limits cannot be reached."""


def issue_form_token(issued_at: float | None = None) -> str:
    """The signed timestamp placed in the suggestion form when it is shown."""
    payload = {"t": int(issued_at if issued_at is not None else time.time())}
    payload["n"] = secrets.token_hex(8)
    return signing.dumps(payload, salt=FORM_SALT)


def check_form_token(token: str, *, now: float | None = None) -> None:
    """Refuse a token that is forged, too fresh (a robot), too old, or already used."""
    now = now if now is not None else time.time()
    try:
        payload = signing.loads(token or "", salt=FORM_SALT)
        issued, nonce = int(payload["t"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(FORM_STALE)
    age = now - issued
    if age < MIN_SECONDS:
        raise ValidationError(FORM_TOO_FAST)
    if age > MAX_SECONDS:
        raise ValidationError(FORM_STALE)
    try:
        first_use = _cache(cache.add, f"public-form-used:{nonce}", 1, timeout=MAX_SECONDS + 60)
    except CacheDown:
        raise ValidationError(LIMITS_UNAVAILABLE)
    if not first_use:
        raise ValidationError(FORM_STALE)


def _hour_counter(kind: str, address: str) -> str:
    return f"public-{kind}:{address}:{int(time.time() // 3600)}"


def _cache(operation, *args, **kwargs):
    """A cache call of the public form's limits. When the cache (Redis) is unreachable
    the limits cannot be applied, and the form refuses rather than let everything in
    (`CacheDown`; what the resident typed is shown again)."""
    try:
        return operation(*args, **kwargs)
    except ValueError:
        raise
    except Exception as exc:  # the backend's connection errors have no common base class
        logger.warning("cache unavailable: the public form refuses for now", exc_info=True)
        raise CacheDown from exc


def _board_cache(operation, *args, down, **kwargs):
    """A cache call of the public pages' own cache (the board, the front page), which never
    fails a reader's request: with the cache (Redis) unreachable the page is rendered
    afresh, and `down` is the answer."""
    return cache_call(
        operation, *args, down=down, what="the public board is rendered uncached", **kwargs
    )


def _count(key: str) -> int:
    _cache(cache.add, key, 0, timeout=3700)
    try:
        return _cache(cache.incr, key)
    except ValueError:  # expired between add and incr
        _cache(cache.set, key, 1, timeout=3700)
        return 1


def _peek(key: str) -> int:
    return _cache(cache.get, key) or 0


def collection_open(jurisdiction, on) -> bool:
    """Whether the suggestion form takes suggestions for this jurisdiction on this day:
    the jurisdiction's collection window in its calendar (default 1 September – 31 October,
    or all year)."""
    return collection_window_open(jurisdiction, on)


class SuggestionPageForm(PublicSuggestionForm):
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        check_form_token(self.data.get("stamp", ""))  # shown above the form, not on a field
        return cleaned


# -- pages ---------------------------------------------------------------------------


INDEX_CACHE_SECONDS = 60


def index(request):
    """The front page: the boards of the top jurisdictions and the level below them (a
    province's counties; a county's townships), with their counts; deeper boards are
    linked from their parent's board. Bounded whatever the size of the tree, and cached
    for `INDEX_CACHE_SECONDS`."""
    year = timezone.localdate().year
    key = f"public-index:{year}:{get_language()}"
    jurisdictions = _board_cache(cache.get, key, down=None)
    if jurisdictions is None:
        jurisdictions = _index_jurisdictions(year)
        _board_cache(cache.set, key, jurisdictions, INDEX_CACHE_SECONDS, down=None)
    return render(request, "public/index.html", {"jurisdictions": jurisdictions, "year": year})


def _index_jurisdictions(year) -> list:
    jurisdictions = list(
        Jurisdiction.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
        .select_related("parent")
        .order_by("path")
    )
    counts = {
        row["jurisdiction_id"]: row
        for row in Project.objects.filter(
            stage__in=PUBLIC_STAGES, year__gte=year - 1, jurisdiction__in=jurisdictions
        )
        .order_by()
        .values("jurisdiction_id")
        .annotate(
            elected=Count("pk"),
            completed=Count("pk", filter=Q(accepted_at__isnull=False)),
        )
    }
    for jurisdiction in jurisdictions:
        jurisdiction.public_counts = counts.get(jurisdiction.pk)
    return jurisdictions


def _signed_reports():
    return QuarterlyReport.objects.filter(status=ReportStatus.SIGNED_OFF).order_by(
        "-year", "-quarter", "-signed_off_at", "-pk"
    )


def public_projects(jurisdiction):
    """The projects of a jurisdiction's board: candidates after the Party review, and the
    outcome of every vote once recorded."""
    return (
        Project.objects.filter(
            jurisdiction=jurisdiction, stage__in=(*CANDIDATE_STAGES, *RESULT_STAGES)
        )
        .select_related("category", "lead_unit")
        .prefetch_related(Prefetch("reports", queryset=_signed_reports(), to_attr="signed"))
        .order_by("-year", "category__order", "vote_rank", "title", "pk")
    )


def _board_year(year: int, projects: list) -> dict:
    candidates = [p for p in projects if p.stage in CANDIDATE_STAGES]
    elected = [p for p in projects if p.stage in PUBLIC_STAGES and p.elected]
    not_elected = [p for p in projects if p.stage == Stage.NOT_ELECTED]
    for project in elected:
        latest = project.signed[0] if project.signed else None
        project.latest_report = latest
        # the public sees the monitoring group's signed-off figure
        project.public_progress = 100 if project.accepted_at else (latest.progress if latest else 0)
    rated = [p for p in elected if p.band in RATED_BANDS]
    return {
        "year": year,
        "candidates": candidates,
        "elected": elected,
        "not_elected": not_elected,
        "results": sorted(
            elected + not_elected,
            key=lambda p: (p.vote_rank is None, p.vote_rank or 0, -(p.vote_yes or 0), p.title),
        ),
        "rated": rated,
        "completed": sum(1 for p in elected if p.accepted_at),
        # year-end ratings of unfinished projects, marked as such (see board_oversight)
        "unfinished_rated": [(p, r) for p in elected for r in getattr(p, "unfinished_ratings", ())],
    }


BOARD_PAGE_SIZE = 30
BOARD_CACHE_SECONDS = 600


def board_version_key(jurisdiction_id) -> str:
    return f"public-board:version:{jurisdiction_id}"


def board_changed(sender, instance, **kwargs) -> None:
    """A project or a report changed: its jurisdiction's cached board is stale."""
    jurisdiction_id = getattr(instance, "jurisdiction_id", None)
    if jurisdiction_id is None and getattr(instance, "project_id", None):
        jurisdiction_id = (
            Project.objects.filter(pk=instance.project_id)
            .values_list("jurisdiction_id", flat=True)
            .first()
        )
    if jurisdiction_id is not None:
        # a new version, whatever it was: one write (an increment asks the cache three
        # times: whether the key is there, to add it, to increment it)
        key, version = board_version_key(jurisdiction_id), secrets.token_hex(8)
        _board_cache(cache.set, key, version, timeout=None, down=None)


def board(request, code):
    """One year of a jurisdiction's board per page (the latest by default), its projects
    paginated: bounded whatever the number of projects. The rendered sections are cached
    per jurisdiction, year, page and language until a project or report of the
    jurisdiction changes (`board_changed`), or `BOARD_CACHE_SECONDS` at most."""
    jurisdiction = Jurisdiction.objects.filter(code=code).select_related("parent").first()
    if jurisdiction is None:
        raise Http404
    visible = Project.objects.filter(
        jurisdiction=jurisdiction, stage__in=(*CANDIDATE_STAGES, *RESULT_STAGES)
    )
    years = sorted(set(visible.order_by().values_list("year", flat=True).distinct()), reverse=True)
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isdigit() and int(requested) in years else None
    if year is None:
        year = years[0] if years else None
    page_number = request.GET.get("page", "1")
    page_number = page_number if page_number.isdigit() and len(page_number) < 6 else "1"
    version = _board_cache(cache.get, board_version_key(jurisdiction.pk), down=None) or 0
    key = f"public-board:{jurisdiction.pk}:{version}:{year}:{page_number}:{get_language()}"
    sections_html = _board_cache(cache.get, key, down=None)
    if sections_html is None:
        sections_html = _board_sections(request, jurisdiction, year, page_number)
        _board_cache(cache.set, key, sections_html, BOARD_CACHE_SECONDS, down=None)
    return render(
        request,
        "public/board.html",
        {
            "jurisdiction": jurisdiction,
            "years": years,
            "year": year,
            "sections_html": mark_safe(sections_html),  # rendered by our own template
            "children": list(jurisdiction.children.order_by("path")),
        },
    )


def _board_sections(request, jurisdiction, year, page_number) -> str:
    sections, page = [], None
    if year is not None:
        projects = public_projects(jurisdiction).filter(year=year)
        page = Paginator(projects, BOARD_PAGE_SIZE).get_page(page_number)
        shown = list(page.object_list)
        board_oversight(shown)  # approved changes and ratings during the year
        section = _board_year(year, shown)
        totals = projects.order_by().aggregate(
            n_elected=Count("pk", filter=Q(stage__in=PUBLIC_STAGES, elected=True)),
            n_completed=Count(
                "pk", filter=Q(stage__in=PUBLIC_STAGES, elected=True, accepted_at__isnull=False)
            ),
        )
        section["elected_total"] = totals["n_elected"]
        section["completed"] = totals["n_completed"]
        sections.append(section)
    return render_to_string(
        "public/_board_sections.html",
        {"sections": sections, "page": page, "jurisdiction": jurisdiction},
        request=request,
    )


def suggest(request, code=None, deputy=None):
    """The public suggestion form; opened from a station's or a deputy's QR code (码上找代表)
    it has that place chosen, and what is sent lands in that station's or deputy's list."""
    station = addressed = None
    if code is not None and (station := public_station(code)) is None:
        raise Http404
    if deputy is not None and (addressed := public_deputy(deputy)) is None:
        raise Http404
    chosen = station or addressed
    if chosen is not None:
        jurisdictions = [chosen.jurisdiction]
    else:
        jurisdictions = list(Jurisdiction.objects.order_by("path"))
    initial = {
        "jurisdiction": chosen.jurisdiction.code if chosen else request.GET.get("j"),
        "stamp": issue_form_token(),
    }
    posted = request.method == "POST"
    form = SuggestionPageForm(
        request.POST if posted else None, jurisdictions=jurisdictions, initial=initial
    )
    if posted:
        try:
            suggestion = _suggest_post(
                form,
                jurisdictions,
                client_address(request),
                station=station,
                addressed=addressed,
            )
        except CacheDown:
            suggestion = None
            form.is_valid()  # the token's check may have said so already
            if str(LIMITS_UNAVAILABLE) not in form.non_field_errors():
                form.add_error(None, LIMITS_UNAVAILABLE)
        if suggestion is not None:
            flash.success(
                request, _("Thank you. Keep your receipt code to follow your suggestion.")
            )
            return redirect("public:receipt", code=suggestion.receipt_code)
        # shown again with what was typed, and a fresh token for the next try
        form.data = form.data.copy()
        form.data["stamp"] = issue_form_token()
    return render(
        request,
        "public/suggest.html",
        {"form": form, "station": station, "addressed": addressed},
        status=400 if form.errors else 200,
    )


def _suggest_post(form, jurisdictions, address, *, station=None, addressed=None):
    """Apply the per-address limits, check the form and send the suggestion; None (with
    the errors on the form) if it was refused."""
    attempts = _count(_hour_counter("attempts", address))
    sent = _peek(_hour_counter("sent", address))
    if attempts > ATTEMPTS_PER_HOUR or sent >= SUBMISSIONS_PER_HOUR:
        form.is_valid()
        form.add_error(None, TOO_MANY_SUGGESTIONS)
        return None
    if not form.is_valid():
        return None
    data = form.cleaned_data
    jurisdiction = next(j for j in jurisdictions if j.code == data["jurisdiction"])
    today = timezone.localdate()
    if not collection_open(jurisdiction, today):
        form.add_error("jurisdiction", messages.COLLECTION_CLOSED)
        return None
    try:
        suggestion = suggestion_submit(
            actor=None,
            jurisdiction=jurisdiction,
            channel=Channel.QR if (station or addressed) else Channel.ONLINE,
            title=data["title"],
            text=data["text"],
            location=data["location"],
            category=data["category"],
            proposer_name=data["proposer_name"],
            proposer_contact=data["proposer_contact"],
            station=station,
            addressed_deputy=addressed,
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
        return None
    _count(_hour_counter("sent", address))
    return suggestion


def receipt_lookup(request):
    code = request.GET.get("code", "").strip().upper()
    if code:
        return redirect("public:receipt", code=code)
    return render(request, "public/receipt_lookup.html")


def receipt(request, code):
    suggestion = suggestion_by_receipt(code)
    if suggestion is None:
        return render(
            request, "public/receipt_lookup.html", {"not_found": True, "code": code}, status=404
        )
    return render(
        request,
        "public/receipt.html",
        {
            "suggestion": suggestion,
            "projects": list(suggestion.projects.all()),
            "trail": receipt_trail(suggestion),
            "candidate_stages": [str(s) for s in CANDIDATE_STAGES],
            "result_stages": [str(s) for s in RESULT_STAGES],
        },
    )
