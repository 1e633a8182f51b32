from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are created by uploads; their issues are in the downloadable report."""

    list_display = ("id", "kind", "original_name", "status", "uploaded_by", "total_rows", "imported_rows", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("original_name",)
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
