"""Admin views of incidents are read-only: incidents change only through the services, so that
every change is an action with its audit event."""
from django.contrib import admin

from hazardtrack.admin_site import ReadOnlyAdmin, ReadOnlyInline

from .models import Incident, IncidentAttachment, IncidentEvent, IncidentHazard, IncidentNotice, IncidentReport, Investigation


class StepInline(ReadOnlyInline):
    model = IncidentReport
    fields = ("sequence", "from_level", "to_level", "due_at", "reported_at", "reported_by")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "occurred_at", "region", "sector", "type", "grade", "deaths", "status")
    list_filter = ("grade", "status", "type", "sector")
    search_fields = ("code", "title")
    inlines = [StepInline]
    list_select_related = ("region", "sector")
    show_full_result_count = False


@admin.register(IncidentEvent)
class IncidentEventAdmin(ReadOnlyAdmin):
    list_display = ("incident", "action", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("incident", "actor")
    show_full_result_count = False


for model in (IncidentReport, Investigation, IncidentAttachment, IncidentHazard, IncidentNotice):
    admin.site.register(model, ReadOnlyAdmin)
