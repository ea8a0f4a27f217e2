"""Deputies' duty records (履职档案) through the API, read-only, by the duty-record page's
own rule (`permissions.checks.can_read_duty_record`): a deputy reads their own record,
the congress office (the ranking step) reads its deputies'; anyone else's deputy is 404,
as a missing one. The record is `core.selectors.duty`'s: it counts that a deputy took
part (sessions attended, votes and ratings cast), never how they voted."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from guardian.shortcuts import get_objects_for_user
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.models import Jurisdiction
from core.selectors import duty as duty_selectors
from core.selectors.projects import deputies_for_user
from permissions import checks
from permissions.roles import Step, perm

from .auth import token_reaches, within_token
from .base import Pagination, V1View
from .filters import PlaceFilterSet

YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    description="The calendar year of work (2000–2100); this year when left out.",
)


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


def record_year(request) -> int:
    """The year asked for (a 400 naming `year` if it does not parse), else this year (an
    empty `year` too, as the list filters treat it)."""
    given = request.query_params.get("year", "")
    query = YearQuery(data={"year": given} if given != "" else {})
    query.is_valid(raise_exception=True)
    return query.validated_data.get("year") or timezone.localdate().year


class DutyDeputy(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    delegation = serializers.CharField()


class DutyLine(serializers.Serializer):
    source = serializers.CharField(help_text="The source's stable code (DUTY_SOURCES).")
    label = serializers.CharField()
    count = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=12, decimal_places=1)


class DutyRecordOut(serializers.Serializer):
    deputy = DutyDeputy()
    year = serializers.IntegerField()
    rank = serializers.IntegerField(
        allow_null=True, help_text="Among the jurisdiction's active deputies, by points."
    )
    total = serializers.DecimalField(max_digits=12, decimal_places=1)
    lines = serializers.SerializerMethodField()

    @extend_schema_field(DutyLine(many=True))
    def get_lines(self, record):
        rows = [
            {"source": s.code, "label": str(s.label), "count": count, "points": points}
            for s, count, points in record.lines()
        ]
        return DutyLine(rows, many=True).data


def ranking_places(user):
    """Where the user holds the ranking step: the same grant `can_rank_deputies` asks
    for, in one query for a whole list."""
    if not user.is_authenticated or not user.is_active:
        return Jurisdiction.objects.none()
    return get_objects_for_user(
        user, perm(Step.RANK_DEPUTIES), klass=Jurisdiction, accept_global_perms=False
    )


def readable_deputies(request):
    """Deputies whose record the caller may read: their own, and the deputies of the
    places where they rank deputies; within the caller's (and the token's) scope."""
    user = request.user
    qs = deputies_for_user(user).filter(
        Q(user_id=user.pk) | Q(jurisdiction__in=ranking_places(user))
    )
    return within_token(request, qs)


def records_of(deputies, year: int) -> list:
    """Each deputy's record with their rank: one ranking per jurisdiction on the page,
    whatever the number of deputies."""
    rankings: dict[int, dict] = {}
    records = []
    for deputy in deputies:
        if deputy.jurisdiction_id not in rankings:
            ranked = duty_selectors.ranking(deputy.jurisdiction, year)
            rankings[deputy.jurisdiction_id] = {r.deputy.pk: r for r in ranked}
        record = rankings[deputy.jurisdiction_id].get(deputy.pk)
        record = record or duty_selectors.duty_record(deputy, year)
        record.deputy = deputy  # the one fetched with its jurisdiction
        records.append(record)
    return records


def _record(deputy, request) -> Response:
    record = duty_selectors.duty_record(deputy, record_year(request))
    record.deputy = deputy
    return Response(DutyRecordOut(record).data)


@extend_schema_view(get=extend_schema(parameters=[YEAR], responses=DutyRecordOut(many=True)))
class DeputyList(V1View, generics.ListAPIView):
    """The active deputies whose duty records one reads, each with the year's record."""

    serializer_class = DutyRecordOut
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlaceFilterSet
    has_query_input = True

    def get_queryset(self):
        return (
            readable_deputies(self.request)
            .filter(active=True)
            .order_by("jurisdiction__path", "name", "pk")
        )

    def list(self, request, *args, **kwargs):
        year = record_year(request)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(DutyRecordOut(records_of(page, year), many=True).data)


class DeputyDuty(V1View):
    """One deputy's duty record for a year: the deputy's own, or the congress office's."""

    has_query_input = True

    @extend_schema(parameters=[YEAR], responses=DutyRecordOut, operation_id="deputies_duty")
    def get(self, request, pk):
        deputy = deputies_for_user(request.user).filter(pk=pk).first()
        if (
            deputy is None
            or not checks.can_read_duty_record(request.user, deputy)
            or not token_reaches(request, deputy.jurisdiction)
        ):
            raise Http404
        return _record(deputy, request)


class MyDuty(V1View):
    """The calling deputy's own duty record (404 for an account that is no active
    deputy)."""

    has_query_input = True

    @extend_schema(parameters=[YEAR], responses=DutyRecordOut, operation_id="deputies_me_duty")
    def get(self, request):
        try:
            deputy = request.user.deputy
        except ObjectDoesNotExist:
            raise Http404 from None
        if deputy is None or not deputy.active or not token_reaches(request, deputy.jurisdiction):
            raise Http404
        return _record(deputy, request)
