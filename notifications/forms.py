from django import forms

from notifications.models import Kind


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of email the user can get."""

    def __init__(self, *args, kinds, enabled, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(
                label=Kind(kind).label, required=False, initial=kind in enabled
            )

    def enabled(self) -> set[str]:
        return {kind for kind, on in self.cleaned_data.items() if on}
