"""Security audit log (登录、导出、权限变更) and the login protections around it.

Other apps call `audit.record_export(request, what, count)` from every export view.
"""


def record_export(request, what: str, count: int, **detail):
    """Record that `request.user` exported `count` rows of `what` (e.g. "隐患台账 Excel")."""
    from .services import record_export as _record_export

    return _record_export(request=request, what=what, count=count, **detail)
