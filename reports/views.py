"""The dashboards: support's (support admins see everything, agents their own
figures) and a customer admin's, for their organisation only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.requests import AuthenticatedHttpRequest
from reports.charts import charts, duration, island, sla_rows
from reports.figures import report_figures_cached
from reports.forms import DEFAULT_PERIOD, ReportFilterForm
from reports.rollups import local_day


def _report(request: AuthenticatedHttpRequest, *, template: str, internal: bool):
    now = timezone.now()
    form = ReportFilterForm(request.GET or None, viewer=request.user, today=local_day(now))
    if request.GET and not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    if not request.GET:
        form = ReportFilterForm(
            {"period": DEFAULT_PERIOD}, viewer=request.user, today=local_day(now)
        )
        form.is_valid()
    figures = report_figures_cached(form.scope(), now=now, internal=internal)
    drawn = charts(figures, internal=internal)
    return render(
        request,
        template,
        {
            "form": form,
            "figures": figures,
            "charts": drawn,
            "chart_data": island(drawn),
            "sla": sla_rows(figures),
            "first_response_median": duration(figures.first_response.median),
            "first_response_p90": duration(figures.first_response.p90),
            "resolution_median": duration(figures.resolution.median),
            "resolution_p90": duration(figures.resolution.p90),
            "agents": [
                {"row": row, "first_response": duration(row.first_response_median)}
                for row in figures.agents
            ],
            "own_figures_only": request.user.is_support_staff and not request.user.is_staff,
        },
    )


@require_GET
@login_required
def support_dashboard(request: AuthenticatedHttpRequest):
    """Support's dashboard; anyone but support staff gets the 404 of a missing page."""
    if not request.user.is_support_staff:
        raise Http404("No such page.")
    return _report(request, template="reports/dashboard.html", internal=True)


@require_GET
@login_required
def organization_report(request: AuthenticatedHttpRequest):
    """A customer admin's report on their own organisation; 404 for anyone else."""
    if not request.user.is_org_admin or request.user.organization_id is None:
        raise Http404("This page is for your organisation's admins.")
    return _report(request, template="reports/organization.html", internal=False)
