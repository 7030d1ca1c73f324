"""The browsable API docs, served entirely by us and allowed by our CSP.

Swagger UI's files come from ninja's static folder; the settings travel as a JSON data
block and our own start-up script reads them, so the page has no inline code, no
third-party host (the online validator is switched off) and its scripts carry the nonce.
"""

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class KoinonSwagger(Swagger):
    template = "api/docs.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,
        "tryItOutEnabled": False,
    }

    def render_page(self, request, api, **kwargs):
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": swagger_settings, "api": api}
        return render(request, self.template, context)
