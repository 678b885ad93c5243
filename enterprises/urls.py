from django.urls import path

from enterprises.views import activities as activity_views
from enterprises.views import inbox as inbox_views
from enterprises.views import jobs as job_views
from enterprises.views import registry as views

app_name = "enterprises"

urlpatterns = [
    path("entreprises/", views.enterprise_list, name="list"),
    path("entreprises/nouvelle/", views.enterprise_create, name="create"),
    path("entreprises/export/", views.enterprise_export, name="export"),
    path("entreprises/<int:pk>/", views.enterprise_detail, name="detail"),
    path("entreprises/<int:pk>/modifier/", views.enterprise_edit, name="edit"),
    path("entreprises/<int:pk>/etape/", views.enterprise_move, name="move"),
    path("entreprises/<int:pk>/contacts/nouveau/", views.contact_form, name="contact_create"),
    path(
        "entreprises/<int:pk>/contacts/<int:contact_pk>/modifier/",
        views.contact_form,
        name="contact_edit",
    ),
    path("entreprises/<int:pk>/seance/", activity_views.log_session, name="log_session"),
    path("entreprises/<int:pk>/diagnostic/", views.assessment_create, name="assessment_create"),
    path(
        "entreprises/<int:pk>/autonome/", activity_views.close_autonomous, name="close_autonomous"
    ),
    path("entreprises/<int:pk>/orienter/", inbox_views.assign_enterprise, name="assign"),
    path("espace/orientations/", inbox_views.inbox, name="inbox"),
    path("espace/orientations/<int:pk>/prendre/", inbox_views.take, name="assignment_take"),
    path("espace/orientations/<int:pk>/cloturer/", inbox_views.close, name="assignment_close"),
    path("espace/orientations/<int:pk>/decliner/", inbox_views.decline, name="assignment_decline"),
    path(
        "espace/orientations/<int:pk>/confier/", inbox_views.hand_over, name="assignment_hand_over"
    ),
    path("travaux/<int:pk>/", job_views.job_detail, name="job"),
    path("travaux/<int:pk>/etat/", job_views.job_status, name="job_status"),
    path("travaux/<int:pk>/fichier/", job_views.job_file, name="job_file"),
    path("activites/", activity_views.activity_home, name="activity_home"),
    path("activites/atelier/", activity_views.log_workshop, name="log_workshop"),
    path("activites/export/", activity_views.activity_export, name="activity_export"),
    path("activites/<int:pk>/", activity_views.activity_detail, name="activity_detail"),
    path("activites/<int:pk>/modifier/", activity_views.activity_edit, name="activity_edit"),
    path("activites/<int:pk>/supprimer/", activity_views.activity_delete, name="activity_delete"),
]
