"""The case timeline reads like a register: sentences, names, labels, in the reader's
language; never a stored id, code, boolean or login."""

import re

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from core.demo import build_demo
from core.models import Project
from core.selectors.timeline import case_timeline
from core.selectors.timeline_text import Change, history_sources

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")


def _choice_codes():
    codes = set()
    for model in history_sources():
        for f in model._meta.get_fields():
            for code, _label in getattr(f, "flatchoices", None) or []:
                if isinstance(code, str) and code:
                    codes.add(code)
    return codes


def _texts(event):
    yield event.title
    yield event.who
    yield from event.lines
    for change in event.changes:
        yield change.label
        yield change.old
        yield change.new


def _relation_labels():
    labels = set()
    for model in history_sources():
        for f in model._meta.get_fields():
            if f.is_relation and f.many_to_one and hasattr(f, "verbose_name"):
                labels.add(str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:])
    return labels


def test_no_raw_id_code_boolean_or_login_in_any_demo_timeline_in_either_language():
    build_demo()
    logins = set(User.objects.values_list("username", flat=True))
    projects = list(Project.objects.select_related("process").all())
    assert len(projects) >= 30
    for language in ("zh-hans", "en"):
        with translation.override(language):
            codes = _choice_codes()
            relation_labels = _relation_labels()
            for project in projects:
                events = case_timeline(project)
                assert events, project
                for event in events:
                    for text in _texts(event):
                        assert text not in logins, (project, event)
                        assert not any(login in text for login in logins if "." in login)
                        assert text not in ("True", "False", "None"), (project, event)
                    for change in event.changes:
                        assert change.old not in codes and change.new not in codes, change
                        if change.label in relation_labels:
                            assert not change.old.isdigit() and not change.new.isdigit(), change
                    if language == "en":
                        assert not CJK.search(QUOTED.sub("", event.title)), event.title
                        for change in event.changes:
                            assert not CJK.search(change.label), change.label
                    else:
                        assert CJK.search(event.title), event.title


def test_a_step_reads_as_one_sentence_with_its_changes(make_case, world):
    case = make_case("qh-dh", to="party_review")
    with translation.override("en"):
        events = case_timeline(case.project)
    study = next(e for e in events if e.title == "Study feasibility")
    assert "Found feasible" in study.lines
    labels = {c.label: (c.old, c.new) for c in study.changes}
    assert labels["Feasible"] == ("—", "Yes")
    assert labels["Stage"] == ("Feasibility study", "Party committee review")
    assign = next(e for e in events if e.title == "Assign feasibility study")
    assert dict((c.label, c.new) for c in assign.changes)["Lead unit"] == (
        case.project.lead_unit.name
    )
    assert assign.who == world.users[("qh-dh", "government_office")].get_full_name()


def test_an_empty_note_says_nothing_and_long_texts_fold(make_case, world):
    from core.services import projects
    from permissions.roles import Role

    case = make_case("qh-dh", to="assign_study")
    projects.project_assign_study(
        actor=world.users[("qh-dh", Role.GOVERNMENT_OFFICE)],
        task=case.task("assign_study"),
        department=world.offices[("qh-dh", "works")],
        note="",
    )
    with translation.override("en"):
        events = case_timeline(case.project)
    assign = next(e for e in events if e.title == "Assign feasibility study")
    assert not any(line.startswith("Note") for line in assign.lines)
    assert Change("x", "a" * 100, "b").long and not Change("x", "a", "b").long


def test_a_monitor_signs_off_for_the_group(make_case):
    case = make_case("qh-dh", to="acceptance")
    monitor = case.project.monitors.order_by("pk").first().user
    with translation.override("en"):
        events = case_timeline(case.project)
    sign_offs = [e for e in events if e.title == "Monitoring group sign-off"]
    assert sign_offs and all(
        e.who == f"{monitor.get_full_name()}, for the monitoring group" for e in sign_offs
    )
