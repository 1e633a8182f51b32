"""Logging in: lockout after repeated failures, strong passwords, sessions that expire when
left alone, CSRF on every state change (the API with a session too), and the headers every
page carries."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from audit.choices import AuditAction
from audit.models import AuditLog
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory, inspector

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_times(n: int, username="zhang", ip="10.1.1.1"):
    client = Client()
    return [log_in(client, username, "wrong-password", ip) for _ in range(n)]


# --- lockout -----------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_on_that_device_with_a_chinese_message(settings):
    inspector(username="zhang")
    responses = fail_times(settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)

    locked = log_in(Client(), "zhang", PASSWORD)  # even the right password is refused now

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多" in page and "联系系统管理员解锁" in page
    assert 'value="zhang"' in page  # the username stays typed
    assert "_auth_user_id" not in Client().session


def test_the_lock_holds_one_username_from_one_address_only(settings):
    inspector(username="zhang")
    inspector(username="li")
    fail_times(settings.AXES_FAILURE_LIMIT, username="zhang", ip="10.1.1.1")

    assert log_in(Client(), "zhang", PASSWORD, ip="10.1.1.1").status_code == 429
    assert log_in(Client(), "zhang", PASSWORD, ip="10.2.2.2").status_code == 302  # the user elsewhere
    assert log_in(Client(), "li", PASSWORD, ip="10.1.1.1").status_code == 302  # a colleague on that PC


def test_a_forwarded_for_header_does_not_let_a_guesser_change_address(settings):
    inspector(username="zhang")
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "zhang", "password": "x"}, REMOTE_ADDR="10.1.1.1",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert log_in(Client(), "zhang", PASSWORD, ip="10.1.1.1").status_code == 429


def test_an_administrator_unlocks_the_account_in_the_admin(settings):
    inspector(username="zhang")
    admin = UserFactory(username="root", role="admin", region=None, is_staff=True, is_superuser=True)
    fail_times(settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="zhang")
    staff = Client()
    staff.force_login(admin)

    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "zhang" in listing.content.decode()
    assert staff.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302

    assert log_in(Client(), "zhang", PASSWORD).status_code == 302


def test_the_lockout_lifts_after_the_cool_off(settings):
    import datetime

    inspector(username="zhang")
    fail_times(settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
                                 - datetime.timedelta(seconds=1))
    assert log_in(Client(), "zhang", PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_locked_the_same_way(settings):
    inspector(username="zhang")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/auth/token/", {"username": "zhang", "password": "x"}, REMOTE_ADDR="10.1.1.1")

    response = client.post("/api/auth/token/", {"username": "zhang", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out" and "登录失败次数过多" in response.json()["detail"]


def test_failures_and_the_lockout_are_in_the_audit_log(settings):
    user = inspector(username="zhang")
    fail_times(settings.AXES_FAILURE_LIMIT)
    failed = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert {(e.actor_id, e.actor_username, e.ip) for e in failed} == {(user.pk, "zhang", "10.1.1.1")}
    assert AuditLog.objects.filter(action=AuditAction.LOCKED_OUT, actor_username="zhang").exists()


# --- passwords -----------------------------------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    ("abc12345", "密码长度太短"),  # under 10
    ("1234567890123", "只包含数字"),
    ("abcdefghijklmn", "同时包含字母和数字"),
    ("password123", "太常见"),
])
def test_weak_passwords_are_refused_in_chinese(password, message):
    user = inspector(username="zhangsan")
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    assert any(message in m for m in excinfo.value.messages), excinfo.value.messages


def test_a_long_mixed_password_is_accepted():
    validate_password("Xinshao2026anjian", inspector(username="zhangsan"))


def test_changing_to_a_weak_password_shows_the_reason_on_the_field():
    user = inspector(username="zhang")
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "new_password2" in errors and "同时包含字母和数字" in " ".join(errors["new_password2"])


# --- sessions --------------------------------------------------------------------------------------

def test_a_session_left_alone_expires_and_activity_keeps_it_alive(settings):
    settings.SESSION_COOKIE_AGE = 2
    client = Client()
    assert log_in(client, inspector(username="zhang").username, PASSWORD).status_code == 302
    for _ in range(3):  # 3 seconds of activity: longer than the age, but never idle for 2
        time.sleep(0.8)
        assert client.get("/").status_code == 200
    time.sleep(2.5)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_session_cookie_is_http_only_and_renewed_on_every_request(settings):
    client = Client()
    client.force_login(inspector())
    response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_SAVE_EVERY_REQUEST


# --- CSRF --------------------------------------------------------------------------------------------

def test_the_api_with_a_session_needs_the_csrf_token():
    user = inspector("430522")
    enterprise = EnterpriseFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = json.dumps({"title": "配电箱未接地", "enterprise": enterprise.pk})

    refused = client.post("/api/hazards/", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]

    client.get("/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/hazards/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_a_page_form_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(inspector())
    assert client.post("/notices/read-all/").status_code == 403


def test_token_clients_need_no_csrf_token():
    from rest_framework.authtoken.models import Token

    user = inspector("430522")
    token = Token.objects.create(user=user)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/hazards/", json.dumps({"title": "T", "enterprise": EnterpriseFactory().pk}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 201


# --- headers -------------------------------------------------------------------------------------------

def test_every_page_carries_a_strict_csp_and_refuses_framing(client):
    response = client.get("/accounts/login/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_docs_load_their_script_from_a_url_not_inline(client):
    client.force_login(inspector())
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script=' in page and "<style>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_production_settings_send_secure_cookies_and_hsts(tmp_path):
    code = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
r = Client().get("/healthz", secure=True)
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE, "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT, "hsts": r.get("Strict-Transport-Security"),
    "plain_http": Client().get("/healthz").status_code,
}))
"""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="testserver", HAZARDTRACK_VAR_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="hazardtrack.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["session_secure"] and seen["csrf_secure"] and seen["ssl_redirect"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert seen["plain_http"] == 301  # plain HTTP is sent to HTTPS
