"""Compliance API: figures per rule and township for a period, and the drill-down list of a rule.

GET compliance/?period=2026-05           → every rule the user answers for, per township
GET compliance/<rule>/?period=&township=  → the rows behind, paginated like every list
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from pairing.core.api.pagination import PortalPagination
from pairing.core.filtering import parse_id

from .. import compliance

PERIOD = OpenApiParameter(
    "period", OpenApiTypes.STR, description="2026-05（月）、2026-Q2（季度）或 2026-H1（半年），默认本月"
)
TOWNSHIP = OpenApiParameter("township", OpenApiTypes.INT, description="只看该乡镇")


def _period(request) -> compliance.Period:
    try:
        return compliance.parse_period(request.query_params.get("period", ""), timezone.localdate())
    except ValidationError as exc:
        raise serializers.ValidationError({"period": exc.messages}) from None


def _period_data(period: compliance.Period) -> dict:
    start, end = period.bounds
    return {"period": period.param, "label": period.label, "start": start, "end": end}


FIGURES = inline_serializer(
    "ComplianceFigures",
    {
        "period": serializers.CharField(),
        "label": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(help_text="不含"),
        "rules": serializers.ListField(child=serializers.DictField()),
    },
)


class ComplianceView(APIView):
    @extend_schema(operation_id="compliance_figures", parameters=[PERIOD], responses=FIGURES)
    def get(self, request):
        """Per rule: rows, rows behind and the compliance rate, in total and per township."""
        period = _period(request)
        rules = []
        for figures in compliance.board(request.user, period, timezone.localdate()):
            rules.append(
                {
                    "code": figures.rule.code,
                    "title": figures.rule.title,
                    "source": figures.rule.source,
                    "months": [f"{m:%Y-%m}" for m in figures.months],
                    "total": figures.total,
                    "behind": figures.behind,
                    "open": figures.open,  # not met yet, before the rule's deadline
                    "rate": figures.rate,
                    "townships": [
                        {
                            "township": t.township_id,
                            "name": t.township,
                            "total": t.total,
                            "behind": t.behind,
                            "open": t.open,
                            "rate": t.rate,
                        }
                        for t in figures.townships
                    ],
                }
            )
        return Response({**_period_data(period), "rules": rules})


class ComplianceRuleView(APIView):
    @extend_schema(
        operation_id="compliance_rule_list", parameters=[PERIOD, TOWNSHIP], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request, code):
        """The rows behind on one rule: names, township and the months missed."""
        rule = compliance.rule_for(request.user, code)
        if rule is None:
            raise NotFound()
        period = _period(request)
        township = parse_id(request.query_params.get("township"))
        queryset, months = compliance.behind_queryset(request.user, rule, period, timezone.localdate(), township)
        paginator = PortalPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        headers = compliance.headers(rule, months)
        results = [
            {
                "id": row.pk,
                "township": row.township_id,
                "cells": dict(zip(headers, row.cells + ((row.missed_label,) if months else ()), strict=True)),
                "missed_months": [f"{m:%Y-%m}" for m in row.missed],
            }
            for row in compliance.to_rows(rule, page, months)
        ]
        response = paginator.get_paginated_response(results)
        response.data = {"rule": rule.code, "title": rule.title, **_period_data(period), **response.data}
        return response
