"""Suggestions through the API: the hotline and the liaison-station apps push them in,
anyone follows one by its receipt code.

Creating validates with the office page's form (`core.forms.SuggestionForm`) and calls
the same service (`suggestion_submit`); it needs an ``Idempotency-Key``.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.forms import SuggestionForm
from core.models import Category, Channel, Jurisdiction, Project, Suggestion, SuggestionStatus
from core.models.api import ApiScope
from core.selectors import projects as project_selectors
from core.selectors.voting import deputy_of
from core.services.suggestions import suggestion_submit
from core.views.public import CANDIDATE_STAGES, RESULT_STAGES
from permissions import checks
from permissions.roles import Step
from permissions.scope import home_jurisdictions

from . import idempotency
from .auth import token_of, token_reaches, within_token
from .base import Pagination, V1View
from .errors import ApiError

MAY_NOT_ENTER = _("You may not enter suggestions for this jurisdiction.")
UNKNOWN_JURISDICTION = _("No such jurisdiction.")
RECEIPT_NOT_FOUND = _("No suggestion has this receipt code.")
ENTERING_STEPS = (Step.ROUTE_SUGGESTION, Step.REGISTER_PROJECT, Step.SUBMIT_SUGGESTION)


class SuggestionIn(serializers.Serializer):
    jurisdiction = serializers.CharField(
        max_length=20,
        required=False,
        help_text="The jurisdiction's code; a token's own jurisdiction when left out.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.HOTLINE)
    title = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=5000)
    location = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    category = serializers.SlugField(
        max_length=30, required=False, allow_null=True, default=None, help_text="A category code."
    )
    proposer_name = serializers.CharField(max_length=50)
    proposer_contact = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="Phone or e-mail; never published.",
    )


class SuggestionOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    category = serializers.CharField(source="category.code", default=None, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "receipt_code",
            "year",
            "jurisdiction",
            "channel",
            "category",
            "title",
            "text",
            "location",
            "proposer_name",
            "status",
            "route_level",
            "route_note",
            "created",
        ]


class ReceiptProject(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    outcome = serializers.ChoiceField(
        choices=["studying", "infeasible", "rejected", "candidate", "elected", "not_elected"]
    )
    infeasible_reason = serializers.CharField(allow_null=True)
    board = serializers.CharField(allow_null=True, help_text="The public board's code.")


class ReceiptOut(serializers.Serializer):
    receipt_code = serializers.CharField()
    title = serializers.CharField()
    jurisdiction = serializers.CharField()
    channel = serializers.CharField()
    created = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)
    status_display = serializers.CharField()
    route_level = serializers.CharField(allow_blank=True)
    route_level_display = serializers.CharField(allow_blank=True)
    route_note = serializers.CharField(allow_blank=True)
    projects = ReceiptProject(many=True)


def _jurisdiction_for(request, code: str | None) -> Jurisdiction:
    token = token_of(request)
    if not code:
        if token is not None:
            return token.jurisdiction
        options = [
            j
            for j in home_jurisdictions(request.user)
            if any(checks.has_step(request.user, s, j) for s in ENTERING_STEPS)
        ]
        if not options:
            raise ApiError("permission_denied", MAY_NOT_ENTER, status_code=403)
        return options[0]
    jurisdiction = Jurisdiction.objects.filter(code=code).first()
    if jurisdiction is None or not token_reaches(request, jurisdiction):
        raise ApiError("invalid", UNKNOWN_JURISDICTION, field="jurisdiction")
    return jurisdiction


def _may_enter(request, jurisdiction) -> bool:
    if token_of(request) is not None:
        return True  # the `suggest` scope, within the token's jurisdiction
    return any(checks.has_step(request.user, s, jurisdiction) for s in ENTERING_STEPS)


class SuggestionListCreate(V1View):
    """Suggestions one may read (newest first), and entering one."""

    pagination_class = Pagination

    def get_permissions(self):
        self.required_scope = ApiScope.SUGGEST if self.request.method == "POST" else ApiScope.READ
        return super().get_permissions()

    @extend_schema(responses=SuggestionOut(many=True), operation_id="suggestions_list")
    def get(self, request):
        qs = within_token(request, project_selectors.suggestions_for_user(request.user))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs.order_by("-created", "-pk"), request, view=self)
        return paginator.get_paginated_response(SuggestionOut(page, many=True).data)

    @extend_schema(
        request=SuggestionIn,
        responses={201: SuggestionOut},
        parameters=[idempotency.PARAMETER],
        operation_id="suggestions_create",
        description="Enter a suggestion (hotline, liaison station, paper). Requires an "
        "Idempotency-Key: the same request again returns the first answer.",
    )
    def post(self, request):
        incoming = SuggestionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        jurisdiction = _jurisdiction_for(request, data.get("jurisdiction"))
        if not _may_enter(request, jurisdiction):
            raise ApiError("permission_denied", MAY_NOT_ENTER, status_code=403)
        category = Category.objects.filter(code=data["category"]).first()
        form = SuggestionForm(
            {
                **{k: data[k] for k in ("channel", "title", "text", "location")},
                "proposer_name": data["proposer_name"],
                "proposer_contact": data["proposer_contact"],
                "category": category.pk if category else data["category"] or "",
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)

        def create():
            cleaned = dict(form.cleaned_data)
            deputy = None
            if cleaned["channel"] == Channel.DEPUTY and token_of(request) is None:
                deputy = deputy_of(request.user, jurisdiction)
            suggestion = suggestion_submit(
                actor=request.user, jurisdiction=jurisdiction, deputy=deputy, **cleaned
            )
            suggestion = (
                project_selectors.suggestions_for_user(request.user)
                .filter(pk=suggestion.pk)
                .first()
                or suggestion
            )
            return 201, SuggestionOut(suggestion).data, suggestion

        return idempotency.once(request, create)


def _outcome(project) -> str:
    if project.stage in ("infeasible", "rejected", "not_elected"):
        return project.stage
    if project.stage in CANDIDATE_STAGES:
        return "candidate"
    if project.stage in RESULT_STAGES:
        return "elected"
    return "studying"


def _receipt(suggestion) -> dict:
    projects = []
    for project in suggestion.projects.all():
        outcome = _outcome(project)
        public = outcome in ("candidate", "elected", "not_elected")
        projects.append(
            {
                # before the Party committee's approval, not even the title is public
                "title": project.title if public else None,
                "outcome": outcome,
                "infeasible_reason": project.infeasible_reason if outcome == "infeasible" else None,
                "board": project.jurisdiction.code if public else None,
            }
        )
    return {
        "receipt_code": suggestion.receipt_code,
        "title": suggestion.title,
        "jurisdiction": suggestion.jurisdiction.code,
        "channel": suggestion.channel,
        "created": suggestion.created,
        "status": suggestion.status,
        "status_display": suggestion.get_status_display(),
        "route_level": suggestion.route_level,
        "route_level_display": suggestion.get_route_level_display()
        if suggestion.route_level
        else "",
        "route_note": suggestion.route_note,
        "projects": projects,
    }


class SuggestionReceipt(V1View):
    """What became of a suggestion, by its receipt code; no login (as the public page)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ReceiptOut, operation_id="suggestions_receipt")
    def get(self, request, code):
        suggestion = (
            Suggestion.objects.filter(receipt_code=code.strip().upper())
            .select_related("jurisdiction")
            .prefetch_related(
                Prefetch("projects", queryset=Project.objects.select_related("jurisdiction"))
            )
            .first()
        )
        if suggestion is None:
            raise ApiError("not_found", RECEIPT_NOT_FOUND, status_code=404)
        return Response(ReceiptOut(_receipt(suggestion)).data)
