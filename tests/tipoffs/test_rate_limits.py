"""Floods are turned away per client address with 429 and a clear Chinese message; what was
typed stays on the page. With Redis the count is shared by every worker process."""
from __future__ import annotations

import os
import re
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from tests.tipoffs.conftest import fill
from tipoffs import ratelimit
from tipoffs.models import TipOff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_window(settings):
    settings.TIPOFFS_RATE_LIMITS = {"submit": "2/600", "track": "3/600", "open311": "2/3600"}


def test_submissions_beyond_the_limit_get_429_with_a_chinese_message_and_the_text_kept(client, people, two_per_window):
    for _ in range(2):
        assert fill(client, region="430522100").status_code == 302

    response = fill(client, region="430522100", description="第三次举报：脚手架没有安全网")

    body = response.content.decode()
    assert response.status_code == 429
    assert re.search(r"提交过于频繁，请 \d+ 分钟后再试", body) and "12350" in body
    assert "第三次举报：脚手架没有安全网" in body
    assert 0 < int(response["Retry-After"]) <= 600
    assert TipOff.objects.count() == 2


def test_the_limit_counts_per_client_address(client, people, two_per_window):
    for _ in range(2):
        fill(client, region="430522100", remote_addr="198.51.100.1")
    assert fill(client, region="430522100", remote_addr="198.51.100.1").status_code == 429

    assert fill(client, region="430522100", remote_addr="198.51.100.2").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert ratelimit.client_ip(request) == "10.0.0.5"  # no proxy configured: never trust the header

    settings.TIPOFFS_PROXY_HOPS = 1
    assert ratelimit.client_ip(request) == "203.0.113.9"  # the entry our proxy added, not the spoofable first


def test_tracking_lookups_are_limited_too(client, people, two_per_window):
    for _ in range(3):
        assert client.get("/jubao/track/", {"code": "2345-6789-ABCD"}).status_code == 404

    response = client.get("/jubao/track/", {"code": "2345-6789-ABCD"})

    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()


def test_a_window_ends(people, two_per_window):
    assert ratelimit.hit("submit", "192.0.2.1", now=1_000_000.0) is None
    assert ratelimit.hit("submit", "192.0.2.1", now=1_000_000.0) is None
    assert ratelimit.hit("submit", "192.0.2.1", now=1_000_001.0) > 0

    assert ratelimit.hit("submit", "192.0.2.1", now=1_000_000.0 + 600) is None


@pytest.mark.redis
def test_with_redis_two_worker_processes_share_one_count(settings, two_per_window):
    """Two cache connections stand for two gunicorn workers: the third request is refused
    whichever worker receives it."""
    location = os.environ.get("REDIS_URL", "")
    prefix = f"tipoffs-test-{uuid.uuid4()}"
    settings.CACHES = {**settings.CACHES, "tipoffs": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location, "KEY_PREFIX": prefix}}
    from django.core.cache.backends.redis import RedisCache

    other_worker = RedisCache(location, {"KEY_PREFIX": prefix})
    identity = f"192.0.2.{uuid.uuid4().int % 250}"
    try:
        assert ratelimit.hit("submit", identity, now=2_000_000.0) is None
        # The second worker increments the same key.
        key_id = ratelimit._identity(identity)
        key = f"rl:submit:600:{key_id}:{int(2_000_000.0 // 600)}"
        assert other_worker.incr(key) == 2
        assert ratelimit.hit("submit", identity, now=2_000_000.0) > 0
    finally:
        caches["tipoffs"].delete_many([f"rl:submit:600:{ratelimit._identity(identity)}:{int(2_000_000.0 // 600)}"])


def test_a_cache_outage_does_not_take_the_form_down(client, people, settings):
    settings.CACHES = {**settings.CACHES, "tipoffs": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}

    response = fill(client, region="430522100")

    assert response.status_code == 302  # fails open, logged
    assert TipOff.objects.count() == 1
