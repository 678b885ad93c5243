from django.urls import path

from grant.views import (
    dashboard,
    funder,
    money,
    pair_figures,
    public,
    reports,
    research,
    statistics,
)

app_name = "grant"

urlpatterns = [
    path("chiffres/", public.public_figures, name="public_figures"),
    path("financeur/", funder.funder_home, name="funder"),
    path(
        "financeur/rapports/<int:pk>.<str:fmt>",
        funder.funder_report_file,
        name="funder_report_file",
    ),
    path("evaluation/", research.research_home, name="research"),
    path("evaluation/exports/<int:pk>/", research.research_job, name="research_job"),
    path("evaluation/exports/<int:pk>/etat/", research.research_job_status, name="research_status"),
    path(
        "evaluation/exports/<int:pk>/fichier.zip", research.research_job_file, name="research_file"
    ),
    path("evaluation/etudes/<int:pk>/cle/", research.research_rotate, name="research_rotate"),
    path("pilotage/", dashboard.dashboard, name="pilotage"),
    path("pilotage/pair-a-pair/", pair_figures.pair_figures_page, name="pair_figures"),
    path(
        "pilotage/export/<str:name>.<str:fmt>", dashboard.dashboard_export, name="dashboard_export"
    ),
    path("statistiques/", statistics.my_statistics, name="my_statistics"),
    path("pilotage/partenaires/", statistics.partners_followup, name="partners"),
    path(
        "statistiques/structures/<int:pk>/",
        statistics.organisation_statistics,
        name="organisation_statistics",
    ),
    path("subvention/conventions/<int:pk>/", money.convention_detail, name="convention"),
    path(
        "subvention/conventions/<int:pk>/modifier/", money.convention_edit, name="convention_edit"
    ),
    path("subvention/conventions/<int:pk>/lignes/nouvelle/", money.line_form, name="line_create"),
    path(
        "subvention/conventions/<int:pk>/lignes/<int:line_pk>/", money.line_form, name="line_edit"
    ),
    path(
        "subvention/conventions/<int:pk>/depenses/nouvelle/",
        money.expense_form,
        name="expense_create",
    ),
    path(
        "subvention/conventions/<int:pk>/depenses/<int:expense_pk>/",
        money.expense_form,
        name="expense_edit",
    ),
    path(
        "subvention/conventions/<int:pk>/versements/nouveau/",
        money.disbursement_form,
        name="disbursement_create",
    ),
    path(
        "subvention/conventions/<int:pk>/versements/<int:disbursement_pk>/",
        money.disbursement_form,
        name="disbursement_edit",
    ),
    path(
        "subvention/conventions/<int:pk>/documents/nouveau/",
        money.document_upload,
        name="document_upload",
    ),
    path(
        "subvention/conventions/<int:pk>/etat-des-depenses.<str:fmt>",
        money.statement,
        name="statement",
    ),
    path("subvention/depenses/<int:pk>/justificatif/", money.expense_receipt, name="receipt"),
    path(
        "subvention/conventions/<int:pk>/rapports/nouveau/",
        reports.report_create,
        name="report_create",
    ),
    path("subvention/rapports/<int:pk>/", reports.report_detail, name="report"),
    path("subvention/rapports/<int:pk>/etat/", reports.report_status, name="report_status"),
    path("subvention/rapports/<int:pk>/relancer/", reports.report_retry, name="report_retry"),
    path("subvention/rapports/<int:pk>/transmis/", reports.report_transmit, name="report_transmit"),
    path("subvention/rapports/<int:pk>/fichier.<str:fmt>", reports.report_file, name="report_file"),
    path("subvention/documents/<int:pk>/", money.document_download, name="document"),
]
