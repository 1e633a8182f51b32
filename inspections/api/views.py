"""The inspection API: parse input, call one selector or service, serialize. Scoped like the
pages: inspections and plans by jurisdiction (404 outside); checklists are reference data."""
from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts.models import User
from hazardtrack.api import INPUT_ERROR, ErrorSerializer

from .. import selectors, services
from ..filtersets import InspectionFilterSet
from ..models import ChecklistItem, ChecklistTemplate, ChecklistTemplateVersion, Inspection
from . import inputs
from .serializers import (
    ChecklistTemplateSerializer,
    ChecklistVersionSerializer,
    InspectionDetailSerializer,
    InspectionDocumentSerializer,
    InspectionListSerializer,
    InspectionPlanSerializer,
    InspectionResultSerializer,
    PlanVerificationSerializer,
)

ERRORS = {
    400: INPUT_ERROR,
    403: OpenApiResponse(ErrorSerializer, description="您的角色不能执行此操作"),
    404: OpenApiResponse(ErrorSerializer, description="不存在或不在您的辖区内"),
}
WRITE_ERRORS = {**ERRORS, 409: OpenApiResponse(ErrorSerializer, description="当前状态不允许，或已被他人修改（stale_version）")}


class InputMixin:
    def _input(self, input_class, **kwargs):
        serializer = input_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer


@extend_schema_view(
    list=extend_schema(summary="检查列表", description="本人辖区内的检查（企业用户：本单位的检查），筛选参数与检查列表页面相同。"),
)
class InspectionViewSet(InputMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    filterset_class = InspectionFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_converter = "int"
    input_classes = {
        "create": inputs.InspectionCreateInput, "record_result": inputs.RecordResultInput,
        "finish": inputs.FinishInput, "issue_document": inputs.DocumentIssueInput,
    }

    def get_queryset(self):
        return selectors.with_counts(Inspection.objects.visible_to(self.request.user)
                                     .select_related(*selectors.LIST_RELATED)).prefetch_related(
            Prefetch("inspectors", queryset=User.objects.only("id", "username", "full_name"))).order_by("-date", "-id")

    def get_serializer_class(self):
        if self.action == "list":
            return InspectionListSerializer
        return self.input_classes.get(self.action, InspectionDetailSerializer)

    def _detail(self, pk, status_code=status.HTTP_200_OK, headers=None) -> Response:
        inspection = selectors.inspection_detail(user=self.request.user, pk=pk)
        return Response(InspectionDetailSerializer(inspection, context=self.get_serializer_context()).data,
                        status=status_code, headers=headers)

    @extend_schema(summary="开始或安排检查", request=inputs.InspectionCreateInput,
                   responses={201: InspectionDetailSerializer, **ERRORS})
    def create(self, request):
        data = dict(self._input(inputs.InspectionCreateInput).validated_data)
        inspection = services.inspection_create(actor=request.user, **data)
        location = reverse("api:inspection-detail", args=[inspection.pk], request=request)
        return self._detail(inspection.pk, status.HTTP_201_CREATED, {"Location": location})

    @extend_schema(summary="检查详情", description="所用检查表版本的全部检查项、已填写的结果（含生成的隐患）和文书。",
                   responses={200: InspectionDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(
        summary="填写一个检查项",
        description="逐项保存。结果为不符合时生成隐患（重大事故隐患判定项生成重大隐患）；立行立改时隐患当即销号。"
        "JSON，或 multipart（photos、after_photos 照片）。",
        request={"application/json": inputs.RecordResultInput, "multipart/form-data": inputs.RecordResultInput},
        responses={200: InspectionResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="results")
    def record_result(self, request, pk=None):
        serializer = self._input(inputs.RecordResultInput)
        row = services.inspection_record_result(inspection_id=int(pk), actor=request.user, **serializer.service_kwargs())
        return Response(InspectionResultSerializer(row, context=self.get_serializer_context()).data)

    @extend_schema(summary="完成检查", description="全部检查项均已填写，执法检查人员不少于2人。",
                   request=inputs.FinishInput, responses={200: InspectionDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        data = self._input(inputs.FinishInput).validated_data
        services.inspection_finish(inspection_id=int(pk), actor=request.user, conclusion=data["conclusion"],
                                   expected_version=data["version"])
        return self._detail(pk)

    @extend_schema(summary="检查文书", responses={200: InspectionDocumentSerializer(many=True), 404: ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def documents(self, request, pk=None):
        inspection = selectors.inspection_detail(user=request.user, pk=pk)
        return Response(InspectionDocumentSerializer(inspection.documents.all(), many=True,
                                                     context=self.get_serializer_context()).data)

    @extend_schema(summary="制发文书", description="现场检查记录或责令限期整改指令书；编号按制发部门和年度连续，已制发的再次请求返回原文书。",
                   request=inputs.DocumentIssueInput, responses={201: InspectionDocumentSerializer, **WRITE_ERRORS})
    @documents.mapping.post
    def issue_document(self, request, pk=None):
        data = self._input(inputs.DocumentIssueInput).validated_data
        document = services.document_issue(inspection_id=int(pk), actor=request.user, **data)
        return Response(InspectionDocumentSerializer(document, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="检查表列表"),
    retrieve=extend_schema(summary="检查表详情", description="含全部版本；检查项见 checklist-versions。"),
)
class ChecklistTemplateViewSet(InputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ChecklistTemplateSerializer
    lookup_value_converter = "int"
    filter_backends = []

    def get_queryset(self):
        return ChecklistTemplate.objects.select_related("sector").prefetch_related(
            Prefetch("versions", queryset=ChecklistTemplateVersion.objects.order_by("-number"))).order_by("name")

    def get_serializer_class(self):
        return {"create": inputs.ChecklistTemplateInput, "publish_version": inputs.ChecklistVersionInput}.get(
            self.action, ChecklistTemplateSerializer)

    @extend_schema(summary="新增检查表（管理员）", request=inputs.ChecklistTemplateInput,
                   responses={201: ChecklistVersionSerializer, **ERRORS})
    def create(self, request):
        data = dict(self._input(inputs.ChecklistTemplateInput).validated_data)
        version = services.template_publish_version(actor=request.user, **data)
        return Response(ChecklistVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="发布检查表新版本（管理员）", description="已开展的检查仍使用其原版本。",
                   request=inputs.ChecklistVersionInput, responses={201: ChecklistVersionSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="versions")
    def publish_version(self, request, pk=None):
        template = self.get_object()
        data = self._input(inputs.ChecklistVersionInput).validated_data
        version = services.template_publish_version(actor=request.user, template=template, items=data["items"],
                                                    notes=data["notes"])
        return Response(ChecklistVersionSerializer(version).data, status=status.HTTP_201_CREATED)


@extend_schema_view(retrieve=extend_schema(summary="检查表版本及其检查项"))
class ChecklistVersionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ChecklistVersionSerializer
    lookup_value_converter = "int"
    filter_backends = []

    def get_queryset(self):
        return ChecklistTemplateVersion.objects.prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.order_by("position")))


@extend_schema_view(
    list=extend_schema(summary="双随机抽查计划列表"),
    retrieve=extend_schema(summary="抽查计划详情", description="含存档的随机种子、备选库、回避关系和抽取结果。"),
)
class InspectionPlanViewSet(InputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InspectionPlanSerializer
    lookup_value_converter = "int"
    filter_backends = []

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user).prefetch_related(
            "sectors", Prefetch("draws", queryset=selectors.plan_draws()))

    def get_serializer_class(self):
        return {"create": inputs.PlanCreateInput, "draw": inputs.PlanDrawInput}.get(self.action, InspectionPlanSerializer)

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        plan = selectors.plan_detail(user=self.request.user, pk=pk)
        return Response(InspectionPlanSerializer(plan, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(summary="制定抽查计划", request=inputs.PlanCreateInput, responses={201: InspectionPlanSerializer, **ERRORS})
    def create(self, request):
        data = dict(self._input(inputs.PlanCreateInput).validated_data)
        plan = services.plan_create(actor=request.user, **data)
        return self._detail(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="随机抽取", description="按风险等级加权抽取单位，每户随机匹配检查人员（回避登记的不抽），派发检查。",
                   request=inputs.PlanDrawInput, responses={200: InspectionPlanSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        data = self._input(inputs.PlanDrawInput).validated_data
        services.plan_draw(plan_id=int(pk), actor=request.user, seed=data["seed"])
        return self._detail(pk)

    @extend_schema(summary="公开抽查结果", request=None, responses={200: InspectionPlanSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        services.plan_publish(plan_id=int(pk), actor=request.user)
        return self._detail(pk)

    @extend_schema(summary="复核抽取结果", description="按存档的种子、备选库和回避关系重新计算，与记录比对。",
                   responses={200: PlanVerificationSerializer, 404: ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def verify(self, request, pk=None):
        plan = selectors.plan_detail(user=request.user, pk=pk)
        result = selectors.plan_verify(plan)
        return Response(PlanVerificationSerializer({"matches": result.matches, "expected": result.expected,
                                                    "recorded": result.recorded}).data)
