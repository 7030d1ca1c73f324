from django.urls import path

from koinon.network import views

urlpatterns = [
    path("people/", views.directory, name="people-directory"),
    path("network/", views.my_network, name="network-mine"),
    path(
        "network/requests/<int:pk>/<str:answer>/",
        views.answer_request,
        name="network-answer",
    ),
    path("people/<int:pk>/network/", views.person_network, name="network-person"),
    path("people/<int:pk>/connect/", views.connect, name="network-connect"),
    path("people/<int:pk>/disconnect/", views.disconnect, name="network-disconnect"),
    path("people/<int:pk>/follow/", views.follow, name="network-follow"),
    path("people/<int:pk>/unfollow/", views.unfollow, name="network-unfollow"),
    path(
        "people/<int:pk>/skills/<int:skill_id>/endorse/",
        views.endorse,
        name="network-endorse",
    ),
]
