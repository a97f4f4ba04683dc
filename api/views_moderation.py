"""The rest of the moderation queue through the API, for the consultation team's moderators: appeals
(list and decide) and sanctions on commenters (suspend, ban, restore), through `comments.moderation`, the
services the moderation pages use, with the same house rules and checks."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response

from comments import house_rules, moderation
from comments.access import consultation_for_moderator
from comments.models import Appeal, Comment, Sanction
from comments.services import CommentError
from dhdigital.accounts.models import User

from .base import ApiMixin
from .filters import MAX_ID

ID = {"min_value": 1, "max_value": MAX_ID}


class AppealSerializer(serializers.ModelSerializer):
    comment_status = serializers.CharField(source="comment.status", read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "comment", "comment_status", "text", "state", "created_at", "decided_at"]


class AppealDecisionSerializer(serializers.Serializer):
    uphold = serializers.BooleanField(help_text="true restores the comment; false keeps the decision.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SanctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sanction
        fields = ["id", "user", "kind", "reason", "until", "note", "created_at"]


class SanctionCreateSerializer(serializers.Serializer):
    user = serializers.IntegerField(**ID, help_text="The commenter (`author_id` in the staff comment list).")
    kind = serializers.ChoiceField(choices=Sanction.Kind.choices)
    reason = serializers.ChoiceField(
        choices=house_rules.CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text="The house rule broken; required to suspend or ban.",
    )
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=365, help_text="Length of a suspension, in days."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AppealFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Appeal.State.choices)

    class Meta:
        model = Appeal
        fields = ["state"]


def _refused(exc: CommentError) -> exceptions.ValidationError:
    return exceptions.ValidationError({exc.field or "non_field_errors": exc.messages})


@extend_schema(tags=["staff"])
class AppealList(ApiMixin, generics.ListAPIView):
    """Appeals against moderation decisions on one of your team's consultations (moderators)."""

    serializer_class = AppealSerializer
    queryset = Appeal.objects.none()
    filterset_class = AppealFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        consultation = consultation_for_moderator(self.request.user, self.kwargs["slug"])
        return Appeal.objects.filter(comment__consultation=consultation).select_related("comment")


@extend_schema(tags=["staff"], request=AppealDecisionSerializer, responses={200: AppealSerializer})
class AppealDecide(ApiMixin, generics.GenericAPIView):
    """Uphold an appeal (the comment is published again) or dismiss it."""

    serializer_class = AppealDecisionSerializer
    queryset = Appeal.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, slug: str, pk: int):
        consultation = consultation_for_moderator(request.user, slug)
        appeal = (
            Appeal.objects.select_related("comment__consultation")
            .filter(pk=pk, comment__consultation=consultation)
            .first()
            if pk <= MAX_ID
            else None
        )
        if appeal is None:
            raise exceptions.NotFound("No such appeal on this consultation.")
        data = AppealDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            appeal = moderation.appeal_decide(appeal=appeal, by=request.user, **data.validated_data)
        except CommentError as exc:
            raise _refused(exc) from None
        return Response(AppealSerializer(appeal).data)


@extend_schema(tags=["staff"])
class SanctionListCreate(ApiMixin, generics.ListCreateAPIView):
    """Suspensions, bans and restorations of commenters on one of your team's consultations; POST makes
    one (a house rule is required to suspend or ban; officials cannot be sanctioned)."""

    serializer_class = SanctionSerializer
    queryset = Sanction.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        consultation = consultation_for_moderator(self.request.user, self.kwargs["slug"])
        return Sanction.objects.filter(consultation=consultation)

    @extend_schema(request=SanctionCreateSerializer, responses={201: SanctionSerializer})
    def post(self, request, slug: str):
        consultation = consultation_for_moderator(request.user, slug)
        serializer = SanctionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        commenters = Comment.objects.filter(consultation=consultation).values("author_id")
        person = User.objects.filter(pk=d["user"], pk__in=commenters).first()
        if person is None:
            message = "This person has not commented on this consultation."
            raise exceptions.ValidationError({"user": [message]})
        until = timezone.now() + timedelta(days=d["days"]) if d.get("days") else None
        try:
            sanction = moderation.user_sanction(
                user=person,
                by=request.user,
                consultation=consultation,
                kind=d["kind"],
                reason=d["reason"],
                until=until,
                note=d["note"],
            )
        except CommentError as exc:
            if exc.field == "until":
                raise exceptions.ValidationError({"days": exc.messages}) from None
            raise _refused(exc) from None
        return Response(SanctionSerializer(sanction).data, status=status.HTTP_201_CREATED)
