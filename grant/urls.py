from django.urls import path

from . import views

app_name = "grant"

urlpatterns = [
    path("pilotage/", views.pilotage, name="pilotage"),
]
