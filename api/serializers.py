"""Public shapes of consultations, documents and sections. Never an email of a person: the only
addresses here are the consultation's published contact mailboxes."""

from __future__ import annotations

from drf_spectacular.helpers import lazy_serializer
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from consultations.models import Consultation, Document, Section
from dhdigital.lib.markdown import render_markdown


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class ConsultationSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField(
        help_text="Derived from the dates, as the public page shows it."
    )
    team = serializers.CharField(source="team.name", read_only=True)
    department = serializers.CharField(source="team.department", read_only=True)
    response_due_date = serializers.DateField(read_only=True, allow_null=True)
    html_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "title",
            "summary",
            "kind",
            "state",
            "phase",
            "visibility",
            "moderation_mode",
            "team",
            "department",
            "opens_at",
            "closes_at",
            "response_due_date",
            "published_at",
            "outcome_published_at",
            "url",
            "html_url",
        ]

    def get_phase(self, obj: Consultation) -> str:
        return obj.phase()

    def get_html_url(self, obj: Consultation) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())

    def get_url(self, obj: Consultation) -> str:
        return reverse(
            "api:consultation-detail", kwargs={"slug": obj.slug}, request=self.context.get("request")
        )


class DocumentSummarySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "slug", "title", "version", "state", "url"]

    def get_url(self, obj: Document) -> str:
        return reverse("api:document-detail", kwargs={"pk": obj.pk}, request=self.context.get("request"))


class ConsultationDetailSerializer(ConsultationSerializer):
    documents = serializers.SerializerMethodField()
    outcome_summary = serializers.SerializerMethodField()
    outcome_body = serializers.SerializerMethodField()
    ways_to_respond = serializers.SerializerMethodField()

    class Meta(ConsultationSerializer.Meta):
        fields = [
            *ConsultationSerializer.Meta.fields,
            "body",
            "short_period_reason",
            "privacy_notice",
            "how_responses_used",
            "ways_to_respond",
            "withdrawn_reason",
            "outcome_summary",
            "outcome_body",
            "documents",
        ]

    @extend_schema_field(DocumentSummarySerializer(many=True))
    def get_documents(self, obj: Consultation):
        return DocumentSummarySerializer(
            getattr(obj, "visible_documents", []), many=True, context=self.context
        ).data

    def _outcome_public(self, obj: Consultation) -> bool:
        return obj.outcome_published_at is not None

    def get_outcome_summary(self, obj: Consultation) -> str:
        return obj.outcome_summary if self._outcome_public(obj) else ""

    def get_outcome_body(self, obj: Consultation) -> str:
        return obj.outcome_body if self._outcome_public(obj) else ""

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "online": {"type": "boolean"},
                "email": {"type": "string"},
                "phone": {"type": "string"},
                "postal_address": {"type": "string"},
                "accessible_formats_email": {"type": "string"},
            },
        }
    )
    def get_ways_to_respond(self, obj: Consultation) -> dict:
        """The consultation's published contact mailboxes and address (a team's, not a person's)."""
        return {
            "online": obj.respond_online,
            "email": obj.contact_email,
            "phone": obj.contact_phone,
            "postal_address": obj.postal_address,
            "accessible_formats_email": obj.accessible_formats_email,
        }


class SectionSerializer(serializers.ModelSerializer):
    is_commentable = serializers.BooleanField(read_only=True)
    label = serializers.CharField(read_only=True)
    html_url = serializers.SerializerMethodField()
    explanatory_note = serializers.CharField(
        read_only=True,
        help_text="The publisher's plain-English note on this clause, schedule or part, in Markdown (empty "
        "when none). It explains the text and is not part of it.",
    )
    explanatory_note_html = serializers.SerializerMethodField(
        help_text="The explanatory note as sanitised HTML (empty when none)."
    )

    class Meta:
        model = Section
        fields = [
            "id",
            "document",
            "parent",
            "kind",
            "number",
            "heading",
            "label",
            "text",
            "position",
            "depth",
            "anchor",
            "lineage_key",
            "is_commentable",
            "html_url",
            "explanatory_note",
            "explanatory_note_html",
        ]

    def get_explanatory_note_html(self, obj: Section) -> str:
        return render_markdown(obj.explanatory_note) if obj.explanatory_note else ""

    def get_html_url(self, obj: Section) -> str:
        """The clause page for a clause or schedule; deeper nodes point at their fragment on the
        document page."""
        doc = obj.document
        if obj.is_commentable:
            return _absolute(self.context.get("request"), obj.get_absolute_url())
        return _absolute(self.context.get("request"), f"{doc.get_absolute_url()}#{obj.anchor}")


class SectionTreeSerializer(SectionSerializer):
    children = serializers.SerializerMethodField()

    class Meta(SectionSerializer.Meta):
        fields = [f for f in SectionSerializer.Meta.fields if f not in ("document", "parent")] + ["children"]

    @extend_schema_field(lazy_serializer("api.serializers.SectionTreeSerializer")(many=True))
    def get_children(self, obj: Section):
        return SectionTreeSerializer(obj.tree_children, many=True, context=self.context).data


class SectionDetailSerializer(SectionSerializer):
    descendants = serializers.SerializerMethodField(help_text="Subsections and paragraphs, in order.")

    class Meta(SectionSerializer.Meta):
        fields = [*SectionSerializer.Meta.fields, "descendants"]

    @extend_schema_field(SectionSerializer(many=True))
    def get_descendants(self, obj: Section):
        subtree = Section.objects.subtree(obj).exclude(pk=obj.pk).order_by("position")
        for node in subtree:
            node.document = obj.document
        return SectionSerializer(subtree, many=True, context=self.context).data


class DocumentSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    previous_version = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    akn_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "consultation",
            "slug",
            "title",
            "long_title",
            "version",
            "state",
            "source_format",
            "previous_version",
            "published_at",
            "url",
            "html_url",
            "akn_url",
        ]

    def get_url(self, obj: Document) -> str:
        return reverse("api:document-detail", kwargs={"pk": obj.pk}, request=self.context.get("request"))

    def get_html_url(self, obj: Document) -> str:
        return _absolute(self.context.get("request"), obj.get_absolute_url())

    def get_akn_url(self, obj: Document) -> str:
        return reverse("api:document-akn", kwargs={"pk": obj.pk}, request=self.context.get("request"))


class DocumentDetailSerializer(DocumentSerializer):
    sections = serializers.SerializerMethodField(help_text="The section tree, in document order.")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "sections"]

    @extend_schema_field(SectionTreeSerializer(many=True))
    def get_sections(self, obj: Document):
        """Plain dicts, not a serializer per node: the same fields as SectionTreeSerializer, about ten
        times faster for a bill of a thousand sections. URLs are built from the document's own."""
        request = self.context.get("request")
        doc_url = _absolute(request, obj.get_absolute_url())

        def node(s: Section) -> dict:
            commentable = s.kind in Section.COMMENTABLE
            return {
                "id": s.pk,
                "kind": s.kind,
                "number": s.number,
                "heading": s.heading,
                "label": s.label,
                "text": s.text,
                "position": s.position,
                "depth": s.depth,
                "anchor": s.anchor,
                "lineage_key": s.lineage_key,
                "is_commentable": commentable,
                "html_url": f"{doc_url}{s.anchor}/" if commentable else f"{doc_url}#{s.anchor}",
                "explanatory_note": s.explanatory_note,
                "explanatory_note_html": render_markdown(s.explanatory_note) if s.explanatory_note else "",
                "children": [node(c) for c in s.tree_children],
            }

        return [node(s) for s in getattr(obj, "tree", [])]
