from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, include, path
from django.urls.resolvers import RoutePattern
from django.views.static import serve

from koinon.core import views as core_views


class LazyURLResolver(URLResolver):
    """An include whose module is imported on its first request or reverse(), not when
    another part of the site reverses its own URLs (Django populates every include)."""

    def _populate(self):
        if "urlconf_module" in self.__dict__:
            super()._populate()

    def _reverse_with_prefix(self, *args, **kwargs):
        self.urlconf_module  # noqa: B018 - import it now
        return super()._reverse_with_prefix(*args, **kwargs)


urlpatterns = [
    path("", include("koinon.communities.urls")),
    path("", include("koinon.discussions.urls")),
    path("", include("koinon.search.urls")),
    path("", include("koinon.library.urls")),
    path("", include("koinon.events.urls")),
    path("", include("koinon.mentoring.urls")),
    path("", include("koinon.network.urls")),
    path("", include("koinon.messaging.urls")),
    path("", include("koinon.notifications.urls")),
    path("", include("koinon.learning.urls")),
    path("", include("koinon.projects.urls")),
    path("", include("koinon.moderation.urls")),
    path("", include("koinon.reputation.urls")),
    path("", include("koinon.polls.urls")),
    path("", include("koinon.attachments.urls")),
    path("", include("koinon.standards.urls")),
    path("", include("koinon.opportunities.urls")),
    path("", include("koinon.insights.urls")),
    path("", include("koinon.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # The API (django-ninja and its pydantic schemas, about 40 MB) is imported on its
    # first request, not at start: a worker that serves only pages never carries it.
    # (`include` would import it at once.)
    LazyURLResolver(RoutePattern("api/v1/"), "koinon.api.urls", app_name="ninja", namespace="api"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", core_views.switch_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path(".well-known/security.txt", core_views.security_txt, name="security-txt"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("security/", core_views.security_policy, name="security-policy"),
]

if not settings.PRODUCTION:
    # Public media only (avatars, covers); protected files get their own checked views.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
