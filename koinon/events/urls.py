from django.urls import path

from koinon.events import views

urlpatterns = [
    path("c/<slug:slug>/events/", views.event_list, name="event-list"),
    path("c/<slug:slug>/events/new/", views.event_create, name="event-create"),
    path("c/<slug:slug>/events/calendar/", views.event_month, name="event-month-current"),
    path(
        "c/<slug:slug>/events/calendar/<int:year>/<int:month>/",
        views.event_month,
        name="event-month",
    ),
    path("c/<slug:slug>/events/feed.ics", views.community_feed, name="event-community-feed"),
    path("c/<slug:slug>/events/<int:pk>/", views.event_detail, name="event-detail"),
    path("c/<slug:slug>/events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("c/<slug:slug>/events/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path(
        "c/<slug:slug>/events/<int:pk>/series/", views.event_series_rule, name="event-series-rule"
    ),
    path("c/<slug:slug>/events/<int:pk>/register/", views.event_register, name="event-register"),
    path(
        "c/<slug:slug>/events/<int:pk>/unregister/",
        views.event_unregister,
        name="event-unregister",
    ),
    path(
        "c/<slug:slug>/events/<int:pk>/registrations/",
        views.registration_list,
        name="event-registrations",
    ),
    path(
        "c/<slug:slug>/events/<int:pk>/registrations.csv",
        views.registration_csv,
        name="event-registrations-csv",
    ),
    path(
        "c/<slug:slug>/events/<int:pk>/registrations/<int:user_id>/check-in/",
        views.registration_check_in,
        name="event-check-in-person",
    ),
    path(
        "c/<slug:slug>/events/<int:pk>/check-in/", views.event_self_check_in, name="event-check-in"
    ),
    path("c/<slug:slug>/events/<int:pk>/feedback/", views.event_feedback, name="event-feedback"),
    path("c/<slug:slug>/events/<int:pk>/event.ics", views.event_ics, name="event-ics"),
    path("c/<slug:slug>/events/<int:pk>/series.ics", views.series_ics, name="event-series-ics"),
    path("events/calendar/", views.my_calendar, name="events-my-calendar"),
    path("events/calendar/<str:token>.ics", views.personal_feed, name="events-personal-feed"),
]
