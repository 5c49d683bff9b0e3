"""Settings-level security requirements (SECURITY AUTHN-01, SESS-01, CD-03)."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

import guanxi.config.settings as base_settings


def test_argon2id_is_the_first_hasher_and_no_weak_hasher_is_listed():
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    weak = {"MD5", "SHA1", "UnsaltedMD5", "UnsaltedSHA1", "Crypt"}
    assert not [h for h in base_settings.PASSWORD_HASHERS if any(f".{w}" in h for w in weak)]


def test_given_base_hashers_when_hashing_then_argon2id():
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        assert make_password("a long enough passphrase").startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("tea garden by the west lake in spring rain, quiet and green 2026!", True),  # 64 chars
        ("Password123", False),
        ("guanxi-team-2026!", False),
        ("my crm is the best one", False),
        ("short", False),
    ],
)
def test_password_policy(password, accepted):
    with override_settings(AUTH_PASSWORD_VALIDATORS=base_settings.AUTH_PASSWORD_VALIDATORS):
        if accepted:
            validate_password(password)
        else:
            with pytest.raises(ValidationError):
                validate_password(password)


def _settings_in_subprocess(module: str, names: list[str], extra_env: dict[str, str], tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": module, "GUANXI_HOME": str(tmp_path), **extra_env})
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_cookies_and_headers_are_hardened(tmp_path):
    values = _settings_in_subprocess(
        "guanxi.config.production",
        [
            "SESSION_COOKIE_NAME",
            "CSRF_COOKIE_NAME",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE",
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
            "SECURE_REFERRER_POLICY",
            "SESSION_COOKIE_DOMAIN",
            "DEBUG",
        ],
        {"GUANXI_SECRET_KEY": "x" * 60},
        tmp_path,
    )
    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SESSION_COOKIE_DOMAIN": None,
        "DEBUG": False,
    }


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"GUANXI_SECRET_KEY", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "guanxi.config.production", "GUANXI_HOME": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "GUANXI_SECRET_KEY" in result.stderr


def test_embedded_sqlite_runs_wal_immediate_with_a_busy_timeout(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "guanxi.config.settings", "GUANXI_HOME": str(tmp_path)})
    code = (
        "import json, django; django.setup(); from django.db import connection;"
        "c = connection.cursor();"
        "r = {p: c.execute(f'PRAGMA {p}').fetchone()[0] for p in ('journal_mode', 'foreign_keys', 'busy_timeout')};"
        "r['transaction_mode'] = connection.transaction_mode; print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip()) == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 20000,
        "transaction_mode": "IMMEDIATE",
    }
    assert (tmp_path / "guanxi.sqlite3").exists()


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"GUANXI_SECRET_KEY", "DATABASE_URL"}}
    env.update({"GUANXI_HOME": str(tmp_path)})
    code = "import guanxi.config.settings as s; print(s.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_only_the_allowlisted_authentication_backends_are_configured():
    # Django's model backend behind the sign-in throttle, and nothing else.
    assert base_settings.AUTHENTICATION_BACKENDS == ["guanxi.people.throttle.ThrottledModelBackend"]
    from django.contrib.auth.backends import ModelBackend

    from guanxi.people.throttle import ThrottledModelBackend

    assert ThrottledModelBackend.__mro__[1] is ModelBackend


def test_no_migration_or_fixture_creates_a_known_credential():
    import re
    from pathlib import Path

    src = Path(base_settings.PACKAGE_DIR)
    literal = re.compile(r"(make_password|set_password)\(\s*['\"]")
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if ("migrations" in p.parts or "fixtures" in p.parts) and literal.search(p.read_text())
    ]
    assert offenders == []
