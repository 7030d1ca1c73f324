from django.urls import path

from koinon.library import lesson_views, views

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
    path("c/<slug:slug>/lessons/", lesson_views.lesson_list, name="lesson-list"),
    path("c/<slug:slug>/lessons/errors/", lesson_views.lesson_errors, name="lesson-errors"),
    path("c/<slug:slug>/lessons/new/", lesson_views.lesson_create, name="lesson-create"),
    path(
        "c/<slug:slug>/lessons/<int:lesson_id>/", lesson_views.lesson_detail, name="lesson-detail"
    ),
    path(
        "c/<slug:slug>/lessons/<int:lesson_id>/edit/",
        lesson_views.lesson_edit,
        name="lesson-edit",
    ),
    path(
        "library/proposals/<int:proposal_id>/decide/",
        lesson_views.proposal_decide,
        name="proposal-decide",
    ),
]
