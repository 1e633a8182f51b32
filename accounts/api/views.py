"""Read-only lookups: regions, sectors, enterprises — each scoped by `visible_to(user)`, so an
object outside the user's jurisdiction is simply not there (404 on detail)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from accounts.models import Enterprise, Region, Sector

from .filtersets import EnterpriseFilterSet, RegionFilterSet
from .serializers import EnterpriseSerializer, RegionSerializer, SectorSerializer


@extend_schema_view(
    list=extend_schema(summary="行政区划列表", description="本人辖区内的区划；`parent` 取直接下级，`level` 按级别筛选。"),
    retrieve=extend_schema(summary="行政区划详情"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="行业领域列表"),
    retrieve=extend_schema(summary="行业领域详情"),
)
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectorSerializer
    queryset = Sector.objects.all()
    lookup_field = "code"
    lookup_value_converter = "slug"
    pagination_class = None  # a dozen rows: pickers want them all
    filter_backends = []


@extend_schema_view(
    list=extend_schema(
        summary="生产经营单位列表/检索",
        description="本人可见的单位（监管人员：辖区内；企业用户：仅本单位）。`q` 按名称或统一社会信用代码检索，适合边输边搜。",
    ),
    retrieve=extend_schema(summary="生产经营单位详情"),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    lookup_value_converter = "int"

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).select_related("region", "sector")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="访问令牌")


class ObtainTokenView(ObtainAuthToken):
    """DRF's obtain_auth_token, documented with the response it really gives."""

    @extend_schema(
        summary="获取访问令牌",
        description="用户名和密码换取令牌；之后的请求头带 `Authorization: Token <令牌>`。",
        request=AuthTokenSerializer,
        responses={200: TokenSerializer, 429: OpenApiResponse(description="登录失败次数过多，该账号在本设备上已被锁定")},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
