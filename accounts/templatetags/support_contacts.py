"""Seed 001's shortcuts to the Sales and Billing contacts, for the ticket list."""

from django import template

from accounts.contacts import sales_and_billing

register = template.Library()


@register.inclusion_tag("accounts/_contact_shortcuts.html", takes_context=True)
def contact_shortcuts(context) -> dict:
    """The viewer's organisation's Sales and Billing contacts; nothing for support staff."""
    user = context.get("user")
    organization = getattr(user, "organization", None)
    if organization is None or not user.is_customer:
        return {"groups": []}
    return {"groups": sales_and_billing(organization)}
