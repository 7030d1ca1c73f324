from django.urls import path

from koinon.communities import views

urlpatterns = [
    path("", views.home, name="home"),
    path("communities/", views.community_list, name="community-list"),
    path("c/<slug:slug>/", views.community_detail, name="community-detail"),
]
