from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "asylon.web.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from asylon.web.accounts import signals

        user_logged_in.connect(signals.logged_in, dispatch_uid="asylon-accounts-logged-in")
        user_logged_out.connect(signals.logged_out, dispatch_uid="asylon-accounts-logged-out")
        user_login_failed.connect(signals.login_failed, dispatch_uid="asylon-accounts-failed")
