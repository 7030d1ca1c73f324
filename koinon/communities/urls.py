from django.urls import path

from koinon.communities import views, views_groups, views_members

urlpatterns = [
    path("", views.home, name="home"),
    path("communities/", views.community_list, name="community-list"),
    path("communities/new/", views.community_create, name="community-create"),
    path("c/<slug:slug>/", views.community_detail, name="community-detail"),
    path("c/<slug:slug>/edit/", views.community_edit, name="community-edit"),
    path("c/<slug:slug>/join/", views.community_join, name="community-join"),
    path("c/<slug:slug>/request/", views.community_request_join, name="community-request-join"),
    path("c/<slug:slug>/leave/", views.community_leave, name="community-leave"),
    path("c/<slug:slug>/transfer/", views.community_transfer, name="community-transfer"),
    path("c/<slug:slug>/members/", views_members.member_list, name="community-members"),
    path(
        "c/<slug:slug>/members/<int:user_id>/role/",
        views_members.member_role,
        name="community-member-role",
    ),
    path(
        "c/<slug:slug>/members/<int:user_id>/remove/",
        views_members.member_remove,
        name="community-member-remove",
    ),
    path("c/<slug:slug>/requests/", views_members.request_list, name="community-requests"),
    path(
        "c/<slug:slug>/requests/<int:pk>/",
        views_members.request_decide,
        name="community-request-decide",
    ),
    path("c/<slug:slug>/invitations/", views_members.invitation_list, name="community-invitations"),
    path(
        "c/<slug:slug>/invitations/<int:pk>/revoke/",
        views_members.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", views_members.invitation_accept, name="invitation-accept"),
    path("c/<slug:slug>/groups/new/", views_groups.group_create, name="group-create"),
    path("c/<slug:slug>/g/<slug:group_slug>/", views_groups.group_detail, name="group-detail"),
    path("c/<slug:slug>/g/<slug:group_slug>/join/", views_groups.group_join, name="group-join"),
    path("c/<slug:slug>/g/<slug:group_slug>/leave/", views_groups.group_leave, name="group-leave"),
    path("c/<slug:slug>/g/<slug:group_slug>/add/", views_groups.group_add, name="group-add"),
]
