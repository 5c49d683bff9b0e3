"""Audit sign-ins and sign-outs (Django's own auth signals are the only way to observe them)."""

from typing import Any

from .audit import audit_record


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="login", object_type="user", object_id=str(user.pk))


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="logout", object_type="user", object_id=str(user.pk))


def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The attempted username is not stored: it may be a password typed in the wrong box.
    audit_record(actor=None, action="login_failed", object_type="user", result="denied")
