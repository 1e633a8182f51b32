"""The inbox as people read it: every notice a link to its hazard, the right count, unread first,
a filter by kind, one or all marked read; the bell named for screen readers."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notices.models import Delivery

from .conftest import day, escalate

pytestmark = pytest.mark.django_db


def inbox(client, **params):
    return client.get(reverse("notices:inbox"), params)


def test_the_inbox_counts_links_and_puts_unread_first(client, county):
    first, second, third = county.hazard(), county.hazard(), county.hazard()
    escalate(day(-2))  # reminders: 3 hazards
    escalate(day(1))   # level 1: 3 more
    client.force_login(county.inspector)
    read = Delivery.objects.inbox_of(county.inspector).get(notice__hazard=first, notice__level=0)
    client.post(reverse("notices:read", args=[read.pk]), {"next": reverse("notices:inbox")})

    page = inbox(client)
    body = page.content.decode()
    rows = list(page.context["page"].object_list)
    assert page.context["page"].paginator.count == 6 == len(rows)
    assert 'data-testid="inbox-count">共 6 条<' in body
    assert 'data-testid="inbox-unread">未读 5 条<' in body
    # Unread first: the one read message is last although it is not the oldest.
    assert [d.read_at is None for d in rows] == [True] * 5 + [False]
    for hazard in (first, second, third):
        assert f'href="{reverse("hazards:detail", args=[hazard.pk])}" data-testid="notice-link"' in body
    assert body.count('data-testid="mark-read"') == 5


def test_the_kind_filter_shows_one_kind_and_refuses_an_unknown_one(client, county):
    county.hazard()
    escalate(day(-2))
    escalate(day(1))
    client.force_login(county.inspector)
    reminders = inbox(client, kind="due_soon").context["page"].object_list
    assert [d.notice.kind for d in reminders] == ["due_soon"]
    assert [d.notice.kind for d in inbox(client, kind="overdue").context["page"].object_list] == ["overdue"]
    bad = inbox(client, kind="spam")
    assert bad.status_code == 400
    assert "没有“spam”这种消息类型" in bad.content.decode()


def test_marking_one_read_returns_to_the_inbox_and_all_read_clears_the_bell(client, county):
    county.hazard()
    county.hazard()
    escalate(day(1))
    client.force_login(county.inspector)
    one = inbox(client).context["page"].object_list[0]
    response = client.post(reverse("notices:read", args=[one.pk]), {"next": reverse("notices:inbox")})
    assert response.status_code == 302 and response.url == reverse("notices:inbox")
    assert Delivery.objects.inbox_of(county.inspector).unread().count() == 1
    assert 'aria-hidden="true" data-testid="bell-count">1<' in client.get(reverse("home")).content.decode()

    client.post(reverse("notices:read-all"))
    body = client.get(reverse("home")).content.decode()
    assert "bell-count" not in body
    assert Delivery.objects.inbox_of(county.inspector).unread().count() == 0


def test_the_bell_has_an_accessible_name_with_the_unread_count(client, county):
    county.hazard()
    escalate(day(1))
    client.force_login(county.inspector)
    bell = re.search(r'<a class="bell"[^>]*>', client.get(reverse("home")).content.decode()).group(0)
    assert 'aria-label="消息，未读 1 条"' in bell
