"""The weeks before the vote, on the candidates themselves: comments by the public (on
the board) and by deputies, moderated by the congress office, and each delegation's
pre-deliberation with its opinions."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import deputies_forms as forms
from core.deputies_messages import CANDIDATE_NOT_PUBLISHED
from core.models import CandidateComment, CommentStatus, Jurisdiction, Project, Stage
from core.selectors.projects import projects_for_user
from core.services import candidates as candidate_services
from core.views import public
from permissions import checks


def _candidates(user):
    return projects_for_user(user).filter(stage=Stage.CANDIDATE)


def _errors(form, error: ValidationError):
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        for e in errors:
            form.add_error(field if field in form.fields else None, e)


def _deputy_of(user):
    try:
        return user.deputy
    except ObjectDoesNotExist:
        return None


@login_required
def candidate_list(request):
    projects = _candidates(request.user).annotate(
        pending=Count("candidate_comments", filter=Q(candidate_comments__status="pending")),
        published=Count("candidate_comments", filter=Q(candidate_comments__status="published")),
        reviews=Count("delegation_reviews", distinct=True),
    )
    return render(
        request,
        "deputies/candidates.html",
        {"projects": projects.order_by("jurisdiction__path", "-year", "title")},
    )


@login_required
def candidate_detail(request, pk):
    project = _candidates(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    user = request.user
    may_moderate = checks.can_moderate_comments(user, project.jurisdiction)
    may_review = checks.can_record_pre_deliberation(user, project.jurisdiction)
    deputy = _deputy_of(user)
    may_comment = deputy is not None and checks.can_comment_on_candidate(user, project)
    delegations = candidate_services.delegations_of(project.jurisdiction)
    comment_form = forms.DeputyCommentForm(
        request.POST if request.POST.get("form") == "comment" else None
    )
    review_form = forms.DelegationReviewForm(
        request.POST if request.POST.get("form") == "review" else None, delegations=delegations
    )
    if request.method == "POST":
        kind = request.POST.get("form")
        if not {"comment": may_comment, "review": may_review}.get(kind, False):
            raise PermissionDenied
        if kind == "comment" and comment_form.is_valid():
            try:
                candidate_services.candidate_comment_submit(
                    actor=user,
                    project=project,
                    deputy=deputy,
                    author_name=deputy.name,
                    text=comment_form.cleaned_data["text"],
                )
            except ValidationError as error:
                _errors(comment_form, error)
            else:
                flash.success(request, _("Your comment is sent; it is published after review."))
                return redirect("deputies:candidate", pk=project.pk)
        elif kind == "review" and review_form.is_valid():
            try:
                candidate_services.delegation_review_record(
                    actor=user, project=project, **review_form.cleaned_data
                )
            except ValidationError as error:
                _errors(review_form, error)
            else:
                flash.success(request, _("The delegation's pre-deliberation is recorded."))
                return redirect("deputies:candidate", pk=project.pk)
    comments = project.candidate_comments.select_related("deputy")
    if not may_moderate:
        comments = comments.filter(Q(status=CommentStatus.PUBLISHED) | Q(deputy=deputy))
    errors = comment_form.errors or review_form.errors
    return render(
        request,
        "deputies/candidate.html",
        {
            "project": project,
            "comments": comments,
            "reviews": project.delegation_reviews.all(),
            "delegations": delegations,
            "comment_form": comment_form if may_comment else None,
            "review_form": review_form if may_review else None,
            "may_moderate": may_moderate,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def comment_moderate(request, pk):
    comment = (
        CandidateComment.objects.filter(project__in=_candidates(request.user), pk=pk)
        .select_related("project__jurisdiction")
        .first()
    )
    if comment is None:
        raise Http404
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose whether to publish the comment."))
    else:
        try:
            candidate_services.candidate_comment_moderate(
                actor=request.user,
                comment=comment,
                publish=form.cleaned_data["decision"] == "publish",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                flash.error(request, message)
        else:
            flash.success(request, _("Moderation recorded."))
    return redirect("deputies:candidate", pk=comment.project_id)


def public_comment(request, code, pk):
    """A resident's comment on a candidate of the public board (no login): the same spam
    defences as the suggestion form; it waits for moderation. Shown on its own page (the
    board is cached for everyone; a form's single-use token cannot be)."""
    jurisdiction = Jurisdiction.objects.filter(code=code).first()
    project = (
        Project.objects.filter(jurisdiction=jurisdiction, pk=pk).select_related("jurisdiction")
        if jurisdiction
        else None
    )
    project = project.first() if project is not None else None
    if project is None:
        raise Http404
    if project.stage != Stage.CANDIDATE:
        # Only a published candidate is on the board: the refusal names nothing else.
        if request.method != "POST":
            raise Http404
        form = forms.CandidateCommentForm(request.POST)
        form.is_valid()
        form.add_error(None, CANDIDATE_NOT_PUBLISHED)
        return render(
            request,
            "deputies/public_comment.html",
            {"form": form, "project": None, "jurisdiction": jurisdiction},
            status=400,
        )
    if request.method != "POST":
        return render(
            request,
            "deputies/public_comment.html",
            {
                "form": forms.CandidateCommentForm(),
                "project": project,
                "jurisdiction": jurisdiction,
            },
        )
    form = forms.CandidateCommentForm(request.POST)
    address = public.client_address(request)
    try:
        attempts = public._count(public._hour_counter("comment-attempts", address))
    except public.CacheDown:  # the limits cannot be applied: refuse rather than let all in
        attempts = None
    if attempts is None:
        form.is_valid()
        form.add_error(None, public.LIMITS_UNAVAILABLE)
    elif attempts > public.ATTEMPTS_PER_HOUR:
        form.is_valid()
        form.add_error(None, public.TOO_MANY_SUGGESTIONS)
    elif form.is_valid():
        try:
            public.check_form_token(request.POST.get("stamp", ""))
            candidate_services.candidate_comment_submit(
                actor=None,
                project=project,
                author_name=form.cleaned_data["author_name"],
                author_contact=form.cleaned_data["author_contact"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            flash.success(request, _("Thank you. Your comment is published after review."))
            return redirect("public:board", code=jurisdiction.code)
    return render(
        request,
        "deputies/public_comment.html",
        {"form": form, "project": project, "jurisdiction": jurisdiction},
        status=400,
    )
