"""What gets recorded, hooked where Django announces it.

These receivers only append audit records; they never change application state (the house
rule "no signals for business logic" is about state changes hidden from the caller). Model
signals are used for permission changes on purpose: the admin, services, other apps and the
shell all save users through them, so no path can change a role or a jurisdiction unrecorded.
"""
from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .choices import AuditAction
from .lockout import carry_lockout_to_django_request
from .services import record, user_target

User = get_user_model()

# The fields that decide what a user may see and do.
PERMISSION_FIELDS = ("role", "region", "department", "enterprise", "is_active", "is_staff", "is_superuser")


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, request=request, actor=user, target=user_target(user))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, request=request, actor=user, target=user_target(user))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    carry_lockout_to_django_request(request)
    # Django has already masked the password in `credentials`.
    username = str(credentials.get("username") or "")[:150]
    actor = User.objects.filter(username=username).first() if username else None
    record(AuditAction.LOGIN_FAILED, request=_http_request(request), actor=actor, username=username,
           target=user_target(actor) if actor else "")


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    actor = User.objects.filter(username=username).first() if username else None
    record(AuditAction.LOCKED_OUT, request=_http_request(request), actor=actor, username=username or "",
           target=user_target(actor) if actor else "", detail={"ip_address": ip_address})


def _http_request(request):
    """DRF wraps Django's request; the audit wants the HttpRequest underneath."""
    return getattr(request, "_request", request)


# --- permission and password changes, whoever saves the user ---------------------------------

def _plain(user, name: str):
    field = User._meta.get_field(name)
    return getattr(user, field.attname)


@receiver(pre_save, sender=User, dispatch_uid="audit_user_before")
def _remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    watched = set(PERMISSION_FIELDS) | {"password"}
    if update_fields is not None and not watched & set(update_fields):
        instance._audit_before = None  # e.g. the last_login update at every login
        return
    instance._audit_before = (
        User.objects.filter(pk=instance.pk).values(*[User._meta.get_field(f).attname for f in PERMISSION_FIELDS],
                                                   "password").first()
    )


@receiver(post_save, sender=User, dispatch_uid="audit_user_after")
def _record_user_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created:
        changes = {f: [None, _plain(instance, f)] for f in PERMISSION_FIELDS
                   if _plain(instance, f) not in (None, "", False)}
        record(AuditAction.PERMISSION_CHANGE, target=user_target(instance), detail={"created": True, "changes": changes})
        return
    if before is None:
        return
    changes = {}
    for f in PERMISSION_FIELDS:
        old, new = before[User._meta.get_field(f).attname], _plain(instance, f)
        if old != new:
            changes[f] = [old, new]
    if changes:
        record(AuditAction.PERMISSION_CHANGE, target=user_target(instance), detail={"changes": changes})
    if before["password"] != instance.password and before["password"]:
        record(AuditAction.PASSWORD_CHANGE, target=user_target(instance))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_permissions")
def _record_membership_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or (action != "post_clear" and not pk_set):
        return
    relation = "groups" if sender is User.groups.through else "user_permissions"
    names = sorted(str(o) for o in model.objects.filter(pk__in=pk_set or ())) if action != "post_clear" else []
    users = [instance] if not reverse else list(User.objects.filter(pk__in=pk_set or ()))
    for user in users:
        detail_names = names if not reverse else [str(instance)]
        record(AuditAction.PERMISSION_CHANGE, target=user_target(user),
               detail={"changes": {relation: {action.removeprefix("post_"): detail_names}}})
