from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "guanxi.engagement"
    label = "engagement"
