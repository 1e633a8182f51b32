"""API glue shared by every app: the error format (the handler, its serializer for the schema,
the 400 answer every write documents)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        if len(exc.errors) > 1 or sum(map(len, exc.errors.values())) > 1:
            # Every problem at once, by field ("" for the request as a whole).
            body["errors"] = {k or "": [str(m) for m in v] for k, v in exc.errors.items()}
        body.update(exc.extra)
        return Response(body, status=exc.status or status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    """The error body of hazardtrack.api.exception_handler (a refused action)."""

    code = serializers.CharField(required=False, help_text="机器可读的错误代码，如 invalid_state、stale_version")
    detail = serializers.CharField(help_text="给用户看的说明")
    field = serializers.CharField(required=False, help_text="出错的字段（如有）")


INPUT_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误：{字段: [错误]}，或 {code, detail, field}")


# --- OpenAPI: the error answers every operation can give ---------------------------------------
# Found by fuzzing the API from its schema (tests/security/test_api_fuzz.py): operations
# documented only their 200, while any of them can answer 400 (bad query or body), 401 (no or
# bad credentials), 403, 404 (unknown or out-of-jurisdiction object, or a page past the end).

_ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：{code, detail, field}；输入校验错误为 {字段: [错误]}",
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误代码"},
        "detail": {"type": "string", "description": "给用户看的说明"},
        "field": {"type": "string", "description": "出错的字段（如有）"},
    },
    "additionalProperties": True,
}
_ERROR_DESCRIPTIONS = {
    "400": "输入有误",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "不存在或不在您的辖区内",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the generic error answers an operation lacks."""
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = _ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = ["400", "404"]
            if operation.get("security"):  # operations open to anyone (auth=[]) have none
                wanted += ["401", "403"]
            for code in wanted:
                responses.setdefault(code, {"description": _ERROR_DESCRIPTIONS[code], "content": ref})
    return result
