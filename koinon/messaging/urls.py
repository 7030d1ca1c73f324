from django.urls import path

from koinon.messaging import views

urlpatterns = [
    path("messages/", views.inbox, name="messages-inbox"),
    path("messages/new/", views.conversation_new, name="conversation-new"),
    path("messages/unread/", views.unread_badge, name="messages-unread"),
    path("messages/blocked/", views.block_list, name="messages-blocked"),
    path("messages/reports/", views.staff_reports, name="messages-reports"),
    path(
        "messages/reports/<int:pk>/resolve/", views.report_resolve, name="messages-report-resolve"
    ),
    path("messages/<int:pk>/", views.conversation_detail, name="conversation-detail"),
    path("messages/<int:pk>/send/", views.message_send, name="conversation-send"),
    path("messages/<int:pk>/new/", views.conversation_since, name="conversation-since"),
    path("messages/<int:pk>/mute/", views.conversation_mute, name="conversation-mute"),
    path("messages/<int:pk>/leave/", views.conversation_leave, name="conversation-leave"),
    path("messages/<int:pk>/report/", views.conversation_report, name="conversation-report"),
    path("people/<int:pk>/block/", views.person_block, name="person-block"),
    path("people/<int:pk>/unblock/", views.person_unblock, name="person-unblock"),
]
