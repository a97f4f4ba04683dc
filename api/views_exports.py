"""Staff exports through the API: the same datasets, formats and export log as the dashboard's export page
(`dashboards.exports`), for the consultation team's analysts. With `personal=true` the rows carry names,
email and postal addresses; every download is logged with who, what and how many rows."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.reverse import reverse

from consultations.access import consultation_for_team
from dashboards import exports, services
from dashboards.models import ExportLog
from dhdigital.accounts.models import Role

from .base import ApiMixin
from .renderers import BytesRenderer
from .throttles import DEFAULT_THROTTLES, BulkThrottle
from .views import BytesViewMixin

ROWS_SCHEMA = {"type": "array", "items": {"type": "object", "additionalProperties": True}}


class _ExportRenderer(BytesRenderer):
    """The format is chosen in the URL; the renderer only passes the file through."""

    media_type = "*/*"
    format = "file"


class UrlFormatNegotiation(BaseContentNegotiation):
    """The file's format is in its URL (`.csv`, `.json`, `.xlsx`), so the Accept header is not consulted."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportQuerySerializer(serializers.Serializer):
    personal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Include names, email and postal addresses (the download is logged as personal data).",
    )


class ExportLogSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)

    class Meta:
        model = ExportLog
        fields = ["dataset", "format", "personal_data", "row_count", "user", "created_at"]


class DatasetSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    files = serializers.DictField(child=serializers.URLField(), help_text="Format -> download URL.")


class ExportIndexSerializer(serializers.Serializer):
    datasets = DatasetSerializer(many=True)
    recent = ExportLogSerializer(many=True, help_text="The last 20 downloads of this consultation's data.")


@extend_schema(tags=["staff"], responses={200: ExportIndexSerializer})
class ExportIndex(ApiMixin, generics.GenericAPIView):
    """The datasets you may download for one of your team's consultations, and the export log (analysts)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ExportIndexSerializer
    pagination_class = None

    def get(self, request, slug: str):
        consultation = consultation_for_team(request.user, slug, Role.ANALYST)

        def url(name: str, fmt: str) -> str:
            kwargs = {"slug": slug, "dataset": name, "fmt": fmt}
            return reverse("api:staff-export", kwargs=kwargs, request=request)

        datasets = [
            {"name": name, "description": text, "files": {fmt: url(name, fmt) for fmt in exports.FORMATS}}
            for name, text in exports.DATASETS.items()
        ]
        logs = ExportLog.objects.filter(consultation=consultation).select_related("user")[:20]
        return Response({"datasets": datasets, "recent": ExportLogSerializer(logs, many=True).data})


@extend_schema(
    tags=["staff"],
    parameters=[
        ExportQuerySerializer,
        OpenApiParameter("dataset", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exports.DATASETS)),
        OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exports.FORMATS)),
    ],
    responses={
        (200, media): OpenApiResponse(
            ROWS_SCHEMA if fmt == "json" else OpenApiTypes.BINARY, description="The file, streamed."
        )
        for fmt, media in exports.FORMATS.items()
    },
)
class ExportDownload(BytesViewMixin, ApiMixin, generics.GenericAPIView):
    """One dataset of one of your team's consultations as CSV, JSON or XLSX (analysts), as on the
    dashboard's export page. Every download is logged."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [_ExportRenderer]  # errors still come back as JSON (BytesViewMixin)
    content_negotiation_class = UrlFormatNegotiation
    throttle_classes = [*DEFAULT_THROTTLES, BulkThrottle]
    pagination_class = None

    def get(self, request, slug: str, dataset: str, fmt: str):
        consultation = consultation_for_team(request.user, slug, Role.ANALYST)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if dataset not in exports.DATASETS:
            raise NotFound(f"No such dataset. Choose one of: {', '.join(exports.DATASETS)}.")
        if fmt not in exports.FORMATS:
            raise NotFound(f"No such format. Choose one of: {', '.join(exports.FORMATS)}.")
        personal = query.validated_data["personal"]
        log = services.export_log_start(
            consultation=consultation, user=request.user, dataset=dataset, fmt=fmt, personal=personal
        )
        rows = exports.Counter(
            exports.ROWS[dataset](consultation, personal),
            lambda n: services.export_log_finish(log_id=log.pk, rows=n),
        )
        name = f"{consultation.slug}-{dataset}{'-personal' if personal else ''}.{fmt}"
        if fmt == "xlsx":
            return FileResponse(
                exports.xlsx_file(rows, dataset),
                as_attachment=True,
                filename=name,
                content_type=exports.FORMATS[fmt],
            )
        stream = exports.csv_stream(rows) if fmt == "csv" else exports.json_stream(rows)
        response = StreamingHttpResponse(stream, content_type=exports.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
