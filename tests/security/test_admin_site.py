"""The Django admin shows whole tables: only province-wide administrators may open it."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.choices import Role
from tests.factories import HazardFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, code, superuser, opens", [
    (Role.ADMIN, "43", False, True),
    (Role.ADMIN, None, False, True),
    (Role.INSPECTOR, "43", True, True),
    (Role.ADMIN, "4305", False, False),
    (Role.ADMIN, "430522", False, False),
    (Role.SUPERVISOR, "43", False, False),
])
def test_only_province_wide_administrators_open_the_admin(client, role, code, superuser, opens):
    hazard = HazardFactory(region=region("430407001"))  # another city's hazard
    user = UserFactory(role=role, region=region(code) if code else None, is_staff=True, is_superuser=superuser)
    # Model permissions still apply inside the admin: everyone here may view hazards.
    user.user_permissions.add(Permission.objects.get(codename="view_hazard"))
    client.force_login(user)
    response = client.get(reverse("admin:hazards_hazard_changelist"))
    if opens:
        assert response.status_code == 200 and hazard.code in response.content.decode()
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
