from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from erfurt_srp.core import views as core_views

# The admin has no login form of its own: /admin/login/ sends to allauth's login (second factor,
# rate limits) and refuses logged-in accounts that are not staff.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("datenschutz/", core_views.privacy, name="privacy"),
    path("datenschutz/fassung/<str:version>/", core_views.privacy, name="privacy_version"),
    path("impressum/", core_views.impressum, name="impressum"),
    path("barrierefreiheit/", core_views.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("konto/", include("erfurt_srp.accounts.urls")),
    path("outbox/", include("erfurt_srp.notifications.urls")),
    path("gremium/", include("gremium.urls")),
    path("leitlinien/", include("leitlinien.urls")),
    path("standorte/", include("standorte.urls")),
    path("beteiligung/", include("beteiligung.urls")),
    path("oparl/v1/", include("gremium.oparl.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
