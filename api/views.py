"""Public read API (v1): consultations, documents with their section tree, sections."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from consultations.models import Document

from . import filters, selectors, serializers
from .base import ApiMixin
from .exceptions import error_body
from .filters import MAX_ID
from .opendata.akn import document_to_akn
from .pagination import DocumentOrderPagination
from .renderers import AknXmlRenderer


class PkGuardMixin:
    def get_object(self):
        if int(self.kwargs.get("pk", 0)) > MAX_ID:
            raise Http404("No such object.")
        return super().get_object()


@extend_schema(tags=["consultations"])
class ConsultationList(ApiMixin, generics.ListAPIView):
    """Consultations you may see: published public ones, plus your team's drafts and invitation-only ones."""

    serializer_class = serializers.ConsultationSerializer
    filterset_class = filters.ConsultationFilter

    def get_queryset(self):
        return selectors.visible_consultations(self.request.user)


@extend_schema(tags=["consultations"])
class ConsultationDetail(ApiMixin, generics.RetrieveAPIView):
    """One consultation: its body, ways to respond, privacy notice, the documents you may read and, once
    published, the government response."""

    serializer_class = serializers.ConsultationDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.visible_consultations(self.request.user)

    def get_object(self):
        consultation = super().get_object()
        docs = selectors.visible_documents(self.request.user).filter(consultation=consultation)
        consultation.visible_documents = list(docs.order_by("position", "slug", "-version"))
        return consultation


@extend_schema(tags=["documents"])
class DocumentList(ApiMixin, generics.ListAPIView):
    """Documents (every version) of the consultations you may see; drafts only for their team."""

    serializer_class = serializers.DocumentSerializer
    filterset_class = filters.DocumentFilter

    def get_queryset(self):
        return selectors.visible_documents(self.request.user)


@extend_schema(tags=["documents"])
class DocumentDetail(PkGuardMixin, ApiMixin, generics.RetrieveAPIView):
    """A document with its whole section tree (built from one query)."""

    serializer_class = serializers.DocumentDetailSerializer

    def get_queryset(self):
        return selectors.visible_documents(self.request.user)

    def get_object(self) -> Document:
        document = super().get_object()
        document.tree = selectors.section_tree(document)
        return document


@extend_schema(tags=["sections"])
class SectionList(ApiMixin, generics.ListAPIView):
    """Sections in document order; filter by `document` to read one document."""

    serializer_class = serializers.SectionSerializer
    filterset_class = filters.SectionFilter
    pagination_class = DocumentOrderPagination

    def get_queryset(self):
        return selectors.visible_sections(self.request.user)


@extend_schema(tags=["sections"])
class SectionDetail(PkGuardMixin, ApiMixin, generics.RetrieveAPIView):
    """One section (part, clause, subsection...) with its subsections and paragraphs in reading order."""

    serializer_class = serializers.SectionDetailSerializer

    def get_queryset(self):
        return selectors.visible_sections(self.request.user)


class BytesViewMixin:
    """For views that return a file: errors still come back as the JSON error body."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and not isinstance(response.data, bytes):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
            response.renderer_context = self.get_renderer_context()
        return response


@extend_schema(tags=["documents"], responses={(200, "application/akn+xml"): OpenApiTypes.BINARY})
class DocumentAkn(PkGuardMixin, BytesViewMixin, ApiMixin, generics.RetrieveAPIView):
    """The document in Akoma Ntoso 3.0 XML; our importer reads it back to the same section tree."""

    renderer_classes = [AknXmlRenderer]

    def get_queryset(self):
        return selectors.visible_documents(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        response = Response(document_to_akn(document, site_url=settings.SITE_URL))
        response["Content-Disposition"] = f'inline; filename="{document.slug}-v{document.version}.akn.xml"'
        return response


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Anything under /api/v1/ that matches no endpoint (e.g. an id that is not a number): the JSON
    error body, never the HTML 404 page."""
    from django.http import JsonResponse

    return JsonResponse(error_body(404, "No API endpoint or object matches this URL."), status=404)


def api_index(request):
    """The API landing page and usage policy (HTML)."""
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    return render(request, "api/index.html", {"rates": {k: _rate_text(v) for k, v in rates.items()}})


def _rate_text(rate: str | None) -> str:
    if not rate:
        return "no limit"
    number, period = rate.split("/")
    unit = {"s": "a second", "m": "a minute", "h": "an hour", "d": "a day"}[period[0]]
    return f"{number} requests {unit}"
