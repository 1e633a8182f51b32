from .context import bind_request


class AuditContextMiddleware:
    """Make the current request known to audit records written deeper down (a permission
    change saved by the admin or by a service knows who did it and from where)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with bind_request(request):
            return self.get_response(request)
