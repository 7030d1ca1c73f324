from django.urls import path

from koinon.library import views

P = "c/<slug:slug>/practices/<slug:practice_slug>/"

urlpatterns = [
    path("c/<slug:slug>/practices/", views.practice_list, name="practice-list"),
    path("c/<slug:slug>/practices/new/", views.practice_create, name="practice-create"),
    path(P, views.practice_detail, name="practice-detail"),
    path(P + "edit/", views.practice_edit, name="practice-edit"),
    path(P + "history/", views.practice_history, name="practice-history"),
    path(P + "versions/<int:number>/", views.practice_version, name="practice-version"),
    path(P + "versions/<int:number>/restore/", views.practice_restore, name="practice-restore"),
    path(P + "status/", views.practice_status, name="practice-status"),
    path(P + "maintainers/", views.practice_maintainers, name="practice-maintainers"),
    path(P + "adopt/", views.practice_adopt, name="practice-adopt"),
]
