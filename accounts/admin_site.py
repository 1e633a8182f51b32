"""The Django admin, for province-wide administrators only.

The admin's lists are not scoped by jurisdiction (it is a maintenance tool over whole tables), so
it must only open for people who may see the whole province anyway: staff who are superusers or
administrators whose jurisdiction is the province (or no region at all) —
`accounts.jurisdiction.is_province_administrator`. A city or county administrator with is_staff
still gets the admin's login page: they work in the application's own pages, which are scoped.

Installed in place of django.contrib.admin (settings.INSTALLED_APPS). The read-only admin bases
every app uses are the platform's (hazardtrack/admin_site.py)."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from .jurisdiction import is_province_administrator


class ProvinceAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return request.user.is_staff and is_province_administrator(request.user)


class ProvinceAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.ProvinceAdminSite"
