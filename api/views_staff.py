"""Personal API tokens, and the teams' webhooks with their delivery log (publishers)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dhdigital.accounts.models import Role, Team
from dhdigital.accounts.roles import has_team_role, teams_where

from .base import ApiMixin
from .filters import MAX_ID
from .forms import MAX_ACTIVE_TOKENS, token_limit_reached
from .models import ApiToken, Webhook, WebhookDelivery, WebhookEvent
from .webhooks import webhook_create, webhook_update


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once: store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]


@extend_schema(tags=["tokens"])
class TokenListCreate(ApiMixin, generics.ListCreateAPIView):
    """Your API tokens. POST creates one and returns its key once (signed in, not with a token)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(request=TokenSerializer, responses={201: NewTokenSerializer})
    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            # A leaked token must not make others that outlive its revocation.
            raise PermissionDenied(
                "Tokens are created by a signed-in person (the API tokens page), not with a token."
            )
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if token_limit_reached(request.user):
            raise serializers.ValidationError(
                {"non_field_errors": [f"You have {MAX_ACTIVE_TOKENS} tokens. Revoke one first."]}
            )
        token, key = ApiToken.issue(user=request.user, name=serializer.validated_data["name"])
        token.key = key
        return Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["tokens"])
class TokenRevoke(ApiMixin, generics.DestroyAPIView):
    """Revoke one of your tokens (it stops working at once)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()

    def get_object(self) -> ApiToken:
        if int(self.kwargs["pk"]) > MAX_ID:
            raise Http404("No such token.")
        token = ApiToken.objects.active().filter(user=self.request.user, pk=self.kwargs["pk"]).first()
        if token is None:
            raise Http404("No such token.")
        return token

    def perform_destroy(self, instance: ApiToken) -> None:
        instance.revoke()


class WebhookSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1)

    class Meta:
        model = Webhook
        fields = ["id", "team", "url", "events", "is_active", "created_at"]
        read_only_fields = ["id", "is_active", "created_at"]


class WebhookUpdateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, required=False
    )
    is_active = serializers.BooleanField(required=False, help_text="false switches the webhook off.")


class NewWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: the HMAC-SHA256 signing key.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "last_attempt_at",
            "delivered_at",
            "payload",
        ]


def _publisher_team_ids(user) -> list[int] | None:
    if user.is_superuser:
        return None
    return list(teams_where(user, Role.PUBLISHER).values_list("pk", flat=True))


@extend_schema(tags=["webhooks"])
class WebhookListCreate(ApiMixin, generics.ListCreateAPIView):
    """Webhooks of the teams you publish for. Events: consultation.state_changed, analysis.finished.
    Each request is signed: X-Dhd-Signature = sha256=HMAC(secret, "<X-Dhd-Timestamp>.<body>")."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = WebhookSerializer
    queryset = Webhook.objects.none()

    def get_queryset(self):
        teams = _publisher_team_ids(self.request.user)
        qs = Webhook.objects.select_related("team")
        return qs if teams is None else qs.filter(team_id__in=teams)

    @extend_schema(request=WebhookSerializer, responses={201: NewWebhookSerializer})
    def post(self, request, *args, **kwargs):
        serializer = WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if not has_team_role(request.user, d["team"], Role.PUBLISHER):
            raise PermissionDenied("Only the team's publishers may add webhooks.")
        hook = webhook_create(team=d["team"], url=d["url"], events=d["events"], by=request.user)
        return Response(NewWebhookSerializer(hook).data, status=status.HTTP_201_CREATED)


def _publisher_webhook(user, pk) -> Webhook:
    """A webhook of a team the user publishes for, or 404 (other teams' hooks are not revealed)."""
    if int(pk) > MAX_ID:
        raise Http404("No such webhook.")
    teams = _publisher_team_ids(user)
    hooks = Webhook.objects.select_related("team")
    hook = (hooks if teams is None else hooks.filter(team_id__in=teams)).filter(pk=pk).first()
    if hook is None:
        raise Http404("No such webhook.")
    return hook


@extend_schema(tags=["webhooks"])
class WebhookDetail(ApiMixin, generics.GenericAPIView):
    """One of your teams' webhooks. PATCH changes its address or events or switches it off (is_active);
    DELETE removes it and its delivery log."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = WebhookSerializer
    queryset = Webhook.objects.none()

    def get(self, request, pk):
        return Response(WebhookSerializer(_publisher_webhook(request.user, pk)).data)

    @extend_schema(request=WebhookUpdateSerializer, responses={200: WebhookSerializer})
    def patch(self, request, pk):
        hook = _publisher_webhook(request.user, pk)
        serializer = WebhookUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hook = webhook_update(webhook=hook, **serializer.validated_data)
        return Response(WebhookSerializer(hook).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        _publisher_webhook(request.user, pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["webhooks"])
class DeliveryList(ApiMixin, generics.ListAPIView):
    """The delivery log of one webhook: every event, its attempts and the last response code."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DeliverySerializer
    queryset = WebhookDelivery.objects.none()

    def get_queryset(self):
        hook = _publisher_webhook(self.request.user, self.kwargs["pk"])
        return WebhookDelivery.objects.filter(webhook=hook)
