import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English; tests of the Italian text ask for it explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
