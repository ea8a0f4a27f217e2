"""seed_demo builds the demo world once; running it again duplicates nothing."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from viewflow.workflow.models import Task

from core.models import Deputy, Jurisdiction, Office, Project, RoleAssignment, Stage, Suggestion
from core.models.voting import VotingSession
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Jurisdiction, Office, Deputy, RoleAssignment, Project, Suggestion, Task)
    }


def test_seed_demo_builds_every_stage_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    assert 60 <= first["Project"] <= 150
    # three years whose titles are distinct within each jurisdiction
    assert set(Project.objects.values_list("year", flat=True)) >= {2024, 2025, 2026}
    titles = list(Project.objects.values_list("jurisdiction", "title"))
    assert len(titles) == len(set(titles))
    assert {"qh", "qh-dh", "qh-xs", "qh-nm"} <= set(
        Jurisdiction.objects.values_list("code", flat=True)
    )
    stages = set(Project.objects.values_list("stage", flat=True))
    assert stages >= {s.value for s in Stage}
    assert "demo-2026" in out.getvalue()
    assert "count-one-2026" in out.getvalue()  # the tellers' counting passphrases
    # The votes of 东湖镇: announced project and satisfaction votes, a paper session waiting
    # for its second teller, and next year's vote open with nobody yet voted.
    sessions = VotingSession.objects.filter(jurisdiction__code="qh-dh")
    assert sessions.filter(status="announced", kind="selection", method="electronic").exists()
    assert sessions.filter(status="announced", kind="satisfaction").get().counted_trackers.count()
    paper = sessions.get(status="closed", method="paper")
    assert paper.paper_tallies.values("teller").distinct().count() == 1
    open_vote = sessions.get(status="open")
    assert open_vote.attendance.filter(present=True).count() == 8
    assert not open_vote.participations.exists() and open_vote.public_key
    call_command("verify_audit", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first


def test_seed_demo_json_lists_the_logins():
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    logins = json.loads(out.getvalue())
    assert {"username", "password", "role", "jurisdiction", "parent_jurisdiction"} == set(logins[0])
    by_place = {}
    for login in logins:
        by_place.setdefault(login["jurisdiction"], set()).add(login["role"])
        user = User.objects.get(username=login["username"])
        assert user.check_password(login["password"])
    for code in ("qh", "qh-dh", "qh-xs", "qh-nm"):
        assert by_place[code] >= {r.value for r in Role}
    parents = {login["jurisdiction"]: login["parent_jurisdiction"] for login in logins}
    assert parents["qh"] is None and parents["qh-dh"] == "qh" and parents["qh-nm"] == "qh"
