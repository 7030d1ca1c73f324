from django.urls import path

from koinon.reputation import views

urlpatterns = [
    path("c/<slug:slug>/reputation/", views.leaderboard, name="reputation-leaderboard"),
]
