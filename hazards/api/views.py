"""The hazard API. Each view parses its input, calls one selector or service, and serializes.

Jurisdiction, lifecycle rules and version checks are the services' and selectors' business:
a hazard outside the user's jurisdiction is a 404 everywhere, a refused action is the
DomainError the service raised (409/403/400, rendered by hazardtrack.api.exception_handler).
"""
from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from hazards import reporting, services
from hazards.filtersets import HazardFilterSet
from hazards.selectors import (LEDGER, LEDGER_FIELDS, hazard_detail, hazard_detail_minimal, hazard_events,
                               ledger_counts_live_first, ledger_queryset)
from hazardtrack.api import INPUT_ERROR, ErrorSerializer
from hazardtrack.pagination import exact_count_of
from hazardtrack.preconditions import VERSION_ERRORS

from . import inputs
from .preconditions import ETAG, IF_MATCH, client_version, etag
from .serializers import (
    AttachmentSerializer,
    HazardDetailSerializer,
    HazardEventSerializer,
    HazardListSerializer,
)

ERRORS = {
    400: INPUT_ERROR,
    403: OpenApiResponse(ErrorSerializer, description="您的角色或层级不能执行此操作（role_not_allowed 等）"),
    404: OpenApiResponse(ErrorSerializer, description="隐患不存在或不在您的辖区内"),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(ErrorSerializer, description="当前状态不允许（invalid_state、same_verifier…）或版本已过期（stale_version）"),
    **VERSION_ERRORS,
}


def transition_schema(summary: str, request, description: str = ""):
    """OpenAPI for a lifecycle action: its own input, the updated hazard back."""
    return extend_schema(
        summary=summary,
        description=description or None,
        request=request,
        responses={200: HazardDetailSerializer, **WRITE_ERRORS},
        parameters=[IF_MATCH, ETAG],
    )


@extend_schema_view(
    list=extend_schema(
        summary="隐患台账",
        description="本人辖区内的隐患，筛选参数与台账页面相同（HazardFilterSet）。",
    ),
)
class HazardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = HazardFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_converter = "int"
    # For the browsable API's forms; responses are always the output serializers below.
    input_classes = {
        "create": inputs.HazardCreateInput,
        "update": inputs.HazardUpdateInput,
        "partial_update": inputs.HazardUpdateInput,
        "confirm": inputs.ConfirmInput,
        "reject": inputs.RejectInput,
        "assign": inputs.AssignInput,
        "submit_plan": inputs.SubmitPlanInput,
        "list_supervision": inputs.ListSupervisionInput,
        "request_extension": inputs.RequestExtensionInput,
        "decide_extension": inputs.DecideExtensionInput,
        "report_rectification": inputs.ReportRectificationInput,
        "verify": inputs.VerifyInput,
        "apply_resume": inputs.ApplyResumeInput,
        "review_resume": inputs.ReviewResumeInput,
        "sign_off": inputs.SignOffInput,
        "add_attachments": inputs.AttachmentUploadInput,
    }

    def get_queryset(self):
        # The ledger rows (selectors.hazard_list does the same; the filter backend applies
        # HazardFilterSet so that the OpenAPI parameters come from it too).
        return ledger_queryset(user=self.request.user)

    @property
    def page_values(self) -> tuple[str, ...]:
        # The list's rows as named tuples of the ledger's columns (hazardtrack.pagination): a page
        # of 50 builds no model instances (4 per row with the joined region, sector and enterprise).
        return LEDGER_FIELDS if self.action == "list" else ()

    def exact_count(self, request):
        """The list's exact count from the statistics rollup when its filters allow (else None:
        the pagination counts up to its bound)."""
        return exact_count_of(LEDGER, request.user, request.query_params) if self.action == "list" else None

    def count_live_first(self, request) -> bool:
        return self.action == "list" and ledger_counts_live_first(request.query_params)

    def get_serializer_class(self):
        if self.action == "list":
            return HazardListSerializer
        return self.input_classes.get(self.action, HazardDetailSerializer)

    # --- helpers ---------------------------------------------------------------------------

    def _input(self, input_class, **kwargs):
        serializer = input_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer

    def _detail(self, pk, *, status_code: int = status.HTTP_200_OK, headers: dict | None = None) -> Response:
        hazard = hazard_detail(user=self.request.user, pk=pk)
        data = HazardDetailSerializer(hazard, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": etag(hazard.version), **(headers or {})})

    def _change(self, pk, input_class, service, **input_kwargs) -> Response:
        """Parse the input, call the service with the client's version, return the new state."""
        serializer = self._input(input_class, **input_kwargs)
        with client_version(self.request, hazard_id=pk, body_version=serializer.validated_data.get("version")) as v:
            service(hazard_id=int(pk), actor=self.request.user, expected_version=v, **serializer.service_kwargs())
        return self._detail(pk)

    # --- the hazard ------------------------------------------------------------------------

    @extend_schema(
        summary="上报隐患",
        description="JSON，或 multipart（可附 before_photos 照片）。enterprise 为单位ID（须在本人辖区内），"
        "region、sector 为代码。编号自动生成：YH-<县级区划>-<年>-<序号>。"
        "若该单位已有相似的未办结隐患，返回 409 possible_duplicates 及 candidates（id、code、title、status、similarity）："
        "是同一隐患则带 duplicate_of 重新提交，否则带 not_duplicate=true 重新提交。",
        request={
            "application/json": inputs.HazardCreateInput,
            "multipart/form-data": inputs.HazardCreateInput,
        },
        responses={201: HazardDetailSerializer, **ERRORS},
        parameters=[ETAG],
    )
    def create(self, request):
        serializer = self._input(inputs.HazardCreateInput)
        hazard = reporting.hazard_report(actor=request.user, **serializer.service_kwargs())
        location = reverse("api:hazard-detail", args=[hazard.pk], request=request)
        return self._detail(hazard.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(
        summary="隐患详情",
        description="全部字段、治理方案、延期申请、附件（下载地址）、本人可执行的操作和处理记录。ETag 为版本号。",
        responses={200: HazardDetailSerializer, 404: ERRORS[404]},
        parameters=[ETAG],
    )
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(
        summary="修改隐患信息",
        description="仅在“已上报”“已认定”状态下可改。须带版本号（If-Match 或 version）。",
        request=inputs.HazardUpdateInput,
        responses={200: HazardDetailSerializer, **WRITE_ERRORS},
        parameters=[IF_MATCH, ETAG],
    )
    def update(self, request, pk=None):
        return self._change(pk, inputs.HazardUpdateInput, services.hazard_update)

    @extend_schema(
        summary="修改隐患信息（部分字段）",
        request=inputs.HazardUpdateInput,
        responses={200: HazardDetailSerializer, **WRITE_ERRORS},
        parameters=[IF_MATCH, ETAG],
    )
    def partial_update(self, request, pk=None):
        return self._change(pk, inputs.HazardUpdateInput, services.hazard_update, partial=True)

    @extend_schema(
        summary="处理记录",
        responses={200: HazardEventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = hazard_events(user=request.user, pk=pk)
        return Response(HazardEventSerializer(events, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="附件列表",
        responses={200: AttachmentSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def attachments(self, request, pk=None):
        hazard = hazard_detail_minimal(user=request.user, pk=pk)
        return Response(AttachmentSerializer(hazard.attachments.all(), many=True,
                                             context=self.get_serializer_context()).data)

    @extend_schema(
        summary="上传附件",
        description="multipart：kind（before/after/document）和一个或多个 files。文件类型按内容识别。",
        request={"multipart/form-data": inputs.AttachmentUploadInput},
        responses={201: AttachmentSerializer(many=True), **ERRORS,
                   409: OpenApiResponse(ErrorSerializer, description="隐患已销号或不予认定")},
    )
    @attachments.mapping.post
    def add_attachments(self, request, pk=None):
        serializer = self._input(inputs.AttachmentUploadInput)
        event = services.hazard_add_attachments(hazard_id=int(pk), actor=request.user, **serializer.validated_data)
        data = AttachmentSerializer(event.attachments.all(), many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    # --- the lifecycle: one endpoint per transition -----------------------------------------

    @transition_schema("认定隐患", inputs.ConfirmInput, "审核督办人员认定上报的隐患，可同时改定等级。")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._change(pk, inputs.ConfirmInput, services.hazard_confirm)

    @transition_schema("不予认定", inputs.RejectInput, "不构成隐患、重复上报等，须写明理由。")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._change(pk, inputs.RejectInput, services.hazard_reject)

    @transition_schema("交办整改", inputs.AssignInput, "下达整改指令：责任单位、责任人、措施和期限。一般隐患即进入整改中；重大隐患待提交治理方案。")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._change(pk, inputs.AssignInput, services.hazard_assign)

    @transition_schema("提交治理方案", inputs.SubmitPlanInput, "重大事故隐患的治理方案（五落实），提交后进入整改中。")
    @action(detail=True, methods=["post"], url_path="submit-plan")
    def submit_plan(self, request, pk=None):
        return self._change(pk, inputs.SubmitPlanInput, services.hazard_submit_plan)

    @transition_schema("挂牌督办", inputs.ListSupervisionInput, "重大事故隐患挂牌督办，层级不高于本人所在层级。")
    @action(detail=True, methods=["post"], url_path="list-supervision")
    def list_supervision(self, request, pk=None):
        return self._change(pk, inputs.ListSupervisionInput, services.hazard_list_for_supervision)

    @transition_schema("申请延期", inputs.RequestExtensionInput, "原整改期限保留不变；批准后只改变当前期限。")
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        return self._change(pk, inputs.RequestExtensionInput, services.hazard_request_extension)

    @transition_schema("审批延期", inputs.DecideExtensionInput)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        return self._change(pk, inputs.DecideExtensionInput, services.hazard_decide_extension)

    @transition_schema(
        "报告整改完成（申请复查）",
        {"multipart/form-data": inputs.ReportRectificationInput, "application/json": inputs.ReportRectificationInput},
        "multipart：after_photos 整改后照片（至少一张）、documents 文书资料。重大隐患须附整改评估报告。",
    )
    @action(detail=True, methods=["post"], url_path="report-rectification")
    def report_rectification(self, request, pk=None):
        return self._change(pk, inputs.ReportRectificationInput, services.hazard_report_rectification)

    @transition_schema("现场复查", inputs.VerifyInput, "须由报告整改完成者以外的检查人员进行；不通过则退回整改。")
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._change(pk, inputs.VerifyInput, services.hazard_verify)

    @transition_schema(
        "申请复产",
        inputs.ApplyResumeInput,
        "责令停产停业的重大事故隐患，报告整改完成并附整改评估报告后，由单位（或检查人员代为）申请恢复生产。"
        "监管部门应在申请之日起10日内现场审查（resume_applications[].review_due）。"
        "已有待审查的申请时返回 409 resume_pending。",
    )
    @action(detail=True, methods=["post"], url_path="apply-resume")
    def apply_resume(self, request, pk=None):
        return self._change(pk, inputs.ApplyResumeInput, services.hazard_apply_resume)

    @transition_schema(
        "复产审查",
        inputs.ReviewResumeInput,
        "挂牌督办层级（未挂牌为县级）或以上的审核督办人员现场审查，审查人不能是申请人。"
        "合格：解除停产停业，方可销号；不合格：继续停产停业，单位可再次申请。"
        "审查日期晚于审查期限的照常记录，并标为逾期（late）。",
    )
    @action(detail=True, methods=["post"], url_path="review-resume")
    def review_resume(self, request, pk=None):
        return self._change(pk, inputs.ReviewResumeInput, services.hazard_review_resume)

    @transition_schema(
        "销号",
        inputs.SignOffInput,
        "隐患不消除不销号：须已通过复查并有整改后照片。责令停产停业的重大事故隐患须先经复产审查合格，"
        "否则返回 409 resume_review_required。",
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        return self._change(pk, inputs.SignOffInput, services.hazard_sign_off)
