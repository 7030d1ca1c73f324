from django.urls import path

from koinon.library import lesson_views, resource_views, views

R = "c/<slug:slug>/resources/<int:resource_id>/"
L = "c/<slug:slug>/reading-lists/<int:list_id>/"

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
    path(P + "discuss/", views.practice_discuss, name="practice-discuss"),
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
    path("c/<slug:slug>/resources/", resource_views.resource_list, name="resource-list"),
    path("c/<slug:slug>/resources/new/", resource_views.resource_create, name="resource-create"),
    path(R, resource_views.resource_detail, name="resource-detail"),
    path(R + "edit/", resource_views.resource_edit, name="resource-edit"),
    path(R + "file/", resource_views.resource_file, name="resource-file"),
    path(R + "cite.<str:fmt>", resource_views.resource_citation, name="resource-citation"),
    path(R + "review/", resource_views.resource_review, name="resource-review"),
    path(R + "add-to-list/", resource_views.resource_add_to_list, name="resource-add-to-list"),
    path(
        "c/<slug:slug>/reading-lists/new/",
        resource_views.reading_list_create,
        name="reading-list-create",
    ),
    path(L, resource_views.reading_list_detail, name="reading-list-detail"),
    path(
        L + "remove/<int:resource_id>/",
        resource_views.reading_list_remove,
        name="reading-list-remove",
    ),
    path(L + "cite.<str:fmt>", resource_views.reading_list_citation, name="reading-list-citation"),
]
