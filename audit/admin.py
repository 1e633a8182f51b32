from django.contrib import admin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the table refuses changes anyway (PostgreSQL trigger)."""

    list_display = ("at", "action", "actor_username", "ip", "target")
    list_filter = ("action",)
    search_fields = ("actor_username", "target", "ip")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
