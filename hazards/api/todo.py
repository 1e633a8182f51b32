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
})


class TodoView(APIView):
    @extend_schema(summary="我的待办", responses={200: TODO_ITEMS})
    def get(self, request):
        return Response([item.__dict__ for item in todo_list(user=request.user)])
