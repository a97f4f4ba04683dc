"""Bulk open data: the per-consultation ZIP and the Web Annotation collection of a document."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from consultations.models import Consultation, Document

from . import selectors
from .base import ApiMixin
from .opendata.annotations import PageOutOfRange, document_annotations
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


class AnnotationPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=1_000_000,
        help_text="Page of the collection (500 annotations a page). Page 1 comes inside the collection.",
    )


@extend_schema(
    tags=["open data"],
    parameters=[AnnotationPageSerializer],
    responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
)
class DocumentAnnotations(PkGuardMixin, BytesViewMixin, ApiMixin, generics.RetrieveAPIView):
    """Published comments on a document as a W3C Web Annotation collection (JSON-LD): each comment targets
    its clause page, with a FragmentSelector for the clause or subsection refined by a TextQuoteSelector
    for the words it quotes; replies target the annotation they answer. Later pages at `?page=N`."""

    renderer_classes = [JsonLdRenderer]
    queryset = Document.objects.none()

    def get_queryset(self):
        return selectors.visible_documents(self.request.user).exclude(state=Document.State.DRAFT)

    def retrieve(self, request, *args, **kwargs):
        query = AnnotationPageSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        document = self.get_object()
        base = request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL
        try:
            body = document_annotations(document, base_url=base, page=query.validated_data["page"])
        except PageOutOfRange as exc:
            raise NotFound(str(exc)) from None
        return Response(json.dumps(body, ensure_ascii=False).encode(), content_type="application/ld+json")
