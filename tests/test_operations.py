"""What an operator relies on: health endpoints, and settings that refuse an unsafe production start."""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# `manage.py check --deploy` warnings we accept on purpose (README, "Security and reliability"):
#   security.W021  SECURE_HSTS_PRELOAD stays off by default: preloading is a one-way commitment
#                  for the whole domain that the operator opts into with SECURE_HSTS_PRELOAD=1.
ALLOWED_DEPLOY_WARNINGS = {"security.W021"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens here once the socket is closed


def _production_env(tmp_path, **extra) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests and would fail the deploy check.
    dropped = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DEBUG": "0", "HAZARDTRACK_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "hazardtrack.settings"})
    env.update(extra)
    return env


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_database_and_broker_ok(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_broker_when_it_is_unreachable(client, settings):
    from hazardtrack.celery import app

    dead_url = f"redis://127.0.0.1:{_closed_port()}/0"
    saved = app.conf.broker_url
    settings.CELERY_BROKER_URL = dead_url
    app.conf.broker_url = dead_url
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = saved

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_production_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="example.org"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    reported = set(re.findall(r"^\S*: \(([\w.]+)\)", output, flags=re.MULTILINE))
    assert reported <= ALLOWED_DEPLOY_WARNINGS, output
    if not reported:
        assert "System check identified no issues" in output
