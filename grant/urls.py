from django.urls import path

from . import views

app_name = "grant"

urlpatterns = [
    path("pilotage/", views.dashboard, name="pilotage"),
    path("pilotage/export/<str:name>.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("statistiques/", views.my_statistics, name="my_statistics"),
    path("pilotage/partenaires/", views.partners_followup, name="partners"),
    path(
        "statistiques/structures/<int:pk>/",
        views.organisation_statistics,
        name="organisation_statistics",
    ),
    path("subvention/conventions/<int:pk>/", views.convention_detail, name="convention"),
    path(
        "subvention/conventions/<int:pk>/modifier/", views.convention_edit, name="convention_edit"
    ),
    path("subvention/conventions/<int:pk>/lignes/nouvelle/", views.line_form, name="line_create"),
    path(
        "subvention/conventions/<int:pk>/lignes/<int:line_pk>/", views.line_form, name="line_edit"
    ),
    path(
        "subvention/conventions/<int:pk>/depenses/nouvelle/",
        views.expense_form,
        name="expense_create",
    ),
    path(
        "subvention/conventions/<int:pk>/depenses/<int:expense_pk>/",
        views.expense_form,
        name="expense_edit",
    ),
    path(
        "subvention/conventions/<int:pk>/versements/nouveau/",
        views.disbursement_form,
        name="disbursement_create",
    ),
    path(
        "subvention/conventions/<int:pk>/versements/<int:disbursement_pk>/",
        views.disbursement_form,
        name="disbursement_edit",
    ),
    path(
        "subvention/conventions/<int:pk>/documents/nouveau/",
        views.document_upload,
        name="document_upload",
    ),
    path(
        "subvention/conventions/<int:pk>/etat-des-depenses.<str:fmt>",
        views.statement,
        name="statement",
    ),
    path("subvention/depenses/<int:pk>/justificatif/", views.expense_receipt, name="receipt"),
    path(
        "subvention/conventions/<int:pk>/rapports/nouveau/",
        views.report_create,
        name="report_create",
    ),
    path("subvention/rapports/<int:pk>/", views.report_detail, name="report"),
    path("subvention/rapports/<int:pk>/etat/", views.report_status, name="report_status"),
    path("subvention/rapports/<int:pk>/relancer/", views.report_retry, name="report_retry"),
    path("subvention/rapports/<int:pk>/transmis/", views.report_transmit, name="report_transmit"),
    path("subvention/rapports/<int:pk>/fichier.<str:fmt>", views.report_file, name="report_file"),
    path("subvention/documents/<int:pk>/", views.document_download, name="document"),
]
