from django.conf import settings

# The API's documentation: a fixed address, written out so that rendering a page does
# not import the API (koinon/urls.py loads it on its first request).
API_DOCS_URL = "/api/v1/docs"


def site(request):
    return {"SITE_URL": settings.SITE_URL, "API_DOCS_URL": API_DOCS_URL}
