from django.urls import path

from koinon.polls import views

urlpatterns = [
    path("c/<slug:slug>/t/<int:topic_id>/poll/new/", views.poll_create, name="poll-create"),
    path("polls/<int:poll_id>/vote/", views.poll_vote, name="poll-vote"),
    path("polls/<int:poll_id>/close/", views.poll_close, name="poll-close"),
]
