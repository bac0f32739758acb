import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses that by default.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def tree(db):
    from tests.factories import build_tree

    return build_tree()


@pytest.fixture(autouse=True)
def _isolated_sms_outbox(settings, tmp_path):
    """Each test gets its own SMS outbox file so codes are read from where this test sent them."""
    settings.SMS_BACKEND = "samaneh.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms-outbox.jsonl"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _persian_by_default():
    """Each test starts in the default language: a request in English must not leak into the next test."""
    from django.utils import translation

    translation.activate("fa")
    yield
    translation.deactivate()
