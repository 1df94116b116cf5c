"""Pages live under a language prefix (/en/, /ru/, /ar/); the login page is
/<lang>/accounts/login/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("asylon.web.api.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("asylon.web.accounts.urls")),
    path("timeline/", include("asylon.web.timeline.urls")),
    path("cases/<int:pk>/documents/", include("asylon.web.documents.urls")),
    path("evidence/", include("asylon.web.evidence.urls")),
    path("register/", include("asylon.web.register.urls")),
    path("screening/", include("asylon.web.screening.urls")),
    path("stats/", include("asylon.web.stats.urls")),
    path("exports/", include("asylon.web.exports.urls")),
    path("victims/", include("asylon.web.victims.urls")),
    path("", include("asylon.web.cases.urls")),
)
