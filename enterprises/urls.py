from django.urls import path

from . import views

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
]
