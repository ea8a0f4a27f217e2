"""The offices that run the vote cannot bend it: attacks tried as an office would, each
refused, with nothing changed and the attempt's legitimate twin on the decision log."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import messages
from core.models import AuditEntry, Deputy, RoleAssignment, Stage
from core.models.voting import SealedBallot, SessionStatus
from core.services import imports, organisation, projects
from core.services import voting as services
from core.services.steps import StepRefused
from permissions.roles import Role

from .session_setup import (
    CODE,
    PASSPHRASES,
    approved_session,
    cast_all,
    count,
    deputies,
    fresh_user,
    ids,
    open_session,
    set_teller_keys,
)

pytestmark = pytest.mark.django_db


def congress(world, code=CODE):
    return fresh_user(world.users[(code, Role.CONGRESS_OFFICE)])


# -- 1. an outcome by hand beside a live session -------------------------------------------


def test_the_congress_office_cannot_record_a_slate_projects_outcome_by_hand(
    world, client, make_case
):
    projects_ = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects_, rules={"seats": 2})
    target = projects_[2]
    client.force_login(congress(world))
    response = client.post(f"/work/cases/{target.pk}/vote/", {"elected": "yes", "yes": "999"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.stage == Stage.CANDIDATE and target.vote_yes is None
    a, b, c = ids(projects_)
    cast_all(session, [{a: "yes", b: "yes", c: "no"}] * 8)
    from .session_setup import close_and_announce

    close_and_announce(world, session)
    target.refresh_from_db()
    assert target.stage == Stage.NOT_ELECTED and target.vote_yes == 0
    board = client.get(reverse("public:board", args=[CODE])).content.decode()
    assert "999" not in board


def test_a_satisfaction_result_by_hand_is_refused_for_a_project_on_a_session(world, make_case):
    rated = make_case(CODE, to="evaluation").project
    approved_session(world, [rated], kind="satisfaction")
    with pytest.raises(StepRefused) as refused:
        projects.project_record_satisfaction(actor=congress(world), project=rated, rate=99)
    assert refused.value.message == messages.OUTCOME_BELONGS_TO_SESSION
    rated.refresh_from_db()
    assert rated.stage == Stage.EVALUATION


# -- 2. roles granted by whoever wants them ---------------------------------------------------


def test_nobody_grants_a_role_to_themselves(world):
    clerk = congress(world)
    for role in (Role.TELLER, Role.PARTY_OFFICE, Role.SUPERVISOR):
        with pytest.raises(PermissionDenied) as refused:
            organisation.role_assign(
                actor=clerk, user=clerk, role=role, jurisdiction=world.jurisdictions[CODE]
            )
        assert str(refused.value) == str(messages.ROLE_SELF_GRANT)
    assert set(RoleAssignment.objects.filter(user=clerk).values_list("role", flat=True)) == {
        Role.CONGRESS_OFFICE
    }


def test_an_office_grants_no_role_in_its_own_jurisdiction_but_the_level_above_does(world):
    newcomer = User.objects.create_user("qh.dh.newteller", first_name="新计票人")
    township = world.jurisdictions[CODE]
    with pytest.raises(PermissionDenied) as refused:
        organisation.role_assign(
            actor=congress(world), user=newcomer, role=Role.TELLER, jurisdiction=township
        )
    assert str(refused.value) == str(messages.ROLE_NOT_YOURS)
    with pytest.raises(PermissionDenied):  # nor a sibling's
        organisation.role_assign(
            actor=congress(world, "qh-xs"), user=newcomer, role=Role.TELLER, jurisdiction=township
        )
    assignment = organisation.role_assign(
        actor=congress(world, "qh"),
        user=newcomer,
        role=Role.TELLER,
        jurisdiction=township,
        reason="换届后新任计票人",
    )
    entry = AuditEntry.objects.filter(action="role.grant", target_id=str(newcomer.pk)).get()
    assert entry.actor == world.users[("qh", Role.CONGRESS_OFFICE)]
    assert entry.data["role"] == Role.TELLER and entry.data["reason"] == "换届后新任计票人"
    assert newcomer.notifications.filter(kind="role").exists()  # told to the grantee
    with pytest.raises(ValidationError):
        organisation.role_revoke(actor=congress(world, "qh"), assignment=assignment, reason="")
    organisation.role_revoke(actor=congress(world, "qh"), assignment=assignment, reason="调离")
    assert AuditEntry.objects.filter(action="role.revoke", target_id=str(newcomer.pk)).exists()


def _import(world, actor, kind, text):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "roster.csv"
    upload.size = len(text.encode("utf-8"))
    return imports.import_preview(
        actor=actor, jurisdiction=world.jurisdictions[CODE], kind=kind, upload=upload
    )


def test_the_roster_import_grants_no_office_role_and_no_role_to_the_importer(world):
    clerk = congress(world)
    rows = "\n".join(
        f"qh.dh.congress,X,{role},qh-dh" for role in ("teller", "party_office", "supervisor")
    )
    batch = _import(world, clerk, "users", "username,name,role,jurisdiction\n" + rows + "\n")
    assert batch.errors
    with pytest.raises(ValidationError):
        imports.import_apply(actor=clerk, batch=batch)
    assert set(RoleAssignment.objects.filter(user=clerk).values_list("role", flat=True)) == {
        Role.CONGRESS_OFFICE
    }
    other = "username,name,role,jurisdiction\nqh.dh.someone,某人,teller,qh-dh\n"
    assert _import(world, clerk, "users", other).errors  # no office role for anyone


def test_a_deputies_import_cannot_put_an_office_account_on_the_attendance_list(world):
    clerk = congress(world)
    text = (
        "name,id_number,username,jurisdiction\n人大办干部,11010519491231002X,qh.dh.congress,qh-dh\n"
    )
    batch = _import(world, clerk, "deputies", text)
    assert batch.errors
    assert not Deputy.objects.filter(user=clerk).exists()


# -- 3. the number of deputies typed by hand -----------------------------------------------


def test_the_number_of_deputies_comes_from_the_roster_when_voting_opens(world, make_case, client):
    projects_ = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = approved_session(world, projects_, rules={"seats": 2})
    client.force_login(congress(world))
    rules = client.get(reverse("voting:session_rules", args=[session.pk]))
    assert "deputies_total" not in rules.content.decode()
    roster = deputies()
    services.session_record_attendance(actor=congress(world), session=session, present=roster[:5])
    # A deputy leaves the roster before the opening: the total follows the roster.
    leaving = roster[7]
    leaving.active = False
    leaving.save()
    set_teller_keys(world, session)
    services.session_open(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.deputies_total == 7 and session.ballots_issued == 5


# -- four eyes -------------------------------------------------------------------------------


def test_whoever_built_the_slate_cannot_approve_it(world, make_case):
    township = world.jurisdictions[CODE]
    builder = User.objects.create_user("qh.dh.dual", first_name="兼职")
    for role in (Role.CONGRESS_OFFICE, Role.PARTY_OFFICE):
        organisation.role_assign(
            actor=congress(world, "qh"), user=builder, role=role, jurisdiction=township
        )
    builder = fresh_user(builder)
    projects_ = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = services.session_create(
        actor=builder, jurisdiction=township, year=2026, kind="selection", rules={"seats": 2}
    )
    services.session_build_slate(actor=builder, session=session, projects=projects_)
    with pytest.raises(PermissionDenied) as refused:
        services.session_approve_slate(actor=builder, session=session)
    assert str(refused.value) == str(messages.SLATE_APPROVER_IS_BUILDER)
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT


def test_a_teller_who_runs_the_session_may_not_count_it(world, make_case):
    township = world.jurisdictions[CODE]
    clerk = world.users[(CODE, Role.CONGRESS_OFFICE)]
    organisation.role_assign(
        actor=congress(world, "qh"), user=clerk, role=Role.TELLER, jurisdiction=township
    )
    projects_ = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = approved_session(world, projects_, rules={"seats": 2})
    with pytest.raises(PermissionDenied) as refused:
        services.teller_key_set(
            actor=fresh_user(clerk), session=session, passphrase="x" * 12, confirm="x" * 12
        )
    assert str(refused.value) == str(messages.TELLER_RUNS_SESSION)


def test_the_two_paper_counts_come_from_two_tellers_who_do_not_run_the_session(world, make_case):
    projects_ = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects_, method="paper", rules={"seats": 2})
    services.session_close(actor=congress(world), session=session)
    with pytest.raises(PermissionDenied):
        services.paper_entry_submit(
            actor=congress(world),
            session=session,
            ballots_returned=8,
            ballots_invalid=0,
            counts={},
        )
    entry = {"ballots_returned": 8, "ballots_invalid": 0, "counts": {}}
    teller = world.users[(CODE, Role.TELLER)]
    services.paper_entry_submit(actor=teller, session=session, **entry)
    services.paper_entry_submit(actor=teller, session=session, **entry)  # a correction
    with pytest.raises(StepRefused):  # one teller's two entries are not two counts
        services.session_announce(actor=congress(world), session=session)


# -- counting keys: one forgotten passphrase, or too many ------------------------------------


def _closed_with_ballots(world, make_case):
    projects_ = [make_case(CODE, to="candidate").project for _ in range(3)]
    session = open_session(world, projects_, rules={"seats": 2})
    a, b, c = ids(projects_)
    cast_all(session, [{a: "yes", b: "yes"}] * 5 + [{c: "yes"}] * 3)
    services.session_close(actor=congress(world), session=session)
    session.refresh_from_db()
    return session, projects_


def test_one_forgotten_passphrase_does_not_stop_the_count(world, make_case):
    session, _projects = _closed_with_ballots(world, make_case)
    count(world, session, tellers=("teller2", "teller3"))
    services.session_announce(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED and session.result["ballots_cast"] == 8
    entry = AuditEntry.objects.filter(action__endswith="count_ballots", target_id=str(session.pk))
    assert entry.get().data["decision"]["ballots_digest"] == session.ballots_digest


def test_wrong_or_too_few_passphrases_change_nothing_and_name_the_teller(world, make_case):
    session, _projects = _closed_with_ballots(world, make_case)
    first = world.users[(CODE, Role.TELLER)]
    second = world.users[(CODE, "teller2")]
    with pytest.raises(ValidationError) as refused:
        services.session_count(
            actor=first,
            session=session,
            passphrases={first.pk: PASSPHRASES[Role.TELLER], second.pk: "forgotten-it"},
        )
    text = " ".join(refused.value.messages)
    assert second.first_name in text and "2" in text
    assert SealedBallot.objects.filter(session=session).count() == 8
    assert session.key_shares.count() == 3
    # Too few can open it: the office counts on paper; the sealed ballots are kept.
    services.session_fallback_to_paper(actor=first, session=session, reason="两名计票人遗忘口令")
    session.refresh_from_db()
    assert session.is_paper and SealedBallot.objects.filter(session=session).count() == 8
    entry = {
        "ballots_returned": 8,
        "ballots_invalid": 0,
        "counts": {ids(_projects)[0]: {"yes": 6, "no": 1, "abstain": 1}},
    }
    for key in (Role.TELLER, "teller3"):
        services.paper_entry_submit(actor=world.users[(CODE, key)], session=session, **entry)
    services.session_announce(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    assert not SealedBallot.objects.filter(session=session).exists()


def test_a_ballot_row_changed_after_the_count_stops_the_announcement(world, make_case):
    session, _projects = _closed_with_ballots(world, make_case)
    count(world, session)
    ballot = session.ballots.first()
    ballot.marks = {}  # every ballot cast here marked something
    ballot.save()
    with pytest.raises(StepRefused) as refused:
        services.session_announce(actor=congress(world), session=session)
    assert refused.value.message == messages.BALLOTS_CHANGED_SINCE_COUNT


def test_every_decision_of_a_vote_is_on_the_log_and_the_log_verifies(world, make_case):
    from core.services.audit import verify_audit_log

    session, _projects = _closed_with_ballots(world, make_case)
    count(world, session)
    services.session_announce(actor=congress(world), session=session)
    actions = set(
        AuditEntry.objects.filter(
            target_id=str(session.pk), target_type="core.votingsession"
        ).values_list("action", flat=True)
    )
    for action in (
        "session.create",
        "session.slate",
        "step.VotingSessionFlow.approve_slate",
        "session.attendance",
        "session.teller_key",
        "step.VotingSessionFlow.open_session",
        "step.VotingSessionFlow.close_session",
        "step.VotingSessionFlow.count_ballots",
        "step.VotingSessionFlow.announce",
    ):
        assert action in actions
    announce = AuditEntry.objects.get(
        action="step.VotingSessionFlow.announce", target_id=str(session.pk)
    )
    assert announce.data["decision"]["ballots_digest"] == session.ballots_digest
    assert verify_audit_log()[1] == []
