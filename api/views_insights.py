"""Analysis through the API: runs (start, progress, cancel), themes and their tags (edit) for the team's
analysts, through the insights app's own services; published reports for everyone."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response

from consultations.access import consultation_for_viewer
from insights import access, curation, runs
from insights.models import AnalysisRun, Report, Theme, ThemeAssignment

from .base import ApiMixin
from .filters import MAX_ID


class RunSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "consultation",
            "engine",
            "scope",
            "state",
            "progress",
            "step",
            "cancel_requested",
            "units_total",
            "warnings",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("engine", "scope")]


class RunStartSerializer(serializers.Serializer):
    engine = serializers.ChoiceField(choices=AnalysisRun.Engine.choices, default=AnalysisRun.Engine.BASIC)
    scope = serializers.CharField(
        max_length=60,
        default="consultation",
        help_text="consultation, ideas, clause:<lineage key> or question:<id>",
    )


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


class TagSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit_kind", read_only=True)
    unit_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = ThemeAssignment
        fields = [
            "id",
            "theme",
            "unit",
            "unit_id",
            "confidence",
            "source",
            "confirmed",
            "rejected",
            "decided_at",
        ]


class TagDecisionSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true: the tag is right; false: it is wrong.")


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "title", "published_at", "snapshot"]


def _guard(pk) -> int:
    if int(pk) > MAX_ID:
        raise Http404("Not found.")
    return int(pk)


def _refused(exc: Exception) -> exceptions.ValidationError:
    return exceptions.ValidationError({"non_field_errors": [str(exc)]})


@extend_schema(tags=["analysis"])
class RunListStart(ApiMixin, generics.ListCreateAPIView):
    """The consultation's analysis runs; POST starts one (one active run at a time)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = RunSerializer
    queryset = AnalysisRun.objects.none()

    def get_queryset(self):
        consultation = access.consultation_for_analyst(self.request.user, self.kwargs["slug"])
        return AnalysisRun.objects.filter(consultation=consultation).select_related("consultation")

    @extend_schema(request=RunStartSerializer, responses={201: RunSerializer})
    def post(self, request, slug: str):
        consultation = access.consultation_for_analyst(request.user, slug)
        data = RunStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = runs.analysis_run_start(consultation=consultation, by=request.user, **data.validated_data)
        except runs.RunRefused as exc:
            raise _refused(exc) from None
        run.consultation = consultation
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["analysis"])
class RunDetail(ApiMixin, generics.RetrieveAPIView):
    """A run's state and progress (poll this)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = RunSerializer
    queryset = AnalysisRun.objects.none()

    def get_object(self):
        return access.run_for_analyst(self.request.user, _guard(self.kwargs["pk"]))


@extend_schema(tags=["analysis"], request=None, responses={200: RunSerializer})
class RunCancel(ApiMixin, generics.GenericAPIView):
    """Cancel a queued run at once, or ask a running one to stop at its next check."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = RunSerializer
    queryset = AnalysisRun.objects.none()

    def post(self, request, pk):
        run = access.run_for_analyst(request.user, _guard(pk))
        consultation = run.consultation
        run = runs.analysis_run_cancel(run=run, by=request.user)
        run.consultation = consultation
        return Response(RunSerializer(run).data)


@extend_schema(tags=["analysis"])
class ThemeList(ApiMixin, generics.ListAPIView):
    """Active themes of the consultation with their number of tags."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeSerializer
    queryset = Theme.objects.none()

    def get_queryset(self):
        from django.db.models import Count, Q

        consultation = access.consultation_for_analyst(self.request.user, self.kwargs["slug"])
        return Theme.objects.filter(consultation=consultation, is_active=True).annotate(
            n_tags=Count("assignments", filter=Q(assignments__rejected=False))
        )


@extend_schema(tags=["analysis"])
class ThemeDetail(ApiMixin, generics.RetrieveUpdateAPIView):
    """Read a theme; PATCH renames or re-describes it (audited)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ThemeSerializer
    queryset = Theme.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.theme_for_analyst(self.request.user, _guard(self.kwargs["pk"]))

    def perform_update(self, serializer):
        theme = serializer.instance
        data = serializer.validated_data
        try:
            curation.theme_update(
                theme=theme,
                by=self.request.user,
                label=data.get("label", theme.label),
                description=data.get("description", theme.description),
            )
        except curation.CurationError as exc:
            raise _refused(exc) from None


@extend_schema(tags=["analysis"])
class TagList(ApiMixin, generics.ListAPIView):
    """The comments, answers and ideas tagged with a theme."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TagSerializer
    queryset = ThemeAssignment.objects.none()

    def get_queryset(self):
        theme = access.theme_for_analyst(self.request.user, _guard(self.kwargs["pk"]))
        return ThemeAssignment.objects.filter(theme=theme)


@extend_schema(tags=["analysis"], request=TagDecisionSerializer, responses={200: TagSerializer})
class TagDecide(ApiMixin, generics.GenericAPIView):
    """Confirm or reject a machine tag (these decisions train the tagger and feed the agreement figure)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TagDecisionSerializer
    queryset = ThemeAssignment.objects.none()

    def post(self, request, pk):
        tag = access.tag_for_analyst(request.user, _guard(pk))
        data = TagDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            tag = curation.tag_decide(tag=tag, by=request.user, confirm=data.validated_data["confirm"])
        except curation.CurationError as exc:
            raise _refused(exc) from None
        return Response(TagSerializer(tag).data)


@extend_schema(tags=["analysis"])
class PublishedReportList(ApiMixin, generics.ListAPIView):
    """Analysis reports the team has published for this consultation (frozen snapshots)."""

    serializer_class = ReportSerializer
    queryset = Report.objects.none()

    def get_queryset(self):
        consultation = consultation_for_viewer(self.request.user, self.kwargs["slug"])
        return Report.objects.filter(consultation=consultation, is_published=True)
