import pytest


@pytest.fixture(autouse=True)
def _attachments_root(settings, tmp_path):
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"
