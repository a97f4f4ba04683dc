"""Bulk open data: the per-consultation ZIP and the Web Annotation collection of a document."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from consultations.models import Consultation, Document

from . import selectors
from .base import ApiMixin
from .opendata.annotations import document_annotations
from .opendata.bulk import stream_zip
from .renderers import JsonLdRenderer, ZipRenderer
from .throttles import DEFAULT_THROTTLES, BulkThrottle
from .views import BytesViewMixin, PkGuardMixin


@extend_schema(tags=["open data"], responses={(200, "application/zip"): OpenApiTypes.BINARY})
class ConsultationZip(BytesViewMixin, ApiMixin, generics.RetrieveAPIView):
    """Everything public about a consultation in one ZIP: CSV and JSON of each table, a data dictionary,
    a README and the Open Government Licence. Only for published, public consultations."""

    renderer_classes = [ZipRenderer]
    throttle_classes = [*DEFAULT_THROTTLES, BulkThrottle]
    queryset = Consultation.objects.none()
    lookup_field = "slug"

    def get_object(self) -> Consultation:
        consultation = (
            Consultation.objects.published().select_related("team").filter(slug=self.kwargs["slug"]).first()
        )
        if consultation is None:
            raise Http404("No published consultation matches the given query.")
        return consultation

    def retrieve(self, request, *args, **kwargs):
        consultation = self.get_object()
        response = StreamingHttpResponse(stream_zip(consultation), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-open-data.zip"'
        return response


@extend_schema(tags=["open data"], responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
class DocumentAnnotations(PkGuardMixin, BytesViewMixin, ApiMixin, generics.RetrieveAPIView):
    """Published comments on a document as a W3C Web Annotation collection (JSON-LD)."""

    renderer_classes = [JsonLdRenderer]
    queryset = Document.objects.none()

    def get_queryset(self):
        return selectors.visible_documents(self.request.user).exclude(state=Document.State.DRAFT)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        base = request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL
        body = document_annotations(document, base_url=base)
        return Response(json.dumps(body, ensure_ascii=False).encode(), content_type="application/ld+json")
