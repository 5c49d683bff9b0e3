from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "guanxi.governance"
    label = "governance"
