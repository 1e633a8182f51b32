"""Admin views of the ledger are read-only: hazards change only through the services, so that
every change is a transition with its audit event."""
from django.contrib import admin

from hazardtrack.admin_site import ReadOnlyAdmin, ReadOnlyInline

from .models import Attachment, ExtensionRequest, Hazard, HazardEvent, RectificationPlan, ResumeApplication


class EventInline(ReadOnlyInline):
    model = HazardEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "comment")


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "region", "sector", "level", "status", "current_deadline")
    list_filter = ("status", "level", "source", "sector")
    search_fields = ("code", "original_code", "title")
    inlines = [EventInline]
    list_select_related = ("region", "sector")
    show_full_result_count = False


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    list_display = ("hazard", "action", "actor", "at", "from_status", "to_status")
    list_filter = ("action",)
    list_select_related = ("hazard", "actor")
    show_full_result_count = False


admin.site.register(Attachment, ReadOnlyAdmin)
admin.site.register(ExtensionRequest, ReadOnlyAdmin)
admin.site.register(RectificationPlan, ReadOnlyAdmin)
admin.site.register(ResumeApplication, ReadOnlyAdmin)
