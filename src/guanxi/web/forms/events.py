"""Forms for customer events: the event itself, inviting contacts, answers and attendance."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.engagement.models import Event, InvitationResponse

from .base import DATETIME_WIDGET, DashedBlankChoices


class EventForm(DashedBlankChoices, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = ("title", "kind", "starts_at", "ends_at", "place", "description")
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_at"].required = False
        self.fields["ends_at"].help_text = _("Left empty: the same as the start.")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and not ends:
            cleaned["ends_at"] = starts
        elif starts and ends and ends < starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        return cleaned

    def event_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self) -> None:
        # The model's own validation runs in the service (with the actor's rights); the form only parses.
        pass


class InviteForm(forms.Form):
    contacts = forms.TypedMultipleChoiceField(
        coerce=int,
        required=True,
        error_messages={"required": _("Choose at least one contact to invite.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here: the service refuses one the user cannot see (as not found).
        raw = self.data.getlist("contacts") if hasattr(self.data, "getlist") else []
        self.fields["contacts"].choices = [(value, value) for value in raw]  # type: ignore[attr-defined]

    def clean_contacts(self) -> list[int]:
        values = self.cleaned_data["contacts"]
        if len(values) > 200:
            raise forms.ValidationError(_("Invite at most 200 contacts at once."))
        return values


class RespondForm(forms.Form):
    response = forms.ChoiceField(choices=InvitationResponse.choices)


class AttendanceForm(forms.Form):
    """``shown``: the invitations on the page; ``attended``: those ticked. The others shown are absent."""

    shown = forms.TypedMultipleChoiceField(coerce=int, required=False)
    attended = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("shown", "attended"):
            raw = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            self.fields[name].choices = [(value, value) for value in raw]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shown = set(cleaned.get("shown") or [])
        attended = set(cleaned.get("attended") or [])
        if not shown:
            raise forms.ValidationError(_("Invite contacts before recording attendance."))
        cleaned["attended"] = sorted(attended & shown)
        cleaned["absent"] = sorted(shown - attended)
        return cleaned
