"""The incident API: each view parses its input, calls one selector or service, serializes.

Jurisdiction, rules and version checks are the services' and selectors' business; a refused
action is the DomainError the service raised (rendered by hazardtrack.api.exception_handler).
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts.jurisdiction import region_prefix
from hazards.api.serializers import HazardDetailSerializer
from hazards.selectors import hazard_detail
from hazardtrack.api import INPUT_ERROR, ErrorSerializer
from hazardtrack.errors import DomainError
from hazardtrack.preconditions import VERSION_ERRORS, client_version, etag, if_match_parameter
from incidents import selectors, services, statistics
from incidents.filtersets import IncidentFilterSet
from incidents.models import FINDING_FIELDS

from . import serializers as s

ERRORS = {
    400: INPUT_ERROR,
    403: OpenApiResponse(ErrorSerializer, description="您的角色或层级不能执行此操作"),
    404: OpenApiResponse(ErrorSerializer, description="事故不存在或不在您的辖区内"),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(ErrorSerializer, description="当前状态不允许，超过补报期限（casualty_window_closed）或版本已过期"),
    **VERSION_ERRORS,
}
IF_MATCH = if_match_parameter("事故的版本号，即详情返回的 ETag（如 \"3\"）；与请求体中的 version 二者必有其一。")


def _action_schema(summary: str, request, description: str = "", *, versioned: bool = True):
    return extend_schema(summary=summary, description=description or None, request=request,
                         responses={200: s.IncidentDetailSerializer, **WRITE_ERRORS},
                         parameters=[IF_MATCH] if versioned else [])


@extend_schema_view(list=extend_schema(summary="事故列表", description="本人辖区内的事故；筛选参数与事故列表页面相同。"))
class IncidentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_converter = "int"
    input_classes = {
        "create": s.IncidentCreateInput,
        "update_figures": s.UpdateFiguresInput,
        "report_step": s.ReportStepInput,
        "start_investigation": s.StartInvestigationInput,
        "extend_investigation": s.ExtendInvestigationInput,
        "findings": s.FindingsInput,
        "list_supervision": s.ListingInput,
        "close": s.CloseInput,
        "followup_hazard": s.FollowupHazardInput,
        "link_hazard": s.LinkHazardInput,
        "add_attachments": s.IncidentAttachmentInput,
    }

    def get_queryset(self):
        return selectors.incident_queryset(user=self.request.user).select_related(*selectors.LIST_RELATED)

    def get_serializer_class(self):
        if self.action == "list":
            return s.IncidentListSerializer
        return self.input_classes.get(self.action, s.IncidentDetailSerializer)

    # --- helpers ---------------------------------------------------------------------------

    def _input(self, input_class):
        serializer = input_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer

    def _detail(self, pk, *, status_code: int = status.HTTP_200_OK, headers: dict | None = None) -> Response:
        incident = selectors.incident_detail(user=self.request.user, pk=pk)
        data = s.IncidentDetailSerializer(incident, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": etag(incident.version), **(headers or {})})

    def _versioned(self, pk, serializer, service, **kwargs) -> Response:
        with client_version(self.request, body_version=serializer.validated_data.get("version"),
                            must_exist=lambda: selectors.incident_detail(user=self.request.user, pk=pk)) as version:
            service(incident_id=int(pk), actor=self.request.user, expected_version=version, **kwargs)
        return self._detail(pk)

    # --- the incident ----------------------------------------------------------------------

    @extend_schema(
        summary="记录事故",
        description="JSON 或 multipart（可附 photos）。事故等级按死亡、重伤人数和直接经济损失自动认定；"
        "单位→县级的报告同时记录，县级的上报时限开始计算。编号：SG-<县级区划>-<年>-<序号>。",
        request={"application/json": s.IncidentCreateInput, "multipart/form-data": s.IncidentCreateInput},
        responses={201: s.IncidentDetailSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = self._input(s.IncidentCreateInput)
        incident = services.incident_create(actor=request.user, **serializer.service_kwargs())
        location = reverse("api:incident-detail", args=[incident.pk], request=request)
        return self._detail(incident.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(summary="事故详情", description="全部字段、逐级上报（时限与是否按时）、调查、整改隐患、附件和处理记录。"
                   "ETag 为版本号。", responses={200: s.IncidentDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(summary="处理记录", responses={200: s.IncidentEventSerializer(many=True), 404: ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        incident = selectors.incident_detail(user=request.user, pk=pk)
        return Response(s.IncidentEventSerializer(incident.events.all(), many=True).data)

    @_action_schema("续报伤亡和损失", s.UpdateFiguresInput,
                    "新的伤亡人数和直接经济损失（全部字段）；自动重新认定等级，升级时增加上报层级并通知已接报的层级。"
                    "伤亡人数只能在事故发生之日起30日内（道路交通、火灾事故7日内）变更，逾期返回 409 casualty_window_closed。")
    @action(detail=True, methods=["post"], url_path="update-figures")
    def update_figures(self, request, pk=None):
        serializer = self._input(s.UpdateFiguresInput)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        comment = data.pop("comment")
        return self._versioned(pk, serializer, services.incident_update_figures, figures=data, comment=comment)

    @_action_schema("逐级上报", s.ReportStepInput,
                    "本人所在层级把事故报告上一级（下一步须由该层级人员上报），并立即通知上一级。", versioned=False)
    @action(detail=True, methods=["post"], url_path="report-step")
    def report_step(self, request, pk=None):
        serializer = self._input(s.ReportStepInput)
        services.incident_report_step(incident_id=int(pk), actor=request.user, **serializer.validated_data)
        return self._detail(pk)

    @_action_schema("成立调查组", s.StartInvestigationInput, "牵头调查按事故等级确定；调查报告期限为60日。")
    @action(detail=True, methods=["post"], url_path="start-investigation")
    def start_investigation(self, request, pk=None):
        serializer = self._input(s.StartInvestigationInput)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        return self._versioned(pk, serializer, services.incident_start_investigation, **data)

    @_action_schema("延长调查期限", s.ExtendInvestigationInput, "只能延长一次，最多60日。")
    @action(detail=True, methods=["post"], url_path="extend-investigation")
    def extend_investigation(self, request, pk=None):
        serializer = self._input(s.ExtendInvestigationInput)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        return self._versioned(pk, serializer, services.incident_extend_investigation, **data)

    @_action_schema("记录调查结论", s.FindingsInput, "直接原因、间接原因、责任认定、防范措施建议（可分次填写）。")
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        serializer = self._input(s.FindingsInput)
        data = serializer.validated_data
        return self._versioned(pk, serializer, services.incident_record_findings, comment=data["comment"],
                               findings={n: data[n] for n in FINDING_FIELDS if n in data})

    @_action_schema("挂牌督办", s.ListingInput)
    @action(detail=True, methods=["post"], url_path="list-supervision")
    def list_supervision(self, request, pk=None):
        serializer = self._input(s.ListingInput)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        return self._versioned(pk, serializer, services.incident_list_for_supervision, **data)

    @_action_schema("结案", {"multipart/form-data": s.CloseInput, "application/json": s.CloseInput},
                    "须已记录全部调查结论，并附批复的事故调查报告（report_files，或此前上传的 report 类附件）。")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        serializer = self._input(s.CloseInput)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        return self._versioned(pk, serializer, services.incident_close, **data)

    @extend_schema(summary="登记整改隐患", description="按隐患上报流程新建一条隐患（来源文号为事故编号）并关联本事故。",
                   request={"multipart/form-data": s.FollowupHazardInput, "application/json": s.FollowupHazardInput},
                   responses={201: HazardDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="followup-hazard")
    def followup_hazard(self, request, pk=None):
        data = dict(self._input(s.FollowupHazardInput).validated_data)
        photos = data.pop("before_photos")
        hazard = services.incident_create_followup_hazard(incident_id=int(pk), actor=request.user, data=data,
                                                          before_photos=photos)
        body = HazardDetailSerializer(hazard_detail(user=request.user, pk=hazard.pk),
                                      context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @_action_schema("关联已有隐患", s.LinkHazardInput, versioned=False)
    @action(detail=True, methods=["post"], url_path="link-hazard")
    def link_hazard(self, request, pk=None):
        serializer = self._input(s.LinkHazardInput)
        services.incident_link_hazard(incident_id=int(pk), actor=request.user, **serializer.validated_data)
        return self._detail(pk)

    @extend_schema(summary="上传附件", request={"multipart/form-data": s.IncidentAttachmentInput},
                   responses={201: s.IncidentAttachmentSerializer(many=True), **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="attachments")
    def add_attachments(self, request, pk=None):
        serializer = self._input(s.IncidentAttachmentInput)
        event = services.incident_add_attachments(incident_id=int(pk), actor=request.user, **serializer.validated_data)
        return Response(s.IncidentAttachmentSerializer(event.attachments.all(), many=True,
                                                       context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    # --- lists across incidents ------------------------------------------------------------

    @extend_schema(summary="迟报清单", description="超过时限才报告、或已超过时限仍未报告的逐级上报。",
                   responses={200: s.LateReportSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], url_path="late-reports", filter_backends=[])
    def late_reports(self, request):
        rows = selectors.late_reports(user=request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.LateReportSerializer(page, many=True).data)

    @extend_schema(summary="事故统计（同比、双下降）",
                   description="本期与上年同期的事故起数、死亡、失踪、受伤人数和直接经济损失，按下级区划、行业领域、"
                   "事故类别和等级分组；每个数字附对应事故列表的查询参数（与 /api/incidents/ 的筛选参数相同）。",
                   parameters=[s.FiguresQuery], responses={200: s.FiguresSerializer, 404: ERRORS[404]})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        query = s.FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        prefix = region_prefix(request.user)
        region = query.validated_data["region"] or (prefix or "")
        if prefix is None or not region.startswith(prefix):
            raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=404, field="region")
        default = statistics.Period.year_to_date()
        period = statistics.Period(query.validated_data["start"] or default.start,
                                   query.validated_data["end"] or default.end)
        if period.start > period.end:
            raise DomainError("bad_period", _("截止日期不能早于起始日期。"), status=400, field="end")
        report = statistics.incident_figures(user=request.user, region_code=region, period=period)
        return Response(s.FiguresSerializer(report).data)
