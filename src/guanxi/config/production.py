"""Production settings: everything in ``settings`` plus the deployment hardening.

Run behind a TLS-terminating reverse proxy. ``manage.py check --deploy`` is clean with these.
"""

import os

from .settings import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
if os.environ.get("GUANXI_SECRET_KEY") is None:
    raise RuntimeError("production settings need GUANXI_SECRET_KEY")
