"""Analysis through the API: runs (start, progress, cancel) for the team's analysts, through the insights
app's own services; published reports for everyone. Themes and tags are in `views_themes`."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response

from consultations.access import consultation_for_viewer
from dashboards.reports import WITHHELD_NOTE, public_snapshot
from insights import access, runs
from insights.models import AnalysisRun, Report

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
    engine = serializers.ChoiceField(
        choices=AnalysisRun.Engine.choices,
        required=False,
        help_text="Leave out for the measured default for the consultation's size "
        "(embeddings up to 30,000 responses, basic above; ANALYSIS_DEFAULT_ENGINE).",
    )
    scope = serializers.CharField(
        max_length=60,
        default="consultation",
        help_text="consultation, ideas, clause:<lineage key> or question:<id>",
    )


class ReportSerializer(serializers.ModelSerializer):
    snapshot = serializers.SerializerMethodField(
        help_text="The frozen report: figures, method, themes by scope with their counts and keywords, "
        "campaign sizes, who responded (small counts suppressed), caveats. " + WITHHELD_NOTE
    )

    class Meta:
        model = Report
        fields = ["id", "title", "published_at", "snapshot"]

    def get_snapshot(self, obj: Report) -> dict:
        return public_snapshot(obj.snapshot or {})


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
class PublishedReportList(ApiMixin, generics.ListAPIView):
    """Analysis reports the team has published for this consultation (frozen snapshots)."""

    serializer_class = ReportSerializer
    queryset = Report.objects.none()

    def get_queryset(self):
        consultation = consultation_for_viewer(self.request.user, self.kwargs["slug"])
        return Report.objects.filter(consultation=consultation, is_published=True)
