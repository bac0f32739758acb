"""Settings for the test suite: production settings (DEBUG off) minus TLS redirects and the static manifest."""
import os

os.environ.setdefault("SECRET_KEY", "samaneh-tests-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")

from samaneh.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production keeps PBKDF2
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
