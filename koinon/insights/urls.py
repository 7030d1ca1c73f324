from django.urls import path

from koinon.insights import views

urlpatterns = [
    path("c/<slug:slug>/insights/", views.insights_page, name="community-insights"),
    path(
        "c/<slug:slug>/insights/visibility/",
        views.insights_visibility,
        name="community-insights-visibility",
    ),
    path(
        "c/<slug:slug>/insights/<slug:chart>.csv",
        views.insights_csv,
        name="community-insights-csv",
    ),
]
