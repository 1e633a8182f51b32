"""The Django admin, for province-wide administrators only.

The admin's lists are not scoped by jurisdiction (it is a maintenance tool over whole tables), so
it must only open for people who may see the whole province anyway: superusers and
administrators whose jurisdiction is the province (or no region at all). A city or county
administrator with is_staff still gets the admin's login page — they work in the application's
own pages, which are scoped.

`ReadOnlyAdmin` and `ReadOnlyInline` are every app's admin for rows that change only through the
services (hazards, incidents, tip-offs, inspections, notices): shown, never edited."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from accounts.choices import REGION_CODE_LENGTH, RegionLevel, Role
from accounts.jurisdiction import is_exempt


def sees_whole_province(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if is_exempt(user):
        return True
    return user.role == Role.ADMIN and len(user.region_id or "") <= REGION_CODE_LENGTH[RegionLevel.PROVINCE]


class ProvinceAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return sees_whole_province(request.user)


class ProvinceAdminConfig(AdminConfig):
    default_site = "hazardtrack.admin_site.ProvinceAdminSite"


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that change only through the services (each change an audit event): the admin
    shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A read-only table of a row's events or deliveries: its `fields` are shown, none edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
