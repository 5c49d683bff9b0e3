"""The sign-in form: Django's, with its own answer while sign-ins from here are slowed down."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from guanxi.people.throttle import blocked_message, was_blocked


class SignInForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if was_blocked(self.request):
                raise ValidationError(blocked_message(), code="sign_in_blocked") from None
            raise
