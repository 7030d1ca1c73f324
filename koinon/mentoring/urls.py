from django.urls import path, re_path

from koinon.mentoring import views

urlpatterns = [
    path("mentoring/", views.home, name="mentoring-home"),
    path("mentoring/offers/", views.offer_list, name="mentoring-offers"),
    path("mentoring/offers/new/", views.offer_create, name="mentoring-offer-create"),
    path("mentoring/offers/<int:offer_id>/", views.offer_detail, name="mentoring-offer"),
    path(
        "mentoring/offers/<int:offer_id>/active/", views.offer_toggle, name="mentoring-offer-toggle"
    ),
    path("mentoring/offers/<int:offer_id>/ask/", views.offer_ask, name="mentoring-offer-ask"),
    path("mentoring/requests/new/", views.request_create, name="mentoring-request-create"),
    path("mentoring/requests/<int:request_id>/", views.request_detail, name="mentoring-request"),
    path(
        "mentoring/requests/<int:request_id>/close/",
        views.request_close,
        name="mentoring-request-close",
    ),
    path("mentorships/<int:mentorship_id>/", views.mentorship_detail, name="mentorship"),
    re_path(
        r"^mentorships/(?P<mentorship_id>[0-9]+)/(?P<step>accept|decline|start|complete|end)/$",
        views.mentorship_transition,
        name="mentorship-step",
    ),
    path("mentorships/<int:mentorship_id>/goals/", views.goal_add, name="mentorship-goal-add"),
    path("mentorships/<int:mentorship_id>/notes/", views.note_add, name="mentorship-note-add"),
    path(
        "mentorships/<int:mentorship_id>/feedback/",
        views.feedback_add,
        name="mentorship-feedback-add",
    ),
    path("mentorships/goals/<int:goal_id>/progress/", views.goal_progress, name="goal-progress"),
    path("c/<slug:slug>/mentoring/pair/", views.pair, name="mentoring-pair"),
]
