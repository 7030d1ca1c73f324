from django.urls import path

from koinon.moderation import views

urlpatterns = [
    path("posts/<int:post_id>/flag/", views.post_flag, name="post-flag"),
    path("posts/<int:post_id>/hide/", views.post_hide, name="post-hide"),
    path("posts/<int:post_id>/restore/", views.post_restore, name="post-restore"),
    path("c/<slug:slug>/moderation/", views.queue, name="moderation-queue"),
    path("c/<slug:slug>/moderation/review/<int:post_id>/", views.review, name="moderation-review"),
    path(
        "c/<slug:slug>/moderation/topics/<int:topic_id>/lock/",
        views.topic_lock,
        name="moderation-lock",
    ),
    path("c/<slug:slug>/moderation/audit/", views.audit, name="moderation-audit"),
    path("c/<slug:slug>/moderation/blocks/", views.blocks, name="moderation-blocks"),
    path(
        "c/<slug:slug>/moderation/blocks/<int:block_id>/lift/",
        views.unblock,
        name="moderation-unblock",
    ),
]
