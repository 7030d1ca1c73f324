from django.urls import path

from koinon.learning import views

urlpatterns = [
    path("c/<slug:slug>/programmes/", views.programme_list, name="learning-programmes"),
    path("c/<slug:slug>/programmes/new/", views.programme_create, name="learning-programme-create"),
    path(
        "c/<slug:slug>/programmes/<slug:programme_slug>/",
        views.programme_detail,
        name="learning-programme",
    ),
    path(
        "c/<slug:slug>/programmes/<slug:programme_slug>/edit/",
        views.programme_edit,
        name="learning-programme-edit",
    ),
    path(
        "c/<slug:slug>/programmes/<slug:programme_slug>/modules/new/",
        views.module_create,
        name="learning-module-create",
    ),
    path(
        "c/<slug:slug>/programmes/<slug:programme_slug>/modules/<int:module_id>/edit/",
        views.module_edit,
        name="learning-module-edit",
    ),
    path(
        "c/<slug:slug>/programmes/<slug:programme_slug>/facilitators/",
        views.facilitator_add,
        name="learning-facilitator-add",
    ),
    path(
        "c/<slug:slug>/programmes/<slug:programme_slug>/cohorts/new/",
        views.cohort_create,
        name="learning-cohort-create",
    ),
    path(
        "c/<slug:slug>/g/<slug:group_slug>/study/",
        views.study_group,
        name="learning-study-group",
    ),
    path("c/<slug:slug>/skills/", views.community_skills, name="learning-skills-map"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="learning-cohort"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="learning-cohort-edit"),
    path(
        "cohorts/<int:pk>/discussion/", views.cohort_discussion, name="learning-cohort-discussion"
    ),
    path(
        "cohorts/<int:pk>/discussion/<int:thread_id>/",
        views.cohort_thread,
        name="learning-cohort-thread",
    ),
    path("cohorts/<int:pk>/enrol/", views.cohort_enrol, name="learning-cohort-enrol"),
    path("cohorts/<int:pk>/withdraw/", views.cohort_withdraw, name="learning-cohort-withdraw"),
    path("cohorts/<int:pk>/invite/", views.cohort_invite, name="learning-cohort-invite"),
    path(
        "cohorts/<int:pk>/enrolments/<int:enrolment_id>/decide/",
        views.enrolment_decide,
        name="learning-enrolment-decide",
    ),
    path(
        "cohorts/<int:pk>/enrolments/<int:enrolment_id>/complete/",
        views.enrolment_complete,
        name="learning-enrolment-complete",
    ),
    path("cohorts/<int:pk>/progress/", views.cohort_progress, name="learning-cohort-progress"),
    path("cohorts/<int:pk>/completion/", views.completion, name="learning-completion"),
    path(
        "cohorts/<int:pk>/modules/<int:module_id>/",
        views.cohort_module,
        name="learning-cohort-module",
    ),
    path(
        "cohorts/<int:pk>/modules/<int:module_id>/done/",
        views.module_done,
        name="learning-module-done",
    ),
    path(
        "cohorts/<int:pk>/modules/<int:module_id>/draft/",
        views.hand_in_draft,
        name="learning-hand-in-draft",
    ),
    path(
        "cohorts/<int:pk>/modules/<int:module_id>/hand-in/",
        views.hand_in_submit,
        name="learning-hand-in-submit",
    ),
    path(
        "cohorts/<int:pk>/modules/<int:module_id>/assign-reviews/",
        views.assign_reviews,
        name="learning-assign-reviews",
    ),
    path(
        "cohorts/<int:pk>/hand-ins/<int:hand_in_id>/", views.hand_in_detail, name="learning-hand-in"
    ),
    path(
        "cohorts/<int:pk>/hand-ins/<int:hand_in_id>/feedback/",
        views.hand_in_feedback,
        name="learning-hand-in-feedback",
    ),
    path(
        "cohorts/<int:pk>/hand-ins/<int:hand_in_id>/review/",
        views.hand_in_review,
        name="learning-hand-in-review",
    ),
    path("certificates/<str:code>/", views.certificate_verify, name="learning-certificate"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="learning-certificate-pdf"),
    path("learning/skills/", views.my_skills, name="learning-my-skills"),
    path("learning/skills/<int:skill_id>/", views.skill_history, name="learning-skill-history"),
    path("learning/goals/<int:goal_id>/", views.goal_status, name="learning-goal-status"),
]
