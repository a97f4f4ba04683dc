"""Comments, questions, published responses and ideas. Public shapes carry a person's chosen public
name at most; the staff shapes (responses with personal data) are only served to the team's analysts."""

from __future__ import annotations

import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comments.models import Comment
from outcomes.models import LedgerEntry
from responses.models import Answer, Idea, Question, Response

QUOTE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"exact": {"type": "string"}, "prefix": {"type": "string"}, "suffix": {"type": "string"}},
}


class FieldsBuiltOnce:
    """For a ModelSerializer: its fields, which depend on the class alone, are worked out from the model
    once per class; each serializer then gets its own deep copy, as DRF gives each its declared fields.
    (DRF inspects the model afresh for every serializer, a measurable part of a comment post.)"""

    def get_fields(self):
        built = type(self).__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built_once = built
        return copy.deepcopy(built)


class CommentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    section_anchor = serializers.CharField(
        source="section.anchor", read_only=True, allow_null=True, default=None
    )
    section_lineage_key = serializers.CharField(
        source="section.lineage_key",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Stable clause id across document versions (Akoma Ntoso eId).",
    )
    author = serializers.CharField(source="author_name", read_only=True)
    quote = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "consultation",
            "document",
            "section",
            "section_anchor",
            "section_lineage_key",
            "parent",
            "depth",
            "author",
            "is_official",
            "category",
            "body",
            "body_html",
            "quote",
            "reply_count",
            "agree_count",
            "disagree_count",
            "published_at",
            "edited_at",
            "html_url",
        ]

    @extend_schema_field(QUOTE_SCHEMA)
    def get_quote(self, obj: Comment) -> dict | None:
        if not obj.quote_exact:
            return None
        return {"exact": obj.quote_exact, "prefix": obj.quote_prefix, "suffix": obj.quote_suffix}

    def get_html_url(self, obj: Comment) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class OwnCommentSerializer(CommentSerializer):
    """What the author gets back after posting: also the status (a held comment is `pending`)."""

    class Meta(CommentSerializer.Meta):
        fields = [*CommentSerializer.Meta.fields, "status"]


class StaffCommentSerializer(OwnCommentSerializer):
    author_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The commenter, for a sanction (moderators only)."
    )

    class Meta(OwnCommentSerializer.Meta):
        fields = [
            *OwnCommentSerializer.Meta.fields,
            "author_id",
            "hold_reason",
            "moderation_reason",
            "moderation_note",
            "moderated_at",
            "flag_count",
            "spam_score",
            "toxicity_score",
            "created_at",
        ]


class CommentCreateSerializer(serializers.Serializer):
    consultation = serializers.SlugField(max_length=120)
    document = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Omit for a general comment on the consultation.",
    )
    section = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="A clause (or one of its subsections) of `document`.",
    )
    parent = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Reply to this published comment (same clause).",
    )
    category = serializers.ChoiceField(choices=Comment.Category.choices, default=Comment.Category.GENERAL)
    body = serializers.CharField(max_length=20000, trim_whitespace=False)
    quote_exact = serializers.CharField(required=False, allow_blank=True, max_length=500)
    quote_prefix = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quote_suffix = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ModerationSerializer(serializers.Serializer):
    comment_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=500
    )
    decision = serializers.ChoiceField(choices=["approve", "reject", "hide", "keep"])
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="A house rule code; required to reject or hide.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class QuestionSerializer(serializers.ModelSerializer):
    options = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "text", "hint", "options", "required", "section"]


class AnswerSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "question_text", "choices", "text"]


class PublishedResponseSerializer(serializers.ModelSerializer):
    """A consented response after the consultation closed: attributed by `label` only."""

    label = serializers.CharField(source="public_label", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = ["id", "label", "respondent_type", "organisation_type", "submitted_at", "answers"]


class StaffResponseSerializer(serializers.ModelSerializer):
    """Personal data included: for the consultation team's analysts only."""

    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "reference",
            "status",
            "channel",
            "imported",
            "respondent_type",
            "respondent_name",
            "email",
            "address",
            "organisation_name",
            "organisation_type",
            "region",
            "consent",
            "received_at",
            "created_at",
            "submitted_at",
            "answers",
        ]


class IdeaSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SerializerMethodField()
    category = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Idea
        fields = [
            "id",
            "consultation",
            "title",
            "description",
            "category",
            "author",
            "status",
            "status_note",
            "up_votes",
            "down_votes",
            "score",
            "created_at",
        ]

    def get_author(self, obj: Idea) -> str:
        return obj.author.public_name if obj.author_id and obj.author else "Deleted account"


class LedgerEntrySerializer(serializers.ModelSerializer):
    section_label = serializers.CharField(
        source="section.label", read_only=True, allow_null=True, default=None
    )
    decision_label = serializers.CharField(source="decision_short", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="label", many=True, read_only=True)
    comments = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Published comments this entry answers."
    )
    answer_count = serializers.IntegerField(
        read_only=True, help_text="How many answers this entry rests on (never who gave them)."
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "lineage_key",
            "section",
            "section_label",
            "question",
            "decision",
            "decision_label",
            "you_said",
            "we_did",
            "themes",
            "comments",
            "answer_count",
            "updated_at",
        ]
