"""seed_demo: a newcomer's data set — every demo login works, and running it again changes nothing."""
from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from demo.seed import DEMO_PASSWORD
from hazards.choices import HazardStatus
from hazards.models import Hazard
from hazardtrack.dates import local_today
from hazardtrack.outbox import Channel
from notices.choices import RunStatus
from notices.models import Delivery, EscalationRun

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if not m._meta.proxy}


def test_seed_demo_twice_changes_nothing_and_every_demo_login_works():
    call_command("seed_demo", stdout=io.StringIO())
    first = table_counts()
    codes = set(Hazard.objects.values_list("code", "status", "version"))

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert table_counts() == first
    assert set(Hazard.objects.values_list("code", "status", "version")) == codes
    assert "跳过" in out.getvalue()

    for username in ("admin", "inspector", "supervisor", "city", "enterprise", "inspector2"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    # Hazards in every state, some overdue, across levels.
    assert set(Hazard.objects.values_list("status", flat=True)) == set(HazardStatus.values)
    assert Hazard.objects.overdue().exists()
    assert Hazard.objects.filter(level="major").exists()
    # As after last night's run: one run today, and the roles that chase deadlines have notices.
    today = local_today()
    assert EscalationRun.objects.filter(as_of=today, status=RunStatus.SUCCEEDED).count() == 1
    inboxes = set(Delivery.objects.filter(channel=Channel.INAPP).values_list("recipient__username", flat=True))
    assert {"inspector", "supervisor", "city"} <= inboxes, inboxes
    # The demo's transitions ran through the services: work that arrived is in the inboxes too.
    from notices.choices import HAZARD_EVENT_KINDS

    told = set(Delivery.objects.filter(channel=Channel.INAPP, notice__kind__in=HAZARD_EVENT_KINDS)
               .values_list("recipient__username", flat=True))
    assert {"enterprise", "supervisor"} <= told, told


# Every demo role's inbox (hazard notices, reports, accidents: the bell's count) and 待办.
DEMO_ROLES = ("admin", "inspector", "supervisor", "city", "enterprise", "inspector2", "grid")
# The grid worker's inbox holds what became of its reports (认定 / 不予认定 notices).
TODO_ONLY = ()


def test_after_seed_demo_every_demo_roles_inbox_and_todo_list_show_real_items(client):
    from accounts.models import User
    from hazards.todo import todo_list
    from notices.selectors import unread_count

    call_command("seed_demo", stdout=io.StringIO())
    empty = {}
    for username in DEMO_ROLES + TODO_ONLY:
        user = User.objects.get(username=username)
        messages = unread_count(user=user)
        todo = {item.key: item.count for item in todo_list(user=user)}
        if (not messages and username not in TODO_ONLY) or not any(todo.values()):
            empty[username] = (messages, todo)
    assert not empty, empty
    # The enterprise contact's unit: something overdue and something due soon, with days shown.
    client.force_login(User.objects.get(username="enterprise"))
    rows = {i["key"]: i for i in client.get("/api/todo/").json()}["to_rectify"]["hazards"]
    assert any(r["days_left"] < 0 for r in rows) and any(0 <= r["days_left"] <= 3 for r in rows), rows
    body = client.get("/notices/").content.decode()
    assert "已逾期" in body
