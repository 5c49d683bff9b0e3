"""What a caller may read of a record, and which written values are only echoes of what they were shown.

Contacts follow the disclosure rules of ``guanxi.governance.disclosure`` (SECURITY AZ-04, DP-01), the same
as the web pages: reps get masked phones, e-mail and WeChat and no birthday or family notes.
"""

from collections.abc import Iterable
from typing import Any

from guanxi.customers.models import Contact
from guanxi.governance.disclosure import MASKED_FIELDS, PRIVATE_FIELDS, mask_value, sees_full_archive

from .schemas.customers import ContactOut, ContactRestrictedOut


def contact_out(user: Any, contact: Contact) -> dict[str, Any]:
    """Return the contact as ``user`` may read it, ready for JSON."""
    if sees_full_archive(user):
        return ContactOut.from_orm(contact).model_dump(mode="json")
    data = ContactRestrictedOut.from_orm(contact).model_dump(mode="json")
    for name in MASKED_FIELDS:
        data[name] = mask_value(data[name])
    return data


def contact_changes(
    user: Any, data: dict[str, Any], *, current: Contact, given: Iterable[str], replace: bool
) -> dict[str, Any]:
    """Drop what a rep could not have meant to change.

    A rep is shown masked values and no private fields: sending a masked value back keeps the saved one,
    and a full replacement (PUT) keeps the private and masked fields the rep left out.
    """
    if sees_full_archive(user):
        return data
    given = set(given)
    kept = dict(data)
    for name in MASKED_FIELDS:
        if name in kept and (
            kept[name] == mask_value(getattr(current, name)) or (replace and name not in given)
        ):
            del kept[name]
    if replace:
        for name in PRIVATE_FIELDS:
            if name not in given:
                kept.pop(name, None)
    return kept
