"""Seed 000's Ticket Prioritization Matrix, for the create form and Get support."""

from django import template

from tickets.priorities import URGENCIES, matrix_rows, priority_guide

register = template.Library()


@register.inclusion_tag("tickets/_priority_matrix.html", takes_context=True)
def priority_matrix(context) -> dict:
    """Impact × urgency → priority, and what each priority means for the viewer's
    organisation (with its response target once SLAs exist)."""
    organization = getattr(context.get("user"), "organization", None)
    guide = priority_guide(organization)
    return {
        "urgencies": URGENCIES,
        "rows": matrix_rows(),
        "guide": guide,
        "has_targets": any(row.response_target for row in guide),
    }
