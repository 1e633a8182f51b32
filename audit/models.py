"""The security audit log. Append-only: a PostgreSQL trigger (migration 0002) refuses UPDATE
and DELETE on its table, whoever connects."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


class AuditLog(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("事件"), max_length=32, choices=AuditAction.choices)
    # Users with a history are deactivated, never deleted (PROTECT); the name is kept as typed.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    target = models.CharField(_("对象"), max_length=200, blank=True,
                              help_text=_("如 accounts.user:12，或导出的内容"))
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["action", "-at"], name="auditlog_action_at"),
            models.Index(fields=["actor", "-at"], name="auditlog_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.actor_username} @ {self.at:%Y-%m-%d %H:%M}"
