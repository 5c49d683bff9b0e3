"""Small forms of the relationship-maintenance pages: greeted, relationship status, counterparts, team filter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.customers.choices import Closeness, RelationshipStatus
from guanxi.engagement.models import Channel


class GreetedForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WECHAT)
    text = forms.CharField(
        label=_("Greeting sent"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RelationshipStatusForm(forms.Form):
    relationship_status = forms.ChoiceField(label=_("Relationship"), choices=RelationshipStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CounterpartForm(forms.Form):
    """Who on our side holds the relationship with which key person, and how close."""

    contact = forms.TypedChoiceField(label=_("Key person"), coerce=int, choices=())
    user = forms.TypedChoiceField(label=_("Colleague"), coerce=int, choices=())
    closeness = forms.ChoiceField(label=_("Closeness"), choices=Closeness.choices, initial=Closeness.FAMILIAR)

    def __init__(
        self,
        *args: Any,
        contacts: list[tuple[int, str]],
        colleagues: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = contacts  # type: ignore[attr-defined]
        self.fields["user"].choices = colleagues  # type: ignore[attr-defined]


class TeamFollowUpFilterForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None, choices=())
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)

    def __init__(self, *args: Any, owner_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("All owners")), *owner_choices]  # type: ignore[attr-defined]
