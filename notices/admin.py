"""Administrators edit the escalation policies and group robots here, and watch the runs and the
outbox. Runs and notices are read-only: only the job writes them."""
from django.contrib import admin, messages
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from accounts.choices import Role
from accounts.jurisdiction import has_role
from hazardtrack.admin_site import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import Delivery, EscalationPolicy, EscalationRun, Notice, WebhookEndpoint
from .policy import DEFAULT_LADDER


def _policy_description() -> str:
    # Formatted when shown: formatting a lazy string at import would fix its language.
    return gettext("本区划及其下级（没有更近的督办规则时）适用以下天数。未设置规则的地区使用默认值："
                   "提醒 一般%(rg)s天/重大%(rm)s天；县级督办 逾期%(l2g)s/%(l2m)s天；"
                   "市级督办并纳入通报 逾期%(l3g)s/%(l3m)s天；逾期第1天为一级督办。") % {
        "rg": DEFAULT_LADDER.remind_days_general, "rm": DEFAULT_LADDER.remind_days_major,
        "l2g": DEFAULT_LADDER.level2_days_general, "l2m": DEFAULT_LADDER.level2_days_major,
        "l3g": DEFAULT_LADDER.level3_days_general, "l3m": DEFAULT_LADDER.level3_days_major}


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    list_display = ("region", "region_id", "remind_days_general", "remind_days_major", "level2_days_general",
                    "level2_days_major", "level3_days_general", "level3_days_major", "updated_at")
    search_fields = ("region__code", "region__name")
    raw_id_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("region",),
                "description": lazy(_policy_description, str)()}),
        (_("一般隐患"), {"fields": ("remind_days_general", "level2_days_general", "level3_days_general")}),
        (_("重大隐患"), {"fields": ("remind_days_major", "level2_days_major", "level3_days_major")}),
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "flavour", "min_level", "enabled")
    list_filter = ("flavour", "enabled", "min_level")
    search_fields = ("name", "region__code", "region__name")
    raw_id_fields = ("region",)


@admin.register(EscalationRun)
class EscalationRunAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "status", "dry_run", "trigger", "started_at", "finished_at", "flagged", "reminders",
                    "level1", "level2", "level3", "deliveries", "circular_queued")
    list_filter = ("status", "dry_run", "trigger")
    date_hierarchy = "as_of"
    readonly_fields = [f.name for f in EscalationRun._meta.fields]


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ("channel", "recipient", "endpoint", "status", "attempts", "last_error", "next_attempt_at", "sent_at",
              "read_at")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("hazard", "kind", "level", "deadline", "as_of", "overdue_days", "created_at")
    list_filter = ("kind", "level")
    search_fields = ("hazard__code",)
    list_select_related = ("hazard",)
    raw_id_fields = ("hazard", "run")
    date_hierarchy = "as_of"
    inlines = [DeliveryInline]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("notice", "channel", "recipient", "endpoint", "status", "attempts", "next_attempt_at", "sent_at",
                    "short_error")
    list_filter = ("status", "channel")
    search_fields = ("notice__hazard__code", "recipient__username")
    list_select_related = ("notice", "recipient", "endpoint")
    actions = ["retry_now"]
    show_full_result_count = False

    @admin.display(description=_("最近错误"))
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    def has_retry_permission(self, request):
        return has_role(request.user, (Role.ADMIN,))

    @admin.action(description=_("立即重试所选消息"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = services.deliveries_retry(ids=queryset.values_list("id", flat=True))
        self.message_user(request, ngettext("%d 条消息将立即重试。", "%d 条消息将立即重试。", count) % count,
                          messages.SUCCESS)
