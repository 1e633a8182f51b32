"""The security audit log: who logged in (and failed to), who exported what, who changed whose
permissions or password — and no one, not even the database owner, rewrites it."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory

import audit
from audit.choices import AuditAction
from audit.models import AuditLog
from tests.factories import PASSWORD, UserFactory, inspector, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def administrator():
    return UserFactory(username="root", role="admin", region=None, is_staff=True, is_superuser=True)


def entries(action, **filters):
    return list(AuditLog.objects.filter(action=action, **filters).order_by("id"))


def test_a_login_is_recorded_with_address_and_browser():
    user = inspector(username="zhang")
    Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").post(
        "/accounts/login/", {"username": "zhang", "password": PASSWORD}, REMOTE_ADDR="10.8.8.8")
    (entry,) = entries(AuditAction.LOGIN)
    assert (entry.actor, entry.actor_username, entry.ip, entry.user_agent) == (user, "zhang", "10.8.8.8",
                                                                               "Mozilla/5.0 (iPhone)")


def test_a_failed_login_for_an_unknown_name_is_recorded_with_the_name_typed():
    Client().post("/accounts/login/", {"username": "nobody", "password": "guess"}, REMOTE_ADDR="10.9.9.9")
    (entry,) = entries(AuditAction.LOGIN_FAILED)
    assert (entry.actor, entry.actor_username, entry.ip) == (None, "nobody", "10.9.9.9")
    assert "guess" not in str(entry.detail)


def test_a_logout_is_recorded():
    user = inspector(username="zhang")
    client = Client()
    client.force_login(user)
    client.post("/accounts/logout/")
    assert [e.actor for e in entries(AuditAction.LOGOUT)] == [user]


def test_an_export_is_recorded_with_what_and_how_many():
    user = inspector(username="zhang")
    request = RequestFactory().get("/hazards/export/?status=overdue", REMOTE_ADDR="10.7.7.7")
    request.user = user

    audit.record_export(request, "隐患台账 Excel", 128, format="xlsx")

    (entry,) = entries(AuditAction.EXPORT)
    assert (entry.actor, entry.target, entry.ip) == (user, "隐患台账 Excel", "10.7.7.7")
    assert entry.detail == {"count": 128, "path": "/hazards/export/?status=overdue", "format": "xlsx"}


def test_a_role_and_jurisdiction_change_in_the_admin_is_recorded_with_who_did_it(administrator):
    user = inspector("430522", username="zhang")
    region("4305")
    client = Client()
    client.force_login(administrator)
    form = client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups",
                                                                                 "user_permissions")}
    data.update(role="supervisor", region="4305", is_active="on", date_joined_0=user.date_joined.date(),
                date_joined_1="00:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    for flag in ("is_staff", "is_superuser"):
        data.pop(flag, None)

    before = AuditLog.objects.order_by("-id").first().pk

    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data, REMOTE_ADDR="10.6.6.6")

    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = entries(AuditAction.PERMISSION_CHANGE, pk__gt=before)
    assert entry.actor == administrator and entry.ip == "10.6.6.6"
    assert entry.detail["changes"] == {"role": ["inspector", "supervisor"], "region": ["430522", "4305"]}


def test_granting_staff_or_a_group_is_recorded_even_outside_a_request():
    user = inspector(username="zhang")
    before = AuditLog.objects.count()

    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.create(name="市级督办"))
    user.last_login = None
    user.save(update_fields=["last_login"])  # not a permission: nothing recorded

    staff, group = AuditLog.objects.order_by("id")[before:]
    assert staff.detail == {"changes": {"is_staff": [False, True]}} and staff.actor is None
    assert group.detail == {"changes": {"groups": {"add": ["市级督办"]}}}
    assert AuditLog.objects.count() == before + 2


def test_a_password_change_is_recorded_without_the_password():
    user = inspector(username="zhang")
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Xinshao2026anjian",
                                                   "new_password2": "Xinshao2026anjian"})
    assert response.status_code == 302
    (entry,) = entries(AuditAction.PASSWORD_CHANGE)
    assert entry.actor == user and entry.target.startswith(f"accounts.user:{user.pk}")
    assert "Xinshao" not in str(entry.detail) and "pbkdf2" not in str(entry.detail) and "md5" not in str(entry.detail)


def test_creating_a_user_records_the_permissions_it_starts_with():
    user = UserFactory(username="newbie", role="supervisor", region=region("430522"))
    entry = entries(AuditAction.PERMISSION_CHANGE, target__startswith=f"accounts.user:{user.pk} ")[0]
    assert entry.detail["created"] is True
    assert entry.detail["changes"]["role"] == [None, "supervisor"]
    assert entry.detail["changes"]["region"] == [None, "430522"]


def test_the_audit_log_is_read_only_in_the_admin(administrator):
    inspector(username="zhang")
    entry = AuditLog.objects.first()
    client = Client()
    client.force_login(administrator)
    assert client.get("/admin/audit/auditlog/").status_code == 200
    assert client.get("/admin/audit/auditlog/add/").status_code == 403
    assert client.post(f"/admin/audit/auditlog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.postgres
def test_the_database_refuses_to_update_or_delete_audit_records():
    inspector(username="zhang")
    entry = AuditLog.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(actor_username="someone-else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditlog SET ip = '1.2.3.4'")  # raw SQL as the owner: refused too
    assert AuditLog.objects.get(pk=entry.pk).actor_username == entry.actor_username


@pytest.mark.postgres
def test_a_user_with_a_history_cannot_be_deleted_only_deactivated():
    from django.db.models import ProtectedError

    user = inspector(username="zhang")
    Client().post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    with pytest.raises(ProtectedError):
        user.delete()
