"""/api/todo/: the same to-do items as the /todo/ page (hazards/todo.py)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hazards.todo import todo_list

TODO_ITEMS = inline_serializer("TodoEntry", many=True, fields={
    "key": serializers.CharField(), "label": serializers.CharField(), "count": serializers.IntegerField(),
    "url": serializers.CharField(help_text="台账链接（筛选出所计的隐患）"),
    "hazards": serializers.ListField(
        child=inline_serializer("TodoHazard", fields={
            "id": serializers.IntegerField(), "code": serializers.CharField(), "title": serializers.CharField(),
            "url": serializers.CharField(), "deadline": serializers.DateField(allow_null=True),
            "days_left": serializers.IntegerField(allow_null=True, help_text="距整改期限天数，负数为已逾期天数"),
            "days_overdue": serializers.IntegerField(allow_null=True, help_text="已逾期天数（未逾期为0）"),
            "working_days": serializers.BooleanField(help_text="true：按本地区规则以工作日计"),
        }), allow_null=True, help_text="待整改隐患的前20条（按期限），其他事项为 null"),
})


class TodoView(APIView):
    @extend_schema(summary="我的待办", responses={200: TODO_ITEMS})
    def get(self, request):
        return Response([item.__dict__ for item in todo_list(user=request.user)])
