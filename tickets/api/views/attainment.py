"""Service-level attainment: the share of targets met over a period."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.api import docs
from tickets.models import SlaClock
from tickets.sla.attainment import CUSTOMER_GROUPS, GROUPS, attainment

DEFAULT_DAYS = 30
MAX_DAYS = 366


class AttainmentQuery(serializers.Serializer):
    since = serializers.DateField(
        required=False, help_text="First day, inclusive (default: 30 days before `until`)."
    )
    until = serializers.DateField(required=False, help_text="Last day, inclusive (default: today).")
    by = serializers.ChoiceField(
        choices=list(GROUPS),
        default="kind",
        help_text="Group by kind of target, policy, tier, organisation or agent (the "
        "ticket's assignee). Customers: `kind` only, for their organisation.",
    )

    def validate_by(self, value: str) -> str:
        user = self.context["request"].user
        if not user.is_support_staff and value not in CUSTOMER_GROUPS:
            raise serializers.ValidationError(_("Customers can group by kind only."))
        return value

    def validate(self, attrs):
        today = timezone.localdate()
        until = attrs.get("until") or today
        since = attrs.get("since") or until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            raise serializers.ValidationError({"since": _("Must be on or before until.")})
        if (until - since).days >= MAX_DAYS:
            raise serializers.ValidationError(
                {"since": _("A period is at most %(days)d days.") % {"days": MAX_DAYS}}
            )
        return {**attrs, "since": since, "until": until}


class AttainmentRowSerializer(serializers.Serializer):
    group = serializers.CharField(
        allow_null=True, help_text="The policy, tier, alias or agent; the kind when by=kind."
    )
    kind = serializers.ChoiceField(choices=SlaClock.Kind.values, help_text="The kind of target.")
    total = serializers.IntegerField(help_text="Targets decided in the period.")
    met = serializers.IntegerField(help_text="Of those, met by their due time.")
    percent = serializers.FloatField(allow_null=True, help_text="met / total, in percent.")


class AttainmentSerializer(serializers.Serializer):
    since = serializers.DateField(help_text="The period's first day.")
    until = serializers.DateField(help_text="The period's last day.")
    by = serializers.CharField(help_text="What the rows are grouped by.")
    results = AttainmentRowSerializer(many=True)


class AttainmentView(APIView):
    @extend_schema(
        operation_id="sla_attainment",
        summary="Service-level attainment",
        description=(
            "How many service-level targets falling due in the period were met, per group. "
            "A target counts once decided: met, answered late, or overdue. Support sees "
            "every organisation; a customer their own organisation's, by kind only."
        ),
        parameters=[AttainmentQuery],
        responses={200: AttainmentSerializer, 400: docs.ERRORS[400], 401: docs.ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        query = AttainmentQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        since, until, by = (query.validated_data[key] for key in ("since", "until", "by"))
        zone = timezone.get_current_timezone()
        start = datetime.combine(since, time(0), tzinfo=zone)
        end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=zone)
        rows = attainment(
            SlaClock.objects.visible_to(request.user),
            since=start,
            until=end,
            by=by,
            now=timezone.now(),
        )
        body = {"since": since, "until": until, "by": by, "results": rows}
        return Response(AttainmentSerializer(body).data)
