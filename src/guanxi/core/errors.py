"""The one family of domain errors; web and API turn them into messages and status codes."""

from typing import Any


class GuanxiError(Exception):
    """A business rule refused the request. ``code`` is stable for machines, the message for people."""

    code = "error"
    status = 400

    def __init__(self, message: Any = "", *, code: str | None = None, details: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class ValidationFailed(GuanxiError):
    """Input is invalid; ``details`` maps field names to lists of messages."""

    code = "validation_error"
    status = 422


class NotFound(GuanxiError):
    """The object does not exist or the user may not see it (the two are never distinguished)."""

    code = "not_found"
    status = 404


class PermissionDenied(GuanxiError):
    code = "permission_denied"
    status = 403


class VersionConflict(GuanxiError):
    """Somebody saved the record after the user loaded it; ``current`` holds the saved version."""

    code = "version_conflict"
    status = 412

    def __init__(self, message: Any = "", *, current: Any = None, current_version: int = 0):
        super().__init__(message)
        self.current = current
        self.current_version = current_version
