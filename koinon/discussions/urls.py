from django.urls import path

from koinon.discussions import views
from koinon.lib.page_cache import anonymous_page_cache

urlpatterns = [
    path("c/<slug:slug>/topics/", anonymous_page_cache(views.topic_list), name="topic-list"),
    path("c/<slug:slug>/topics/new/", views.topic_create, name="topic-create"),
    path("c/<slug:slug>/topics/similar/", views.similar_topics, name="topic-similar"),
    path(
        "c/<slug:slug>/t/<int:topic_id>/",
        anonymous_page_cache(views.topic_detail),
        name="topic-detail",
    ),
    path("c/<slug:slug>/t/<int:topic_id>/reply/", views.topic_reply, name="topic-reply"),
    path("c/<slug:slug>/t/<int:topic_id>/edit/", views.topic_edit, name="topic-edit"),
    path(
        "c/<slug:slug>/t/<int:topic_id>/subscription/",
        views.topic_subscription,
        name="topic-subscription",
    ),
    path("c/<slug:slug>/t/<int:topic_id>/moderate/", views.topic_moderate, name="topic-moderate"),
    path("posts/<int:post_id>/react/", views.post_react, name="post-react"),
    path("posts/<int:post_id>/accept/", views.post_accept, name="post-accept"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post-edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post-delete"),
    path("posts/<int:post_id>/history/", views.post_history, name="post-history"),
    path("posts/<int:post_id>/reveal/", views.post_reveal, name="post-reveal"),
    path("discussions/preview/", views.markdown_preview, name="markdown-preview"),
]
