from django.contrib import admin

from .models import Circular, CircularItem, Report, ReportDelivery, Subscription


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "region", "period_start", "period_end", "generated_at")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "region", "by_email", "created_at")
    list_filter = ("kind", "by_email")
    raw_id_fields = ("user", "region")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("report", "recipient", "channel", "status", "attempts", "sent_at", "read_at")
    list_filter = ("channel", "status")
    readonly_fields = [f.name for f in ReportDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


class CircularItemInline(admin.TabularInline):
    model = CircularItem
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in CircularItem._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Circular)
class CircularAdmin(admin.ModelAdmin):
    """Read-only: drafts are edited and published through the pages (supervision.services)."""

    list_display = ("title", "doc_no", "region", "status", "period_start", "period_end", "published_at")
    list_filter = ("status",)
    inlines = [CircularItemInline]
    readonly_fields = [f.name for f in Circular._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
