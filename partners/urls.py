from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("espace/", views.workspace, name="workspace"),
    path("espace/structures/<int:pk>/", views.members, name="members"),
    path("espace/structures/<int:pk>/inviter/", views.invite, name="invite"),
    path(
        "espace/structures/<int:pk>/membres/<int:membership_pk>/role/",
        views.change_role,
        name="change_role",
    ),
    path(
        "espace/structures/<int:pk>/membres/<int:membership_pk>/activation/",
        views.set_active,
        name="set_active",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("espace/groupe-de-travail/", views.meetings, name="meetings"),
    path("espace/groupe-de-travail/<int:pk>/", views.meeting_detail, name="meeting"),
    path("espace/groupe-de-travail/<int:pk>/calendrier.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "espace/groupe-de-travail/documents/<int:pk>/",
        views.meeting_document,
        name="meeting_document",
    ),
]
