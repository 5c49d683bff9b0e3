from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "guanxi.people"
    label = "people"
