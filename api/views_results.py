"""Closed-question results through the API, for the consultation team's analysts: the dashboard's figures
(dashboards.closed) as JSON. The public gets them inside a published report (its snapshot's `closed`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, views
from rest_framework.response import Response

from dashboards import closed
from insights import access

from .base import ApiMixin


class _ThemeCount(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="Of the responses that chose the option.")


class _Option(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="Of all the responses counted.")
    copies = serializers.IntegerField(allow_null=True, help_text="Of `count`, campaign copies.")
    not_answered = serializers.BooleanField(default=False)
    themes = _ThemeCount(many=True, default=list, help_text="Themes raised by those who chose the option.")


class _Cell(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="null when hidden as a small count.")
    percent = serializers.FloatField(allow_null=True)


class _Group(serializers.Serializer):
    label = serializers.CharField()
    responses = serializers.IntegerField(allow_null=True)
    cells = _Cell(many=True, help_text="One per column of the breakdown, in order.")


class _Breakdown(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(
        child=serializers.CharField(), help_text='The options, then "Not answered".'
    )
    suppressed = serializers.BooleanField(help_text="Counts under `threshold` are hidden (null).")
    threshold = serializers.IntegerField()
    groups = _Group(many=True)


class _Day(serializers.Serializer):
    day = serializers.DateField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="One per option, in order.")


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    multiple = serializers.BooleanField()
    responses = serializers.IntegerField(
        help_text="Submitted responses counted (the base of the percentages)."
    )
    answered = serializers.IntegerField()
    copies = serializers.IntegerField(help_text="Campaign copies among the choices.")
    options = _Option(many=True)
    breakdowns = _Breakdown(many=True)
    days = _Day(many=True)


@extend_schema(tags=["analysis"], responses={200: QuestionResultSerializer(many=True)})
class QuestionResults(ApiMixin, views.APIView):
    """What respondents chose in each closed question (single and multiple choice, agree-disagree scale):
    counts and percentages per option and "not answered", campaign copies apart, by channel, respondent
    type, organisation type and region, day by day, and the themes beside each option."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get(self, request, slug: str):
        consultation = access.consultation_for_analyst(request.user, slug)
        return Response(QuestionResultSerializer(closed.question_results(consultation), many=True).data)
