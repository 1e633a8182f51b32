"""The admin bases of every app (the site itself, for province administrators only, is
accounts/admin_site.py: who may open it is a jurisdiction rule).

`ReadOnlyAdmin` and `ReadOnlyInline` are every app's admin for rows that change only through the
services (hazards, incidents, tip-offs, inspections, notices): shown, never edited."""
from __future__ import annotations

from django.contrib import admin


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
