from __future__ import annotations

from rest_framework.renderers import BaseRenderer


class BytesRenderer(BaseRenderer):
    """Passes through bytes the view already produced (XML, JSON-LD, ZIP)."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AknXmlRenderer(BytesRenderer):
    media_type = "application/akn+xml"
    format = "xml"


class JsonLdRenderer(BytesRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class ZipRenderer(BytesRenderer):
    media_type = "application/zip"
    format = "zip"
