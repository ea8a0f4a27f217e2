"""The demo shows every capability of the deputies' area, and the dashboard's funnel
counts, for 2026, the suggestions collected for 2026."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from core.demo import build_demo
from core.models import (
    CandidateComment,
    Channel,
    CommentStatus,
    DelegationReview,
    Jurisdiction,
    LiaisonStation,
    Project,
    Suggestion,
    SuggestionStatus,
)
from core.selectors import coverage, dashboard, duty

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_deputies_area():
    build_demo()
    dh = Jurisdiction.objects.get(code="qh-dh")
    # deputies with suggestions and points
    ranking = duty.ranking(dh, 2026)
    assert ranking[0].rank == 1 and ranking[0].total > 0
    assert sum(r.counts["suggestions_made"] for r in ranking) >= 2
    assert any(r.counts["suggestions_adopted"] for r in ranking)
    assert any(r.counts["sessions_attended"] and r.counts["votes_cast"] for r in ranking)
    # a station with its QR poster, and what came in through it
    station = LiaisonStation.objects.get(code="qh-dh-zx")
    assert station.deputies.count() == 4 and station.suggestions.exists()
    assert Suggestion.objects.filter(channel=Channel.QR, addressed_deputy__isnull=False).exists()
    # routed up to the county, kept for next year, handled by a community
    up = Suggestion.objects.get(title="东湖至西山公路拓宽")
    assert up.jurisdiction.code == "qh" and up.origin == dh
    assert Suggestion.objects.filter(status=SuggestionStatus.POOLED, year=2028).exists()
    assert Suggestion.objects.filter(status=SuggestionStatus.HANDLED).exists()
    # an autumn of wishes to group, one group merged; the special collection
    assert Project.objects.filter(title="幸福路路灯建设工程", year=2027).exists()
    assert Suggestion.objects.filter(channel=Channel.SPECIAL, year=2027).count() == 5
    # candidates with public comments and delegations' opinions
    assert CandidateComment.objects.filter(status=CommentStatus.PUBLISHED).exists()
    assert CandidateComment.objects.filter(status=CommentStatus.REJECTED).exists()
    assert DelegationReview.objects.filter(opinions__gt="").exists()
    # the county's 2027 slate: one office has signed, the materials have gone out
    from core.models.slate import MaterialsDispatch, SlatePolicy, SlateSignature

    assert SlatePolicy.objects.get(jurisdiction__code="qh").special_share > 0
    assert SlateSignature.objects.filter(session__jurisdiction__code="qh").count() == 1
    assert MaterialsDispatch.objects.filter(session__jurisdiction__code="qh").exists()
    call_command("verify_audit", stdout=__import__("io").StringIO())


def test_the_funnel_counts_the_suggestions_collected_for_2026():
    build_demo()
    supervisor = User.objects.get(username="qh.supervisor")
    filters = dashboard.resolve_filters(supervisor, code="qh", year=2026, category=None)
    figures = dashboard.dashboard_figures(supervisor, filters)
    collected = Suggestion.objects.filter(year=2026).count()
    assert figures["suggestions"] == collected >= figures["totals"]["registered"] > 0
    assert figures["deputies"]["taking_part"] > 0
    cov = coverage.coverage(supervisor, filters.root, 2026)
    assert cov.units == 3 and cov.voted == 3 and cov.share == 100
