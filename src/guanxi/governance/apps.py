from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "guanxi.governance"
    label = "governance"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from . import auth_events

        signals.user_logged_in.connect(auth_events.on_login, dispatch_uid="guanxi_audit_login")
        signals.user_logged_out.connect(auth_events.on_logout, dispatch_uid="guanxi_audit_logout")
        signals.user_login_failed.connect(
            auth_events.on_login_failed, dispatch_uid="guanxi_audit_login_failed"
        )
