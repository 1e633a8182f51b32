"""Admin: administrators maintain checklists (as new versions), frequencies and conflicts.
Inspections, plans and documents are read-only here: they change only through the services."""
from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from hazardtrack.admin_site import ReadOnlyAdmin
from hazardtrack.errors import DomainError

from . import services
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateVersion,
    ConflictOfInterest,
    Inspection,
    InspectionDocument,
    InspectionFrequency,
    InspectionPlan,
)


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = ["position", "section", "text", "basis", "is_major_criterion", "category"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        # A version is immutable once any inspection used it.
        return obj is None or not obj.inspections.exists()

    has_delete_permission = has_change_permission

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class VersionInline(admin.TabularInline):
    model = ChecklistTemplateVersion
    fields = ["number", "notes", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sector", "is_active"]
    list_filter = ["sector", "is_active"]
    inlines = [VersionInline]
    actions = ["publish_copy"]

    @admin.action(description=_("以最新版本为基础发布新版本（随后可编辑新版本的检查项）"))
    def publish_copy(self, request, queryset):
        for template in queryset:
            latest = template.versions.order_by("-number").first()
            items = [
                {f: getattr(item, f) for f in ("section", "text", "basis", "is_major_criterion", "category")}
                for item in (latest.items.order_by("position") if latest else [])
            ]
            try:
                version = services.template_publish_version(actor=request.user, template=template, items=items,
                                                            notes=_("由第%(n)s版复制") % {"n": latest.number if latest else 0})
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                self.message_user(request, _("已发布 %(v)s。") % {"v": version})


@admin.register(ChecklistTemplateVersion)
class ChecklistTemplateVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "notes", "published_at"]
    readonly_fields = ["template", "number", "published_at", "published_by"]
    inlines = [ItemInline]

    def has_add_permission(self, request):
        return False  # new versions come from the template's action or the API


@admin.register(InspectionFrequency)
class InspectionFrequencyAdmin(admin.ModelAdmin):
    list_display = ["risk_colour", "months", "region"]
    list_filter = ["risk_colour"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["inspector", "enterprise", "reason", "recorded_at"]
    raw_id_fields = ["inspector", "enterprise", "recorded_by"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["date", "enterprise", "type", "status", "outcome"]
    list_filter = ["type", "status", "outcome"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "size", "status", "drawn_at", "published_at"]


@admin.register(InspectionDocument)
class InspectionDocumentAdmin(ReadOnlyAdmin):
    list_display = ["doc_no", "kind", "inspection", "issued_at"]
