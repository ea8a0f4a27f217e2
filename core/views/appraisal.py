"""Appraisal pages: the lead units' sheets of a year, issued by the congress office and
received by the Party committee office, printable beside the annual report."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import oversight_forms as forms
from core.selectors import oversight as selectors
from core.selectors.calendar import calendar_today
from core.services import appraisal as services
from core.views.form_errors import apply_errors
from permissions import checks
from permissions.scope import home_jurisdictions


def _issuing(user) -> list:
    return [j for j in home_jurisdictions(user) if checks.can_issue_appraisal(user, j)]


@login_required
def sheet_list(request):
    issuing = _issuing(request.user)
    sheets = selectors.appraisal_sheets_for_user(request.user).order_by(
        "-year", "jurisdiction__path", "office__name"
    )
    if not issuing and not sheets.exists() and not checks.can_view_supervision(request.user):
        raise PermissionDenied
    form = forms.AppraisalIssueForm(request.POST or None, initial={"year": calendar_today().year})
    status = 200
    if request.method == "POST":
        if not issuing:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.appraisal_issue(
                    actor=request.user, jurisdiction=issuing[0], year=form.cleaned_data["year"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                flash.success(request, _("Appraisal sheets issued to the Party committee office."))
                return redirect("oversight:appraisal")
        status = 400
    return render(
        request,
        "appraisal/list.html",
        {"sheets": sheets, "form": form if issuing else None, "issuing": issuing},
        status=status,
    )


@login_required
def sheet_detail(request, pk):
    sheet = selectors.appraisal_sheet_for_user(request.user, pk)
    return render(
        request,
        "appraisal/sheet.html",
        {
            "sheet": sheet,
            "can_receive": sheet.received_at is None
            and checks.can_receive_appraisal(request.user, sheet.jurisdiction),
        },
    )


@login_required
@require_POST
def sheet_receive(request, pk):
    sheet = selectors.appraisal_sheet_for_user(request.user, pk)
    if not checks.can_receive_appraisal(request.user, sheet.jurisdiction):
        raise PermissionDenied
    try:
        services.appraisal_receive(actor=request.user, sheet=sheet)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, _("Appraisal sheet received."))
    return redirect("oversight:appraisal_sheet", pk=sheet.pk)
