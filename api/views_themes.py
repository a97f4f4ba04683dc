"""Themes and their tags through the API, for the consultation team's analysts: everything the theme pages
do (name, describe, create, confirm, merge, split, delete; confirm, reject, add, remove and move tags),
through the same `insights.curation` services, so every edit is audited the same way."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response

from insights import access, curation, units
from insights.models import Theme, ThemeAssignment

from .base import ApiMixin
from .filters import MAX_ID
from .views_insights import _guard, _refused

ID = {"min_value": 1, "max_value": MAX_ID}


class ThemeSerializer(serializers.ModelSerializer):
    tags = serializers.SerializerMethodField(help_text="Tags on this theme, not counting rejected ones.")

    class Meta:
        model = Theme
        fields = [
            "id",
            "scope",
            "label",
            "description",
            "keywords",
            "quotes",
            "source",
            "approved_at",
            "is_active",
            "tags",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f not in ("label", "description")]

    def get_tags(self, obj: Theme) -> int:
        n = getattr(obj, "n_tags", None)  # annotated on lists
        return n if n is not None else obj.assignments.filter(rejected=False).count()


class ThemeCreateSerializer(serializers.Serializer):
    scope = serializers.CharField(
        max_length=60, help_text="consultation, ideas, clause:<lineage key> or question:<id>"
    )
    label = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ThemeMergeSerializer(serializers.Serializer):
    sources = serializers.ListField(
        child=serializers.IntegerField(**ID),
        min_length=1,
        max_length=50,
        help_text="Other active themes of the same consultation and scope; their tags move to this one.",
    )


class ThemeSplitSerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.IntegerField(**ID),
        min_length=1,
        max_length=1000,
        help_text="Tags of this theme whose responses move to the new theme.",
    )
    label = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TagSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit_kind", read_only=True)
    unit_id = serializers.IntegerField(read_only=True)
    text = serializers.SerializerMethodField(help_text="The response's words (comment, answer or idea).")

    class Meta:
        model = ThemeAssignment
        fields = [
            "id",
            "theme",
            "unit",
            "unit_id",
            "text",
            "confidence",
            "source",
            "confirmed",
            "rejected",
            "decided_at",
        ]

    def get_text(self, obj: ThemeAssignment) -> str:
        texts = self.context.get("texts")
        if texts is None:
            texts = units.texts([obj.unit_key])
        return texts.get(obj.unit_key, "")


class TagAddSerializer(serializers.Serializer):
    unit = serializers.RegexField(
        r"^(comment|answer|idea):\d{1,18}$",
        help_text="The response to put on this theme: comment:<id>, answer:<id> or idea:<id>.",
    )


class TagDecisionSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true: the tag is right; false: it is wrong.")


class TagMoveSerializer(serializers.Serializer):
    target = serializers.IntegerField(**ID, help_text="An active theme of the same consultation.")


def _theme(request, pk) -> Theme:
    return access.theme_for_analyst(request.user, _guard(pk))


def _tag(request, pk) -> ThemeAssignment:
    return access.tag_for_analyst(request.user, _guard(pk))


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _themes_of(theme: Theme, ids: list[int], field: str, **same) -> list[Theme]:
    """Active themes of the same consultation (and `same` fields), all named ids found or a 400."""
    found = list(
        Theme.objects.filter(pk__in=set(ids), consultation_id=theme.consultation_id, is_active=True, **same)
    )
    if len(found) != len(set(ids)):
        raise exceptions.ValidationError({field: ["Choose active themes of this consultation."]})
    return found


def _edit(call):
    try:
        return call()
    except curation.CurationError as exc:
        raise _refused(exc) from None


@extend_schema(tags=["analysis"])
class ThemeListCreate(ApiMixin, generics.ListCreateAPIView):
    """Active themes of the consultation with their number of tags; POST names a new one (an official's
    theme, e.g. one the machine missed)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeSerializer
    queryset = Theme.objects.none()

    def get_queryset(self):
        consultation = access.consultation_for_analyst(self.request.user, self.kwargs["slug"])
        return Theme.objects.filter(consultation=consultation, is_active=True).annotate(
            n_tags=Count("assignments", filter=Q(assignments__rejected=False))
        )

    @extend_schema(request=ThemeCreateSerializer, responses={201: ThemeSerializer})
    def post(self, request, slug: str):
        consultation = access.consultation_for_analyst(request.user, slug)
        data = _valid(ThemeCreateSerializer, request)
        theme = _edit(lambda: curation.theme_create(consultation=consultation, by=request.user, **data))
        return Response(ThemeSerializer(theme).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["analysis"])
class ThemeDetail(ApiMixin, generics.RetrieveUpdateDestroyAPIView):
    """Read a theme; PATCH renames or re-describes it; DELETE removes it from every list and count (its
    history and tags stay for the audit). Every edit is audited."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeSerializer
    queryset = Theme.objects.none()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return _theme(self.request, self.kwargs["pk"])

    def perform_update(self, serializer):
        theme, data = serializer.instance, serializer.validated_data
        _edit(
            lambda: curation.theme_update(
                theme=theme,
                by=self.request.user,
                label=data.get("label", theme.label),
                description=data.get("description", theme.description),
            )
        )

    def perform_destroy(self, instance: Theme) -> None:
        _edit(lambda: curation.theme_delete(theme=instance, by=self.request.user))


@extend_schema(tags=["analysis"], request=None, responses={200: ThemeSerializer})
class ThemeConfirm(ApiMixin, generics.GenericAPIView):
    """Confirm a machine theme as right (it is then shown as checked by an official)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeSerializer
    queryset = Theme.objects.none()

    def post(self, request, pk):
        theme = _theme(request, pk)
        theme = _edit(lambda: curation.theme_confirm(theme=theme, by=request.user))
        return Response(ThemeSerializer(theme).data)


@extend_schema(tags=["analysis"], request=ThemeMergeSerializer, responses={200: ThemeSerializer})
class ThemeMerge(ApiMixin, generics.GenericAPIView):
    """Merge other themes of the same scope into this one: their tags move here, they are marked merged."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeMergeSerializer
    queryset = Theme.objects.none()

    def post(self, request, pk):
        theme = _theme(request, pk)
        ids = _valid(ThemeMergeSerializer, request)["sources"]
        sources = _themes_of(theme, ids, "sources", scope=theme.scope)
        theme = _edit(lambda: curation.theme_merge(target=theme, sources=sources, by=request.user))
        return Response(ThemeSerializer(theme).data)


@extend_schema(tags=["analysis"], request=ThemeSplitSerializer, responses={201: ThemeSerializer})
class ThemeSplit(ApiMixin, generics.GenericAPIView):
    """Move some of this theme's responses to a new theme in the same scope; answers with the new theme."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeSplitSerializer
    queryset = Theme.objects.none()

    def post(self, request, pk):
        theme = _theme(request, pk)
        data = _valid(ThemeSplitSerializer, request)
        mine = set(
            ThemeAssignment.objects.filter(theme=theme, rejected=False, pk__in=data["tags"]).values_list(
                "pk", flat=True
            )
        )
        if mine != set(data["tags"]):
            raise exceptions.ValidationError({"tags": ["Choose tags of this theme."]})
        new = _edit(
            lambda: curation.theme_split(
                theme=theme,
                by=request.user,
                tag_ids=sorted(mine),
                label=data["label"],
                description=data["description"],
            )
        )
        return Response(ThemeSerializer(new).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["analysis"])
class TagListAdd(ApiMixin, generics.ListCreateAPIView):
    """The comments, answers and ideas tagged with a theme, with their words; POST puts another response
    on it (an official's tag, which also teaches the tagger)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TagSerializer
    queryset = ThemeAssignment.objects.none()

    def get_queryset(self):
        return ThemeAssignment.objects.filter(theme=_theme(self.request, self.kwargs["pk"]))

    def get_serializer(self, *args, **kwargs):
        if args and isinstance(args[0], list):  # a page: read the words of all its responses at once
            kwargs["context"] = {
                **self.get_serializer_context(),
                "texts": units.texts(t.unit_key for t in args[0]),
            }
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=TagAddSerializer, responses={201: TagSerializer})
    def post(self, request, pk):
        theme = _theme(request, pk)
        unit = _valid(TagAddSerializer, request)["unit"]
        tag = _edit(lambda: curation.tag_add(theme=theme, by=request.user, unit=unit))
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["analysis"])
class TagRemove(ApiMixin, generics.GenericAPIView):
    """Take a response off a theme: a machine tag is kept as rejected (it trains the tagger), an official's
    tag is deleted."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TagSerializer
    queryset = ThemeAssignment.objects.none()

    @extend_schema(responses={204: OpenApiResponse(description="Removed.")})
    def delete(self, request, pk):
        tag = _tag(request, pk)
        _edit(lambda: curation.tag_remove(tag=tag, by=request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["analysis"], request=TagDecisionSerializer, responses={200: TagSerializer})
class TagDecide(ApiMixin, generics.GenericAPIView):
    """Confirm or reject a machine tag (these decisions train the tagger and feed the agreement figure)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TagDecisionSerializer
    queryset = ThemeAssignment.objects.none()

    def post(self, request, pk):
        tag = _tag(request, pk)
        confirm = _valid(TagDecisionSerializer, request)["confirm"]
        tag = _edit(lambda: curation.tag_decide(tag=tag, by=request.user, confirm=confirm))
        return Response(TagSerializer(tag).data)


@extend_schema(tags=["analysis"], request=TagMoveSerializer, responses={200: ThemeSerializer})
class TagMove(ApiMixin, generics.GenericAPIView):
    """Move a response to another theme of the consultation; answers with that theme."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TagMoveSerializer
    queryset = Theme.objects.none()

    def post(self, request, pk):
        tag = _tag(request, pk)
        target_id = _valid(TagMoveSerializer, request)["target"]
        (target,) = _themes_of(tag.theme, [target_id], "target")
        _edit(lambda: curation.tag_move(tag=tag, target=target, by=request.user))
        return Response(ThemeSerializer(target).data)
