"""Login lock-out (django-axes): ten wrong passwords lock that username from that address
for the cool-off, on the login page, the admin and the API's HTTP Basic; the right
password from another address still works; the lock-out is on the decision log."""

import base64
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.demo import DEMO_PASSWORD
from core.models.audit import AuditEntry
from core.services.accounts import LOCKOUT_ACTION

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


@pytest.fixture(autouse=True)
def no_attempts():
    AccessAttempt.objects.all().delete()


@pytest.fixture
def deputy(world, django_user_model):
    return django_user_model.objects.get(username="qh.dh.deputy1")


def login(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_ten_times(client, username, address=ATTACKER):
    for _ in range(10):
        response = login(client, username, "wrong-password", address)
        assert response.status_code in (200, 429)


def test_ten_wrong_passwords_lock_the_username_from_that_address(client, deputy):
    fail_ten_times(client, deputy.username)
    response = login(client, deputy.username, DEMO_PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert not logged_in(client)
    assert "Too many wrong passwords" in response.content.decode() or response.status_code == 429


def test_the_right_password_from_another_address_still_works(client, deputy):
    fail_ten_times(client, deputy.username)
    response = login(client, deputy.username, DEMO_PASSWORD, OFFICE)
    assert response.status_code == 302
    assert logged_in(client)


def test_nine_wrong_passwords_then_the_right_one_log_in(client, deputy):
    for _ in range(9):
        login(client, deputy.username, "wrong-password", ATTACKER)
    assert login(client, deputy.username, DEMO_PASSWORD, ATTACKER).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, deputy):
    fail_ten_times(client, deputy.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, deputy.username, DEMO_PASSWORD, ATTACKER).status_code == 302


def test_the_lockout_is_on_the_decision_log_once(client, deputy):
    fail_ten_times(client, deputy.username)
    for _ in range(3):  # more tries during the lock add nothing
        login(client, deputy.username, "wrong-password", ATTACKER)
    entries = AuditEntry.objects.filter(action=LOCKOUT_ACTION)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.data["username"] == deputy.username
    assert entry.data["address"] == ATTACKER
    assert entry.jurisdiction.code == "qh-dh"
    assert entry.target_id == str(deputy.pk)
    call_command("verify_audit")


def test_an_unknown_username_is_locked_on_the_system_chain(client):
    fail_ten_times(client, "no-such-user")
    entry = AuditEntry.objects.get(action=LOCKOUT_ACTION)
    assert entry.jurisdiction is None and entry.data["username"] == "no-such-user"


def test_the_admin_login_is_covered(client, django_user_model):
    django_user_model.objects.create_superuser("root-admin", "root@x.invalid", "Admin-pass-2026")
    url = reverse("admin:login")
    for _ in range(10):
        client.post(url, {"username": "root-admin", "password": "nope"}, REMOTE_ADDR=ATTACKER)
    response = client.post(
        url, {"username": "root-admin", "password": "Admin-pass-2026"}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action=LOCKOUT_ACTION).exists()


def basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_the_api_takes_no_http_basic_even_with_the_right_password(client, deputy):
    """HTTP Basic is off on the whole API (other systems use their tokens), so a password
    sent with every request can be neither guessed at nor replayed there."""
    for url in (reverse("api-projects"), "/api/v1/projects/"):
        response = client.get(
            url, HTTP_AUTHORIZATION=basic(deputy.username, DEMO_PASSWORD), REMOTE_ADDR=ATTACKER
        )
        assert response.status_code in (401, 403)
    assert not AuditEntry.objects.filter(action=LOCKOUT_ACTION).exists()


def test_the_address_behind_nginx_is_the_forwarded_one(client, deputy, settings):
    """Behind one proxy every request comes from 127.0.0.1; the lock-out keys on the
    address nginx wrote into X-Forwarded-For, not on the proxy's."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(10):
        client.post(
            reverse("login"),
            {"username": deputy.username, "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}",
        )
    response = client.post(
        reverse("login"),
        {"username": deputy.username, "password": DEMO_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=OFFICE,
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action=LOCKOUT_ACTION).data["address"] == ATTACKER
