from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTEXT_WORDS = ("guanxi", "crm", "xiaoshou", "关系", "销售", "kehu")


class ContextWordValidator:
    """Refuse passwords built on the product's own words (guanxi, crm, xiaoshou …)."""

    def validate(self, password: str, user: object = None) -> None:
        lowered = password.lower()
        if any(word in lowered for word in CONTEXT_WORDS):
            raise ValidationError(
                _("The password must not contain the product's name or common sales words.")
            )

    def get_help_text(self) -> str:
        return _("Your password must not contain the product's name or common sales words.")
