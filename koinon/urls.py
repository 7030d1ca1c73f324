from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from koinon.api.api import api
from koinon.core import views as core_views

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
    path("api/v1/", api.urls),
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
