from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from webhooks.models import EventType
from webhooks.services import event_types_for


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address on the public internet. Redirects are not followed."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("Every organisation"),
        help_text=_("Whose tickets it hears of."),
    )

    def __init__(self, *args, user, hook=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(EventType.choices)
        field = self.fields["event_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t, labels[t]) for t in event_types_for(user, hook)]
        if not user.is_staff or (hook is not None and hook.customer_owned):
            del self.fields["organization"]
