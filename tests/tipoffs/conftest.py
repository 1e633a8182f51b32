"""Tip-off test setup: fast password hashing, a private rate-limit cache per test, the people
of two counties, and a helper that fills the public form like a visitor."""
from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

import pytest

from accounts.choices import Role
from tests import factories
from tests.factories import EnterpriseFactory, UserFactory
from tipoffs import challenge

TOKEN_RE = re.compile(r'name="challenge_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tipoffs_cache(settings):
    """Each test counts from zero: its own in-memory "tipoffs" cache (with REDIS_URL set the
    real one is Redis, shared by every run; test_rate_limits has the Redis test)."""
    settings.CACHES = {**settings.CACHES, "tipoffs": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"tipoffs-{uuid.uuid4()}"}}


@pytest.fixture
def people(db):
    """新邵县 (430522) staff, 石鼓区 (430407) staff next door, the 邵阳市 city supervisor, a grid
    worker and an enterprise contact."""
    factories.region("4305", "邵阳市")
    factories.region("430522", "新邵县")
    factories.region("430407", "石鼓区")
    factories.region("430522100", "酿溪镇")
    factories.region("430522101", "严塘镇")
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    return SimpleNamespace(
        inspector=factories.inspector("430522", full_name="张检查"),
        supervisor=factories.supervisor("430522", full_name="王督办"),
        second_supervisor=factories.supervisor("430522", full_name="李审核"),
        city=factories.supervisor("4305", full_name="赵市督"),
        neighbour_inspector=factories.inspector("430407", full_name="陈衡检"),
        neighbour_supervisor=factories.supervisor("430407", full_name="孙石督"),
        grid=UserFactory(role=Role.GRID, region=factories.region("430522100")),
        enterprise=enterprise,
        contact=factories.enterprise_contact(enterprise),
    )


def form_token(response) -> str:
    match = TOKEN_RE.search(response.content.decode())
    assert match, "the form carries a challenge token"
    return match.group(1)


def answer_for(token: str) -> str:
    return str(challenge.read(token).answer)


def fill(client, *, photos=(), answer: bool = True, remote_addr: str = "203.0.113.7", **fields):
    """GET the form, then POST it as a visitor would (answering the question unless told not)."""
    page = client.get("/jubao/", REMOTE_ADDR=remote_addr)
    token = form_token(page)
    data = {
        "description": "酿溪镇某五金厂车间安全出口被锁，通道堆满纸箱。",
        "address": "新邵县酿溪镇工业园五金厂",
        "region": "",
        "sector": "",
        "consent": "on",
        "challenge_token": token,
        "challenge_answer": answer_for(token) if answer else "",
        **fields,
    }
    if photos:
        data["photos"] = list(photos)
    return client.post("/jubao/", data, REMOTE_ADDR=remote_addr)
