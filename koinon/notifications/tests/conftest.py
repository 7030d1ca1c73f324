import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English; tests of the Italian text ask for it explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run `fn` and then its on-commit callbacks (the fan-out), as a real request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
