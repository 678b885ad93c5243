from django.urls import path

from enterprises.views import access as access_views
from enterprises.views import activities as activity_views
from enterprises.views import events as event_views
from enterprises.views import inbox as inbox_views
from enterprises.views import jobs as job_views
from enterprises.views import pairs as pair_views
from enterprises.views import public as public_views
from enterprises.views import registry as views
from enterprises.views import requests as request_views
from enterprises.views import stories as story_views

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
    path("rejoindre/", public_views.join, name="join"),
    path("rejoindre/merci/", public_views.join_done, name="join_done"),
    path("avis/<str:token>/", public_views.survey, name="survey"),
    path("espace/demandes/", request_views.request_list, name="requests"),
    path("espace/demandes/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("espace/demandes/<int:pk>/accepter/", request_views.request_accept, name="request_accept"),
    path("espace/demandes/<int:pk>/rattacher/", request_views.request_merge, name="request_merge"),
    path("espace/demandes/<int:pk>/refuser/", request_views.request_refuse, name="request_refuse"),
    path("espace/demandes-acces/", access_views.access_requests, name="access_requests"),
    path(
        "espace/demandes-acces/nouvelle/",
        access_views.access_request_create,
        name="access_request",
    ),
    path(
        "espace/demandes-acces/<int:pk>/decider/",
        access_views.access_request_decide,
        name="access_request_decide",
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
    # Pair à pair (enterprises/views/pairs.py)
    path("pair-a-pair/", pair_views.pair_list, name="pairs"),
    path("entreprises/<int:pk>/pair/", pair_views.pair_create, name="pair_create"),
    path("entreprises/<int:pk>/pair/retirer/", pair_views.pair_withdraw, name="pair_withdraw"),
    path("entreprises/<int:pk>/pair-a-pair/", pair_views.pairing_create, name="pairing_create"),
    path("pair-a-pair/<int:pk>/", pair_views.pairing_detail, name="pairing"),
    path(
        "pair-a-pair/<int:pk>/accord/",
        pair_views.pairing_record_agreement,
        name="pairing_record_agreement",
    ),
    path("pair-a-pair/<int:pk>/terminer/", pair_views.pairing_end, name="pairing_end"),
    path("pair-a-pair/<int:pk>/seance/", pair_views.pairing_session, name="pairing_session"),
    path("accord/<str:token>/", pair_views.pairing_agree, name="pairing_agree"),
    path("consentement/<str:token>/", pair_views.consent_withdraw, name="consent_withdraw"),
    # The showcase (enterprises/views/stories.py): public pages first
    path("temoignages/", story_views.showcase, name="showcase"),
    path("temoignages/<int:pk>/", story_views.showcase_story, name="showcase_story"),
    path("temoignages/<int:pk>/photo/", story_views.showcase_photo, name="showcase_photo"),
    path("temoignages/<int:pk>/affiche.pdf", story_views.showcase_poster, name="showcase_poster"),
    path("temoignages/accord/<str:token>/", story_views.story_consent, name="story_consent"),
    path("espace/temoignages/", story_views.story_list, name="stories"),
    path(
        "entreprises/<int:enterprise_pk>/temoignage/",
        story_views.story_form,
        name="story_create",
    ),
    path("espace/temoignages/<int:pk>/", story_views.story_detail, name="story"),
    path("espace/temoignages/<int:pk>/modifier/", story_views.story_form, name="story_edit"),
    path("espace/temoignages/<int:pk>/envoyer/", story_views.story_send, name="story_send"),
    path(
        "espace/temoignages/<int:pk>/accord/",
        story_views.story_record_consent,
        name="story_record_consent",
    ),
    path("espace/temoignages/<int:pk>/valider/", story_views.story_validate, name="story_validate"),
    # Community events (enterprises/views/events.py)
    path("rencontres/<int:pk>/", event_views.event_detail, name="event"),
    path("rencontres/<int:pk>/inviter/", event_views.event_invite, name="event_invite"),
    path("rencontres/<int:pk>/presences/", event_views.event_attendance, name="event_attendance"),
    path("rencontres/inscription/<str:token>/", event_views.event_register, name="event_register"),
]
