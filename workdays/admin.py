from django.contrib import admin

from .models import CalendarOverride, CalendarYear


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
        return False  # read-only here: edits go through an audited service, not yet built

    def has_delete_permission(self, request, obj=None):
        return False
