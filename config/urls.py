from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Parcours TPE — administration"
admin.site.site_title = "Parcours TPE"
admin.site.index_title = "Administration du programme"
# The admin login goes through allauth's login (rate limits, and MFA once enrolled).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accessibilite/", views.legal_page, {"template": "accessibility"}, name="accessibility"),
    path("mentions-legales/", views.legal_page, {"template": "legal_notice"}, name="legal_notice"),
    path("donnees-personnelles/", views.legal_page, {"template": "privacy"}, name="privacy"),
    path("admin/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    path("", include("partners.urls")),
    path("", include("enterprises.urls")),
    path("", include("grant.urls")),
]
