"""API tokens: issued by an administrator, stored hashed, shown once, scoped, revocable,
on the decision log; HTTP Basic is off."""

import base64
import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEntry
from core.models.api import ApiToken
from core.services import api_tokens
from core.services.api_tokens import api_token_issue, api_token_revoke
from permissions.roles import Role

from .clients import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return User.objects.create_user("it.admin", is_staff=True)


def test_an_issued_token_is_stored_as_a_hash_and_logged(world, admin, user_of):
    clerk = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    token, raw = api_token_issue(
        actor=admin,
        name="12345 hotline",
        user=clerk,
        jurisdiction=world.jurisdictions["qh-dh"],
        scopes=["suggest", "read", "suggest"],
    )
    assert raw.startswith(f"lv_{token.prefix}_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.scopes == ["read", "suggest"]
    assert raw not in str(stored.__dict__) and stored.key_hash == api_tokens.hash_key(raw)
    entry = AuditEntry.objects.get(action="api_token.issue", target_id=str(token.pk))
    assert entry.actor == admin and token.prefix in entry.summary and raw not in entry.summary
    me = ApiClient(raw).get(reverse("v1-token-me")).json()
    assert me == {
        "name": "12345 hotline",
        "prefix": token.prefix,
        "user": clerk.username,
        "jurisdiction": "qh-dh",
        "scopes": ["read", "suggest"],
        "created": me["created"],
        "last_used_at": me["last_used_at"],
    }
    assert me["last_used_at"] is not None


def test_only_an_administrator_issues_and_nobody_for_themselves(world, admin, user_of):
    clerk = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    qh_dh = world.jurisdictions["qh-dh"]
    with pytest.raises(PermissionDenied) as refused:
        api_token_issue(actor=clerk, name="x", user=clerk, jurisdiction=qh_dh, scopes=["read"])
    assert refused.value.args[0] == api_tokens.TOKEN_NOT_ADMIN
    with pytest.raises(PermissionDenied) as refused:
        api_token_issue(actor=admin, name="x", user=admin, jurisdiction=qh_dh, scopes=["read"])
    assert refused.value.args[0] == api_tokens.TOKEN_FOR_ONESELF
    assert not ApiToken.objects.exists()


def test_a_token_is_refused_unknown_scopes_and_a_jurisdiction_its_account_does_not_read(
    world, admin, user_of
):
    clerk = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    with pytest.raises(ValidationError) as refused:
        api_token_issue(
            actor=admin,
            name="x",
            user=clerk,
            jurisdiction=world.jurisdictions["qh-dh"],
            scopes=["admin"],
        )
    assert "scopes" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        api_token_issue(
            actor=admin, name="x", user=clerk, jurisdiction=world.jurisdictions["qh-dh"], scopes=[]
        )
    assert "scopes" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        api_token_issue(
            actor=admin,
            name="x",
            user=clerk,
            jurisdiction=world.jurisdictions["qh-xs"],
            scopes=["read"],
        )
    assert "user" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused_and_the_revocation_logged(world, admin, user_of):
    clerk = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    token, raw = api_token_issue(
        actor=admin,
        name="dash",
        user=clerk,
        jurisdiction=world.jurisdictions["qh-dh"],
        scopes=["read"],
    )
    client = ApiClient(raw)
    assert client.get(reverse("v1-projects")).status_code == 200
    api_token_revoke(actor=admin, token=token)
    answer = client.get(reverse("v1-projects"))
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authentication_failed"
    assert answer["WWW-Authenticate"] == 'Bearer realm="api"'
    assert AuditEntry.objects.filter(action="api_token.revoke", target_id=str(token.pk)).exists()
    with pytest.raises(ValidationError):
        api_token_revoke(actor=admin, token=token)


@pytest.mark.parametrize(
    "header",
    ["Bearer lv_nope_nope", "Bearer", "Bearer a b", "Bearer lv_" + "x" * 300, "Bearer \u00e9"],
)
def test_a_wrong_or_malformed_token_is_401(header, world):
    answer = ApiClient().get(reverse("v1-projects"), HTTP_AUTHORIZATION=header)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authentication_failed"


def test_a_mistyped_secret_of_a_real_prefix_is_refused(issue_token, user_of):
    _token, raw = issue_token(user_of("qh-dh", Role.CONGRESS_OFFICE))
    answer = ApiClient(raw[:-1] + ("A" if raw[-1] != "A" else "B")).get(reverse("v1-projects"))
    assert answer.status_code == 401


def test_http_basic_is_off(world, user_of):
    # a fresh instance: the shared demo user must keep its own password hash in memory
    user = User.objects.get(pk=user_of("qh-dh", Role.CONGRESS_OFFICE).pk)
    user.set_password("demo-2026")
    user.save()
    basic = base64.b64encode(f"{user.username}:demo-2026".encode()).decode()
    for url in (reverse("v1-projects"), reverse("api-projects")):
        answer = ApiClient().get(url, HTTP_AUTHORIZATION=f"Basic {basic}")
        assert answer.status_code in (401, 403), url


def test_a_token_lacking_the_scope_is_refused_with_its_code(issue_token, user_of):
    _token, raw = issue_token(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("suggest",))
    answer = ApiClient(raw).get(reverse("v1-projects"))
    assert answer.status_code == 403
    assert answer.json()["error"] == {
        "code": "scope_missing",
        "message": "This token lacks the “read” scope.",
        "field": None,
        "fields": {},
    }


def test_any_token_may_ask_what_it_may_do(issue_token, user_of):
    _token, raw = issue_token(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("suggest",))
    assert ApiClient(raw).get(reverse("v1-token-me")).json()["scopes"] == ["suggest"]
    session = ApiClient().login(user_of("qh-dh", Role.GOVERNMENT_OFFICE))
    refused = session.get(reverse("v1-token-me"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"


def test_the_command_issues_lists_and_revokes(world):
    out = io.StringIO()
    call_command(
        "api_token",
        "issue",
        "--name",
        "12345 hotline",
        "--user",
        "qh.hotline",
        "--jurisdiction",
        "qh",
        "--scopes",
        "suggest",
        "--create-user",
        stdout=out,
    )
    raw = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert raw.startswith(f"lv_{token.prefix}_") and token.scopes == ["suggest"]
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and "active" in listing.getvalue()
    call_command("api_token", "revoke", token.prefix, stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None and api_tokens.api_token_authenticate(raw) is None


def test_the_admin_issues_a_token_once_and_revokes_it(client, world, user_of):
    admin = User.objects.create_superuser("root.admin", password="x-long-password-1")
    client.force_login(admin)
    clerk = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    answer = client.post(
        reverse("admin:core_apitoken_add"),
        {
            "name": "Liaison app",
            "user": clerk.pk,
            "jurisdiction": world.jurisdictions["qh-dh"].pk,
            "scopes": ["read", "suggest"],
        },
        follow=True,
    )
    token = ApiToken.objects.get()
    shown = [str(m) for m in answer.context["messages"]]
    assert any(f"lv_{token.prefix}_" in m for m in shown)
    page = client.get(reverse("admin:core_apitoken_change", args=[token.pk])).content.decode()
    assert f"lv_{token.prefix}_" not in page
    client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin


def test_the_decision_log_stays_intact_through_the_api_decisions(world, admin, user_of):
    from core.services.audit import verify_audit_log
    from core.services.webhooks import webhook_subscribe, webhook_unsubscribe

    supervisor = user_of("qh", Role.SUPERVISOR)
    token, _raw = api_token_issue(
        actor=admin,
        name="dash",
        user=supervisor,
        jurisdiction=world.jurisdictions["qh"],
        scopes=["read"],
    )
    subscription, _secret = webhook_subscribe(
        actor=supervisor,
        token=token,
        jurisdiction=world.jurisdictions["qh-dh"],
        url="https://dashboard.example.invalid/hooks",
        events=["step.done"],
    )
    webhook_unsubscribe(actor=supervisor, subscription=subscription)
    api_token_revoke(actor=admin, token=token)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"api_token.issue", "webhook.subscribe", "webhook.unsubscribe"} <= actions
    assert "api_token.revoke" in actions
    checked, problems = verify_audit_log()
    assert checked >= 4 and problems == []
