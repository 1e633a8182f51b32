from django.contrib import admin

from audit.choices import AuditAction
from audit.services import record

from .models import CalendarOverride, CalendarYear, RegionDayRule


class OverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source_title", "source_number", "source_published_on", "version")
    inlines = [OverrideInline]
    readonly_fields = ("year", "source_title", "source_number", "source_published_on", "source_url", "version")

    def has_add_permission(self, request):
        return False  # years come with their notice (workdays/data.py)

    def has_change_permission(self, request, obj=None):
        return False  # read-only here: edited on the site's calendar page (/workdays/, workdays.services)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegionDayRule)
class RegionDayRuleAdmin(admin.ModelAdmin):
    """Province administrators (the admin site admits no one else) set how a region counts a period."""

    list_display = ("region", "deadline_type", "rule")
    autocomplete_fields = ()
    raw_id_fields = ("region",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(AuditAction.PERMISSION_CHANGE, request=request, target=f"workdays.regiondayrule:{obj.region_id}",
               detail={"region_day_rule": obj.region_id, "deadline_type": obj.deadline_type, "rule": obj.rule,
                       "changed": form.changed_data})

    def delete_model(self, request, obj):
        record(AuditAction.PERMISSION_CHANGE, request=request, target=f"workdays.regiondayrule:{obj.region_id}",
               detail={"region_day_rule": obj.region_id, "deadline_type": obj.deadline_type, "deleted": True})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
