from django.urls import path

from koinon.standards import views

S = "c/<slug:slug>/standards/<slug:standard_slug>/"

urlpatterns = [
    path("c/<slug:slug>/standards/", views.standard_list, name="standard-list"),
    path("c/<slug:slug>/standards/new/", views.standard_create, name="standard-create"),
    path(S, views.standard_detail, name="standard-detail"),
    path(S + "edit/", views.standard_edit, name="standard-edit"),
    path(S + "history/", views.standard_history, name="standard-history"),
    path(S + "published/", views.standard_published, name="standard-published"),
    path(S + "versions/<int:number>/", views.standard_version, name="standard-version"),
    path(S + "versions/<int:number>/restore/", views.standard_restore, name="standard-restore"),
    path(S + "sections/<slug:key>/comment/", views.section_comment, name="standard-comment"),
    path(S + "sections/<slug:key>/amend/", views.amendment_create, name="standard-amend"),
    path(
        S + "amendments/<int:amendment_id>/decide/",
        views.amendment_decide,
        name="standard-amendment-decide",
    ),
    path(S + "review/", views.review_open, name="standard-review"),
    path(S + "vote/open/", views.vote_open, name="standard-vote-open"),
    path(S + "vote/", views.vote_cast, name="standard-vote"),
    path(S + "vote/close/", views.vote_close, name="standard-vote-close"),
    path(S + "drafters/", views.drafter_add, name="standard-drafters"),
]
