"""Pages around a session's slate before the vote: the offices sign it (三方会商), the
congress office sets the slate policy and sends the materials to the deputies."""

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.models.slate import SigningOffice
from core.selectors.suggestions import acting_jurisdictions
from core.selectors.voting import session_for_user
from core.services import slate as slate_services
from permissions.roles import Step


class PolicyForm(forms.Form):
    agreement_required = forms.BooleanField(
        label=gettext_lazy("The government and congress offices sign the slate first"),
        required=False,
    )
    special_share = forms.DecimalField(
        label=gettext_lazy("Share of special-collection projects required (0 to 1)"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        initial=0,
    )


class MaterialsForm(forms.Form):
    meeting_on = forms.DateField(
        label=gettext_lazy("The session meets on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
@require_POST
def sign(request, pk):
    session = session_for_user(request.user, pk)
    office = request.POST.get("office", "")
    if office not in SigningOffice.values:
        raise Http404
    try:
        slate_services.slate_sign(actor=request.user, session=session, office=office)
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        for message in _messages(error):
            flash.error(request, message)
    else:
        flash.success(request, _("Your office's signature on the slate is recorded."))
    return redirect("voting:session", pk=session.pk)


@login_required
def send_materials(request, pk):
    session = session_for_user(request.user, pk)
    form = MaterialsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = slate_services.session_send_materials(
                actor=request.user, session=session, meeting_on=form.cleaned_data["meeting_on"]
            )
        except PermissionDenied:
            raise Http404
        except ValidationError as error:
            for message in _messages(error):
                form.add_error(None, message)
        else:
            flash.success(
                request,
                _("The materials are sent to %(n)d deputies.") % {"n": dispatch.deputies},
            )
            return redirect("voting:session", pk=session.pk)
    elif request.method == "GET":
        from permissions.checks import can_manage_sessions

        if not can_manage_sessions(request.user, session.jurisdiction):
            raise Http404
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Send the materials to the deputies"), "jurisdiction": None},
        status=400 if form.errors else 200,
    )


@login_required
def policy(request):
    places = acting_jurisdictions(request.user, Step.MANAGE_SESSIONS)
    if not places:
        raise Http404
    code = request.GET.get("j") or request.POST.get("j")
    jurisdiction = next((j for j in places if j.code == code), places[0])
    current = slate_services.policy_of(jurisdiction)
    initial = (
        {"agreement_required": current.agreement_required, "special_share": current.special_share}
        if current
        else {"agreement_required": True, "special_share": 0}
    )
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            slate_services.slate_policy_set(
                actor=request.user, jurisdiction=jurisdiction, **form.cleaned_data
            )
        except ValidationError as error:
            for message in _messages(error):
                form.add_error(None, message)
        else:
            flash.success(request, _("The slate policy is saved."))
            return redirect(reverse("voting:sessions"))
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Slate policy"),
            "jurisdiction": jurisdiction,
            "hidden": {"j": jurisdiction.code},
        },
        status=400 if form.errors else 200,
    )
