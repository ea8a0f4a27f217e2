"""Public pages, no login: the front page, the board (公示栏), suggestions and receipts.

Nothing here shows what is not yet public: only elected projects (from planning on)
appear on the board, and a proposer's contact details never appear anywhere.
"""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import PublicSuggestionForm
from core.models import (
    PUBLIC_STAGES,
    Channel,
    Jurisdiction,
    Project,
    QuarterlyReport,
    ReportStatus,
)
from core.selectors.projects import suggestion_by_receipt
from core.services.suggestions import suggestion_submit


def index(request):
    jurisdictions = Jurisdiction.objects.select_related("parent").order_by("path")
    return render(request, "public/index.html", {"jurisdictions": jurisdictions})


def public_projects(jurisdiction):
    signed = QuarterlyReport.objects.filter(status=ReportStatus.SIGNED_OFF).order_by(
        "-year", "-quarter", "-pk"
    )
    return (
        Project.objects.filter(jurisdiction=jurisdiction, stage__in=PUBLIC_STAGES)
        .select_related("category", "lead_unit")
        .prefetch_related(Prefetch("reports", queryset=signed, to_attr="signed_reports"))
        .order_by("-year", "category__order", "title")
    )


def board(request, code):
    jurisdiction = Jurisdiction.objects.filter(code=code).first()
    if jurisdiction is None:
        raise Http404
    projects = list(public_projects(jurisdiction))
    for project in projects:
        project.latest_report = project.signed_reports[0] if project.signed_reports else None
    return render(
        request, "public/board.html", {"jurisdiction": jurisdiction, "projects": projects}
    )


def suggest(request):
    jurisdictions = list(Jurisdiction.objects.order_by("path"))
    form = PublicSuggestionForm(
        request.POST or None,
        jurisdictions=jurisdictions,
        initial={"jurisdiction": request.GET.get("j")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        jurisdiction = next(j for j in jurisdictions if j.code == data["jurisdiction"])
        try:
            suggestion = suggestion_submit(
                actor=None,
                jurisdiction=jurisdiction,
                channel=Channel.ONLINE,
                title=data["title"],
                text=data["text"],
                location=data["location"],
                category=data["category"],
                proposer_name=data["proposer_name"],
                proposer_contact=data["proposer_contact"],
                year=timezone.localdate().year,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            flash.success(
                request, _("Thank you. Keep your receipt code to follow your suggestion.")
            )
            return redirect("public:receipt", code=suggestion.receipt_code)
    return render(
        request, "public/suggest.html", {"form": form}, status=400 if form.errors else 200
    )


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
        {"suggestion": suggestion, "projects": list(suggestion.projects.all())},
    )
