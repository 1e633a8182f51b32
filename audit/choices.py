from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账号锁定")
    LOGOUT = "logout", _("退出")
    EXPORT = "export", _("导出")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    CALENDAR_CHANGE = "calendar_change", _("工作日历变更")
