"""Admin views of tip-offs are read-only: they change only through the services (each change an
audit event). Open311 clients are made with `manage.py open311_client create` (the key is shown
once); here they can only be switched off."""
from django.contrib import admin

from hazardtrack.admin_site import ReadOnlyAdmin, ReadOnlyInline

from .models import Open311Client, Reward, TipOff, TipOffEvent


class TipOffEventInline(ReadOnlyInline):
    model = TipOffEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "comment")


@admin.register(TipOff)
class TipOffAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "channel", "region", "sector", "status", "submitted_at")
    list_filter = ("status", "channel", "sector")
    search_fields = ("tracking_code", "description", "address")
    list_select_related = ("region", "sector")
    inlines = [TipOffEventInline]
    show_full_result_count = False


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ("tipoff", "amount", "status", "proposed_by", "approved_by", "paid_at")
    list_filter = ("status",)
    list_select_related = ("tipoff", "proposed_by", "approved_by")


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "region", "is_active", "created_at", "last_used_at")
    fields = ("name", "key_prefix", "region", "is_active", "created_at", "last_used_at")
    readonly_fields = ("name", "key_prefix", "region", "created_at", "last_used_at")
    list_select_related = ("region",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
