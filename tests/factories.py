"""factory_boy factories for the archive. Services are the way in for behaviour under test; factories
build the world around it."""

import datetime

import factory
from django.utils import timezone

from guanxi.core.text import pinyin_key
from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task
from guanxi.people.models import Role, Team, User

TEST_PASSWORD = "correct horse battery staple"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"销售{n}组")

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        obj.save(update_fields=["path"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    role = Role.REP
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    kind = "company"
    industry = "制造业"
    province = "上海"
    region = "east"
    status = "current"
    grade = "B"
    owner = factory.SubFactory(UserFactory)
    search_pinyin = factory.LazyAttribute(lambda o: pinyin_key(o.name))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    search_pinyin = factory.LazyAttribute(lambda o: pinyin_key(o.name))


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    channel = "phone"
    topic = "电话沟通"
    created_by = factory.SelfAttribute("customer.owner")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"待办{n}")
    due_on = factory.LazyFunction(timezone.localdate)
    owner = factory.SubFactory(UserFactory)
