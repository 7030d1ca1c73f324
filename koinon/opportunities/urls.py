from django.urls import path

from koinon.opportunities import views

ONE = "c/<slug:slug>/opportunities/<int:pk>/"

urlpatterns = [
    path("opportunities/", views.platform_list, name="opportunity-platform"),
    path("opportunities/mine/", views.mine, name="opportunity-mine"),
    path("c/<slug:slug>/opportunities/", views.community_list, name="opportunity-list"),
    path("c/<slug:slug>/opportunities/new/", views.create, name="opportunity-create"),
    path(ONE, views.detail, name="opportunity-detail"),
    path(ONE + "edit/", views.edit, name="opportunity-edit"),
    path(ONE + "close/", views.close, name="opportunity-close"),
    path(ONE + "interest/", views.interest, name="opportunity-interest"),
    path(
        "c/<slug:slug>/projects/<int:project_id>/call-for-partners/",
        views.call_for_partners,
        name="project-call-for-partners",
    ),
]
