from django.urls import path

from asylon.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path(
        "verify/webauthn-options/",
        views.webauthn_authentication_options,
        name="webauthn_authentication_options",
    ),
    path("reauthenticate/", views.reauth, name="reauth"),
    path("security/", views.security, name="security"),
    path("security/totp/", views.totp_setup, name="totp_setup"),
    path("security/totp/remove/", views.totp_remove, name="totp_remove"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "security/keys/options/",
        views.webauthn_registration_options,
        name="webauthn_registration_options",
    ),
    path("security/keys/", views.webauthn_register, name="webauthn_register"),
    path("security/keys/<int:pk>/remove/", views.webauthn_remove, name="webauthn_remove"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/sessions/", views.user_sessions, name="user_sessions"),
    path(
        "users/<int:pk>/sessions/<int:session_id>/revoke/",
        views.revoke_session,
        name="revoke_session",
    ),
    path("users/<int:pk>/sessions/revoke-all/", views.revoke_all_sessions, name="revoke_all"),
    path(
        "users/<int:pk>/second-factors/reset/",
        views.reset_second_factors,
        name="reset_second_factors",
    ),
]
