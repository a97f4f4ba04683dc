"""Comments (read, and post through the web form's own service), questions, published responses, ideas,
and the officials' side: moderation and responses with personal data, scoped to their teams."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response as ApiResponse

from comments import ratelimit
from comments.access import may_see
from comments.models import Comment
from comments.moderation import comments_moderate
from comments.services import CommentError, comment_post
from consultations.access import consultation_for_team, consultation_for_viewer
from consultations.models import Section
from consultations.visibility import may_view_document
from dhdigital.accounts.models import Role
from dhdigital.lib.client_address import client_ip
from outcomes.models import LedgerEntry
from responses import selectors as response_selectors
from responses.models import Idea, Question
from responses.models import Response as ResponseModel

from . import selectors
from . import serializers_participation as s
from .base import ApiMixin
from .filters import MAX_ID, DateTimeFilter
from .pagination import ApiCursorPagination

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (up to 64 characters). Retrying with the same key returns the first "
    "comment instead of posting twice.",
)


class CommentFilter(django_filters.FilterSet):
    consultation = django_filters.CharFilter(field_name="consultation__slug", max_length=120)
    document = django_filters.NumberFilter(field_name="document_id", min_value=1, max_value=MAX_ID)
    section = django_filters.NumberFilter(field_name="section_id", min_value=1, max_value=MAX_ID)
    lineage_key = django_filters.CharFilter(field_name="section__lineage_key", max_length=200)
    parent = django_filters.NumberFilter(field_name="parent_id", min_value=1, max_value=MAX_ID)
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")
    category = django_filters.MultipleChoiceFilter(choices=Comment.Category.choices)
    is_official = django_filters.BooleanFilter()
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lt")
    q = django_filters.CharFilter(field_name="body", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Comment
        fields = ["consultation", "document", "section", "parent", "category", "is_official"]


class StaffCommentFilter(CommentFilter):
    status = django_filters.MultipleChoiceFilter(choices=Comment.Status.choices)


def _published_comments(user):
    return Comment.objects.published().visible_to(user).select_related("consultation", "section", "author")


@extend_schema(tags=["comments"])
class CommentListCreate(ApiMixin, generics.ListCreateAPIView):
    """GET: published comments and replies (exactly what the public pages show as text).
    POST: a signed-in, verified participant comments or replies, under the website's rules and limits."""

    filterset_class = CommentFilter

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def get_serializer_class(self):
        return s.CommentCreateSerializer if self.request.method == "POST" else s.CommentSerializer

    def get_queryset(self):
        return _published_comments(self.request.user)

    @extend_schema(
        request=s.CommentCreateSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.OwnCommentSerializer, 200: s.OwnCommentSerializer},
    )
    def post(self, request, *args, **kwargs):
        data = self._validated(request)
        consultation, document, section, parent, category = self._target(request.user, data)
        key = request.headers.get("Idempotency-Key", "").strip()[:64]
        try:
            comment, created = comment_post(
                author=request.user,
                consultation=consultation,
                document=document,
                section=section,
                parent=parent,
                body=data["body"],
                category=category,
                idempotency_key=key,
                quote={k: data.get(f"quote_{k}", "") for k in ("exact", "prefix", "suffix")},
                ip=client_ip(request),
            )
        except ratelimit.RateLimited as exc:
            raise exceptions.Throttled(wait=exc.retry_after) from None
        except CommentError as exc:
            raise exceptions.ValidationError({exc.field or "non_field_errors": exc.messages}) from None
        if not created and comment.body.strip() != data["body"].replace("\r\n", "\n").strip():
            raise Conflict()
        body = s.OwnCommentSerializer(comment, context=self.get_serializer_context()).data
        return ApiResponse(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _validated(self, request) -> dict:
        serializer = s.CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _target(self, user, data):
        """(consultation, document, section, parent, category) for the post, each one checked."""
        if data.get("document") and data.get("section") and not data.get("parent"):
            # The usual case, a clause of a document: the three in one query
            # (api.selectors.clause_with_parents). When that finds nothing, or something this person may
            # not see, the steps below say which part is wrong.
            section = selectors.clause_with_parents(data["consultation"], data["document"], data["section"])
            if section is not None:
                document = section.document
                consultation = document.consultation
                if may_view_document(user, document, consultation):
                    return consultation, document, section, None, data["category"]
        consultation = consultation_for_viewer(user, data["consultation"])
        return (consultation, *self._target_in(user, consultation, data))

    def _target_in(self, user, consultation, data):
        if data.get("parent"):
            parent = (
                Comment.objects.select_related("consultation", "document", "section")
                .filter(pk=data["parent"], consultation=consultation)
                .first()
            )
            if parent is None or not may_see(user, parent):
                raise exceptions.ValidationError({"parent": ["No such comment in this consultation."]})
            return parent.document, parent.section, parent, parent.category
        document = section = None
        if data.get("document"):
            document = (
                selectors.visible_documents(user)
                .filter(pk=data["document"], consultation=consultation)
                .first()
            )
            if document is None:
                raise exceptions.ValidationError({"document": ["No such document in this consultation."]})
        if data.get("section"):
            section = (
                Section.objects.filter(pk=data["section"], document=document).first() if document else None
            )
            if section is None:
                raise exceptions.ValidationError({"section": ["No such section in this document."]})
        return document, section, None, data["category"]


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This Idempotency-Key was already used for a different comment."
    default_code = "conflict"


@extend_schema(tags=["comments"])
class CommentDetail(ApiMixin, generics.RetrieveAPIView):
    """One published comment or reply; pending, rejected, hidden and withdrawn ones are a 404 for
    everyone, their authors included (officials use the staff list)."""

    serializer_class = s.CommentSerializer

    def get_queryset(self):
        return _published_comments(self.request.user)

    def get_object(self):
        if int(self.kwargs["pk"]) > MAX_ID:
            raise exceptions.NotFound("No such comment.")
        return super().get_object()


@extend_schema(tags=["responses"])
class QuestionList(ApiMixin, generics.ListAPIView):
    """The consultation's questions in order, with their options (not paginated)."""

    serializer_class = s.QuestionSerializer
    queryset = Question.objects.none()  # for the schema; the real one depends on the consultation
    pagination_class = None

    def get_queryset(self):
        consultation = consultation_for_viewer(self.request.user, self.kwargs["slug"])
        return Question.objects.filter(consultation=consultation).order_by("position", "id")


@extend_schema(tags=["responses"])
class PublishedResponseList(ApiMixin, generics.ListAPIView):
    """Responses whose authors agreed to publication, once the consultation has closed (empty before)."""

    serializer_class = s.PublishedResponseSerializer
    queryset = ResponseModel.objects.none()

    def get_queryset(self):
        consultation = consultation_for_viewer(self.request.user, self.kwargs["slug"])
        return response_selectors.published_responses(consultation)


class IdeaPagination(ApiCursorPagination):
    ordering = ("-score", "-id")


@extend_schema(tags=["ideas"])
class IdeaList(ApiMixin, generics.ListAPIView):
    """Ideas of an ideas exercise, best first (Wilson score of the votes); merged and hidden ones left out."""

    serializer_class = s.IdeaSerializer
    queryset = Idea.objects.none()
    pagination_class = IdeaPagination

    def get_queryset(self):
        consultation = consultation_for_viewer(self.request.user, self.kwargs["slug"])
        return (
            Idea.objects.filter(consultation=consultation)
            .listed()
            .select_related("consultation", "category", "author")
        )


# --- officials -----------------------------------------------------------------------------------------


@extend_schema(tags=["staff"])
class StaffCommentList(ApiMixin, generics.ListAPIView):
    """Every comment of one of your team's consultations, any status (moderators)."""

    serializer_class = s.StaffCommentSerializer
    queryset = Comment.objects.none()
    filterset_class = StaffCommentFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        consultation = consultation_for_team(self.request.user, self.kwargs["slug"], Role.MODERATOR)
        return Comment.objects.filter(consultation=consultation).select_related(
            "consultation", "section", "author"
        )


@extend_schema(
    tags=["staff"], request=s.ModerationSerializer, responses={200: s.StaffCommentSerializer(many=True)}
)
class StaffModerate(ApiMixin, generics.GenericAPIView):
    """Approve, reject, hide or keep comments (all or none), with a house-rule reason to reject or hide."""

    serializer_class = s.ModerationSerializer
    queryset = Comment.objects.none()
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def post(self, request, slug: str):
        consultation = consultation_for_team(request.user, slug, Role.MODERATOR)
        serializer = s.ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            done = comments_moderate(
                consultation=consultation,
                comment_ids=d["comment_ids"],
                by=request.user,
                decision=d["decision"],
                reason=d.get("reason", ""),
                note=d.get("note", ""),
            )
        except CommentError as exc:
            raise exceptions.ValidationError({exc.field or "non_field_errors": exc.messages}) from None
        for comment in done:
            comment.consultation = consultation
        return ApiResponse(s.StaffCommentSerializer(done, many=True, context={"request": request}).data)


@extend_schema(tags=["staff"])
class StaffResponseList(ApiMixin, generics.ListAPIView):
    """All responses of one of your team's consultations, with personal data (analysts)."""

    serializer_class = s.StaffResponseSerializer
    queryset = ResponseModel.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        consultation = consultation_for_team(self.request.user, self.kwargs["slug"], Role.ANALYST)
        return response_selectors.staff_responses(consultation).prefetch_related("answers__question")


@extend_schema(tags=["outcomes"])
class LedgerList(ApiMixin, generics.ListAPIView):
    """ "You said, we did": what the team decided about each clause and question, once the government
    response is published (empty before). Linked comments are published ones only."""

    serializer_class = s.LedgerEntrySerializer
    queryset = LedgerEntry.objects.none()
    pagination_class = None

    def get_queryset(self):
        consultation = consultation_for_viewer(self.request.user, self.kwargs["slug"])
        if consultation.state != consultation.State.CONCLUDED:
            return LedgerEntry.objects.none()
        return (
            LedgerEntry.objects.filter(consultation=consultation)
            .annotate(answer_count=Count("answers", distinct=True))
            .select_related("section")
            .prefetch_related("themes", Prefetch("comments", queryset=Comment.objects.public().only("id")))
            .order_by("section__position", "question_id", "id")
        )
