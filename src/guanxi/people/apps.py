from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "guanxi.people"
    label = "people"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from . import throttle

        signals.user_login_failed.connect(throttle.on_sign_in_failed, dispatch_uid="guanxi_sign_in_failed")
        signals.user_logged_in.connect(throttle.on_signed_in, dispatch_uid="guanxi_signed_in")
