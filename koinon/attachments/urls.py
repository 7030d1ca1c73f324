from django.urls import path

from koinon.attachments import views

urlpatterns = [
    path("attachments/<str:key>.webp", views.attachment_file, name="attachment-file"),
    path("c/<slug:slug>/attachments/", views.attachment_upload, name="attachment-upload"),
]
