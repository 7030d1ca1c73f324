from django.urls import path

from koinon.projects import views

IDEA = "c/<slug:slug>/ideas/<int:idea_id>/"
E = "c/<slug:slug>/experiments/<int:experiment_id>/"
P = "c/<slug:slug>/projects/<int:project_id>/"

urlpatterns = [
    path("c/<slug:slug>/ideas/", views.idea_list, name="idea-list"),
    path("c/<slug:slug>/ideas/new/", views.idea_create, name="idea-create"),
    path(IDEA, views.idea_detail, name="idea-detail"),
    path(IDEA + "support/", views.idea_support, name="idea-support"),
    path(IDEA + "status/", views.idea_status, name="idea-status"),
    path(IDEA + "discuss/", views.idea_discuss, name="idea-discuss"),
    path("c/<slug:slug>/experiments/", views.experiment_list, name="experiment-list"),
    path("c/<slug:slug>/experiments/new/", views.experiment_create, name="experiment-create"),
    path(E, views.experiment_detail, name="experiment-detail"),
    path(E + "close/", views.experiment_close, name="experiment-close"),
    path("c/<slug:slug>/projects/", views.project_list, name="project-list"),
    path("c/<slug:slug>/projects/new/", views.project_create, name="project-create"),
    path(P, views.project_detail, name="project-detail"),
    path(P + "tasks/", views.task_add, name="task-add"),
    path(P + "tasks/<int:task_id>/move/", views.task_move, name="task-move"),
    path(P + "milestones/", views.milestone_add, name="milestone-add"),
    path(P + "members/", views.member_add, name="project-member-add"),
    path(P + "updates/", views.update_add, name="project-update-add"),
    path(P + "links/", views.link_add, name="project-link-add"),
]
