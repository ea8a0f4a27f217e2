"""The trust pages: granting and revoking roles (an administrator, or the congress office
of the level above), one's own roles and their record, and the decision log."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import RoleGrantForm, RoleRevokeForm
from core.models import RoleAssignment
from core.selectors import trust as selectors
from core.services import organisation
from core.views.form_errors import apply_errors, error_text
from permissions.roles import Role
from permissions.scope import roles_of


@login_required
def roles(request):
    user = request.user
    jurisdictions = selectors.grantable_jurisdictions(user)
    form = RoleGrantForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST":
        if not jurisdictions:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisation.role_assign(
                    actor=user,
                    user=data["user"],
                    role=data["role"],
                    jurisdiction=data["jurisdiction"],
                    office=data.get("office"),
                    reason=data["reason"],
                )
            except PermissionDenied as refused:
                form.add_error(None, str(refused))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                flash.success(request, _("The role is granted and on the record."))
                return redirect("trust:roles")
    record = Paginator(selectors.role_record_for(user, jurisdictions), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "trust/roles.html",
        {
            "form": form if jurisdictions else None,
            "jurisdictions": jurisdictions,
            "assignments": selectors.assignments_in(jurisdictions),
            "mine": user.role_assignments.select_related("jurisdiction", "office"),
            "record": record,
            "revoke_form": RoleRevokeForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def role_revoke(request, pk):
    jurisdictions = selectors.grantable_jurisdictions(request.user)
    assignment = RoleAssignment.objects.filter(pk=pk, jurisdiction__in=jurisdictions).first()
    if assignment is None:
        raise Http404
    form = RoleRevokeForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Give the reason for taking the role back."))
        return redirect("trust:roles")
    try:
        organisation.role_revoke(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        )
    except PermissionDenied as refused:
        flash.error(request, str(refused))
    except ValidationError as error:
        flash.error(request, error_text(error))
    else:
        flash.success(request, _("The role is revoked and on the record."))
    return redirect("trust:roles")


ACTION_CHOICES = [
    ("step.ProjectFlow", _("Steps of the cases")),
    ("step.VotingSessionFlow", _("Steps of the votes")),
    ("session.", _("Voting sessions")),
    ("project.", _("Vote and rating results")),
    ("role.", _("Roles granted and revoked")),
    ("auth.", _("Log-ins")),
]


def can_read_decisions(user) -> bool:
    return bool(
        roles_of(user)
        & {Role.SUPERVISOR, Role.CONGRESS_OFFICE, Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE}
    )


@login_required
def decisions(request):
    if not can_read_decisions(request.user):
        raise PermissionDenied
    action = request.GET.get("action", "")[:60]
    code = request.GET.get("j", "")[:20]
    page = Paginator(
        selectors.decisions_for(request.user, action=action, jurisdiction_code=code), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "trust/decisions.html",
        {"page": page, "action": action, "j": code, "action_choices": ACTION_CHOICES},
    )
