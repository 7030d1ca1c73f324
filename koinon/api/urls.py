"""The API's URLs, imported on the first request under /api/v1/ (see koinon/urls.py)."""

from koinon.api.api import api

urlpatterns, app_name, _namespace = api.urls
