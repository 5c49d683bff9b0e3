"""The care calendar: lunar and solar birthdays, important dates, anniversaries, festivals, greetings."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.models import Customer, ImportantDate
from guanxi.engagement.agenda import care_upcoming, today_list
from guanxi.engagement.care import (
    care_greeted,
    greeting_for_task,
    greeting_placeholders_check,
    greeting_render,
    greeting_template_save,
)
from guanxi.engagement.jobs import care_reminders
from guanxi.engagement.models import GreetingTemplate, Interaction, Notification, Task
from guanxi.engagement.policies import relationship_policy_update

from ..factories import ContactFactory, CustomerFactory, TaskFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
D = datetime.date


def care(occasion: str | None = None) -> list[tuple[str, datetime.date, int | None]]:
    tasks = Task.objects.filter(kind="care")
    if occasion:
        tasks = tasks.filter(occasion=occasion)
    return sorted(tasks.values_list("owner__username", "due_on", "contact_id"))


def run_care(day: datetime.date) -> None:
    call_command("jobs", "run", "care_reminders", "--today", day.isoformat())


@pytest.fixture
def org(org):
    """The shared organisation, with its two customers out of the festival grades."""
    Customer.objects.filter(pk__in=[org.cust_a.pk, org.cust_c.pk]).update(grade="C")
    return org


@pytest.fixture
def grade_c(org):
    """A customer that gets no festival tasks, so birthday assertions see birthdays only."""
    return CustomerFactory(owner=org.rep_a, grade="C", name="苏州纺织")


# --- birthdays ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("birthday", [D(2026, 9, 25), D(2027, 9, 15), D(2028, 10, 3)])
def test_given_a_lunar_birthday_on_the_15th_of_the_8th_month_then_the_task_comes_three_days_ahead(
    grade_c, birthday
):
    contact = ContactFactory(
        customer=grade_c, name="王建国", birthday_calendar="lunar", birthday_month=8, birthday_day=15
    )

    run_care(birthday - datetime.timedelta(days=4))
    assert care() == []

    run_care(birthday - datetime.timedelta(days=3))
    assert care() == [("rep_a", birthday, contact.pk)]
    task = Task.objects.get(kind="care")
    assert (task.occasion, task.title, task.customer_id) == (
        "birthday",
        f"王建国（苏州纺织）生日：{birthday.isoformat()}（农历8月15日）",
        grade_c.pk,
    )


def test_given_a_longer_birthday_lead_then_the_task_comes_that_many_days_ahead(org, grade_c):
    relationship_policy_update(actor=org.mgr_1, data={"birthday_lead_days": 10}, expected_version=None)
    contact = ContactFactory(customer=grade_c, birthday_calendar="lunar", birthday_month=8, birthday_day=15)

    care_reminders(day=D(2026, 9, 14))
    assert care() == []
    care_reminders(day=D(2026, 9, 15))
    assert care() == [("rep_a", D(2026, 9, 25), contact.pk)]


def test_given_a_birthday_in_a_leap_month_then_it_falls_in_the_leap_month_only_in_years_that_have_it(grade_c):
    # 2025 repeats its sixth month: 闰六月初十 is 3 August, the ordinary 六月初十 is 4 July.
    leap_born = ContactFactory(
        customer=grade_c,
        birthday_calendar="lunar",
        birthday_month=6,
        birthday_day=10,
        birthday_leap_month=True,
    )
    ordinary_born = ContactFactory(
        customer=grade_c, birthday_calendar="lunar", birthday_month=6, birthday_day=10
    )

    care_reminders(day=D(2025, 7, 1))
    care_reminders(day=D(2025, 7, 31))
    care_reminders(day=D(2026, 7, 20))  # 2026 has no leap sixth month: both fall on 六月初十

    assert care() == [
        ("rep_a", D(2025, 7, 4), ordinary_born.pk),
        ("rep_a", D(2025, 8, 3), leap_born.pk),
        ("rep_a", D(2026, 7, 23), leap_born.pk),
        ("rep_a", D(2026, 7, 23), ordinary_born.pk),
    ]
    titles = set(Task.objects.filter(contact=leap_born).values_list("title", flat=True))
    assert any("农历闰6月10日" in title for title in titles)


def test_given_a_solar_birthday_on_the_29th_of_february_then_it_falls_on_the_28th_in_common_years(grade_c):
    contact = ContactFactory(customer=grade_c, birthday_month=2, birthday_day=29)

    care_reminders(day=D(2027, 2, 25))

    assert care() == [("rep_a", D(2027, 2, 28), contact.pk)]


def test_given_contacts_not_to_greet_then_no_task(org, grade_c):
    ContactFactory(customer=grade_c, birthday_month=5, birthday_day=20, do_not_contact=True)
    churned = CustomerFactory(owner=org.rep_a, grade="C", status="churned")
    ContactFactory(customer=churned, birthday_month=5, birthday_day=20)
    orphan = CustomerFactory(owner=None, grade="C")
    ContactFactory(customer=orphan, birthday_month=5, birthday_day=20)

    result = care_reminders(day=D(2026, 5, 17))

    assert (result["birthdays"], care()) == (0, [])


def test_given_an_owner_who_reads_english_then_the_title_is_english(org):
    org.rep_a.language = "en"
    org.rep_a.save()
    customer = CustomerFactory(owner=org.rep_a, grade="C", name="Acme")
    ContactFactory(customer=customer, name="Li Lei", birthday_month=5, birthday_day=20)

    care_reminders(day=D(2026, 5, 17))

    assert Task.objects.get().title == "Birthday of Li Lei (Acme) on 2026-05-20"
    assert (
        Notification.objects.get().title
        == "1 new care reminders: birthdays, anniversaries and festivals ahead"
    )


# --- important dates and anniversaries ----------------------------------------------------------------


def test_given_a_lunar_important_date_then_a_care_task_ahead(grade_c):
    contact = ContactFactory(customer=grade_c, name="赵敏")
    ImportantDate.objects.create(contact=contact, label="结婚纪念日", calendar="lunar", month=7, day=7)

    care_reminders(day=D(2026, 8, 16))  # 七夕 2026 is 19 August

    task = Task.objects.get()
    assert (task.occasion, task.due_on, task.contact_id, task.title) == (
        "important_date",
        D(2026, 8, 19),
        contact.pk,
        "赵敏（苏州纺织）的结婚纪念日：2026-08-19（农历7月7日）",
    )


def test_given_a_founding_date_then_an_anniversary_task_a_week_ahead_from_the_first_year(org):
    old = CustomerFactory(owner=org.rep_a, grade="C", name="上海机电", founded_on=D(2016, 3, 10))
    CustomerFactory(owner=org.rep_a, grade="C", founded_on=D(2026, 3, 10))  # founded this year

    care_reminders(day=D(2026, 3, 2))
    assert care() == []
    care_reminders(day=D(2026, 3, 3))

    task = Task.objects.get()
    assert (task.occasion, task.due_on, task.customer_id, task.title) == (
        "company_anniversary",
        D(2026, 3, 10),
        old.pk,
        "上海机电 成立 10 周年：2026-03-10",
    )


# --- festivals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("spring_festival", [D(2026, 2, 17), D(2027, 2, 6), D(2028, 1, 26)])
def test_given_spring_festival_then_each_key_account_gets_a_greeting_task_a_week_before(org, spring_festival):
    key_account = CustomerFactory(owner=org.rep_a, grade="A", name="华东电网")
    boss = ContactFactory(
        customer=key_account, name="陈总", decision_role="decision_maker", decision_weight=3
    )
    ContactFactory(customer=key_account, decision_role="influencer", decision_weight=5)
    ContactFactory(
        customer=key_account, decision_role="decision_maker", decision_weight=5, do_not_contact=True
    )
    no_contacts = CustomerFactory(owner=org.rep_b, grade="B", name="宁波港")
    CustomerFactory(owner=org.rep_a, grade="C")

    care_reminders(day=spring_festival - datetime.timedelta(days=8))
    assert care("spring_festival") == []
    care_reminders(day=spring_festival - datetime.timedelta(days=7))

    assert care("spring_festival") == [
        ("rep_a", spring_festival, boss.pk),
        ("rep_b", spring_festival, None),
    ]
    titles = dict(Task.objects.filter(occasion="spring_festival").values_list("customer_id", "title"))
    assert titles == {
        key_account.pk: f"春节问候陈总（华东电网）：{spring_festival.isoformat()}",
        no_contacts.pk: f"春节问候宁波港：{spring_festival.isoformat()}",
    }


def test_given_festival_grades_changed_then_only_those_grades_get_festival_tasks(org):
    relationship_policy_update(actor=org.director, data={"festival_grades": "A"}, expected_version=None)
    grade_a = CustomerFactory(owner=org.rep_a, grade="A")
    CustomerFactory(owner=org.rep_a, grade="B")

    result = care_reminders(day=D(2026, 9, 20))  # Mid-Autumn is on 25 September

    assert result["festivals"] == 1
    assert list(Task.objects.values_list("occasion", "due_on", "customer_id")) == [
        ("mid_autumn_festival", D(2026, 9, 25), grade_a.pk)
    ]


# --- idempotency, inbox, visibility ------------------------------------------------------------------


def test_given_the_job_run_twice_on_a_day_then_the_same_tasks_and_one_message_per_owner(org, grade_c):
    ContactFactory(customer=grade_c, birthday_month=9, birthday_day=27)
    CustomerFactory(owner=org.rep_c, grade="A")

    first = care_reminders(day=D(2026, 9, 24))
    count = Task.objects.count()
    second = care_reminders(day=D(2026, 9, 24))

    assert (first["tasks_created"], second["tasks_created"]) == (3, 0)
    assert Task.objects.count() == count == 3
    assert sorted(Notification.objects.values_list("user__username", "kind")) == [
        ("rep_a", "new_care_tasks"),
        ("rep_c", "new_care_tasks"),
    ]
    assert Task.objects.values("dedupe_key").distinct().count() == 3


@time_machine.travel(datetime.datetime(2026, 9, 22, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_care_lists_show_each_rep_their_own_and_managers_their_team(org, grade_c):
    ContactFactory(customer=grade_c, birthday_calendar="lunar", birthday_month=8, birthday_day=15)
    other = CustomerFactory(owner=org.rep_c, grade="C")
    ContactFactory(customer=other, birthday_calendar="lunar", birthday_month=8, birthday_day=15)
    TaskFactory(owner=org.rep_a, customer=grade_c, due_on=D(2026, 9, 30), title="下周再说")
    care_reminders(day=D(2026, 9, 22))
    day = D(2026, 9, 22)

    assert [t.owner.username for t in care_upcoming(user=org.rep_a, day=day)] == ["rep_a"]
    assert [t.owner.username for t in care_upcoming(user=org.rep_b, day=day, mine=False)] == []
    assert [t.owner.username for t in care_upcoming(user=org.mgr_1, day=day, mine=False)] == ["rep_a"]
    assert [t.owner.username for t in care_upcoming(user=org.director, day=day, mine=False)] == [
        "rep_a",
        "rep_c",
    ]
    assert [t.occasion for t in today_list(user=org.rep_a, day=day)] == ["birthday"]


# --- greeting templates and the greeted service -------------------------------------------------------


def test_greetings_fill_only_the_known_placeholders():
    assert greeting_render(
        "{name}，{festival}快乐！——{sender}", {"name": "陈总", "festival": "中秋节", "sender": "小李"}
    ) == ("陈总，中秋节快乐！——小李")
    assert greeting_render("{name}{unknown}", {"name": "x"}) == "{name}{unknown}"


@pytest.mark.parametrize(
    "text", ["{name.__class__}", "{0}", "{unknown}", "{name!r}", "{name:>10}", "{name", "{name[0]}"]
)
def test_templates_with_anything_but_plain_placeholders_are_refused(text):
    with pytest.raises(ValidationFailed) as caught:
        greeting_placeholders_check(text)
    assert "text" in caught.value.details


@pytest.mark.parametrize(("role", "allowed"), [("rep_a", False), ("mgr_1", True), ("sysadmin", True)])
def test_greeting_templates_are_edited_by_managers_and_administrators(org, role, allowed):
    template = GreetingTemplate.objects.get(occasion="birthday", language="zh-hans")
    if allowed:
        saved = greeting_template_save(
            actor=org.user(role),
            occasion="birthday",
            language="zh-hans",
            text="{name}生日快乐",
            expected_version=1,
        )
        assert (saved.pk, saved.text, saved.version) == (template.pk, "{name}生日快乐", 2)
    else:
        with pytest.raises(PermissionDenied):
            greeting_template_save(actor=org.user(role), occasion="birthday", language="zh-hans", text="x")
        template.refresh_from_db()
        assert template.version == 1


def test_greeting_for_a_care_task_uses_the_readers_language(org):
    org.rep_a.display_name = "李雷"
    org.rep_a.save()
    customer = CustomerFactory(owner=org.rep_a, grade="A", name="华东电网")
    ContactFactory(customer=customer, name="陈总", decision_role="decision_maker")
    care_reminders(day=D(2026, 9, 20))
    task = Task.objects.get(occasion="mid_autumn_festival")

    chinese = greeting_for_task(user=org.rep_a, task=task)
    org.rep_a.language = "en"
    english = greeting_for_task(user=org.rep_a, task=task)

    assert chinese == "陈总，中秋快乐！月圆人团圆，祝您和家人幸福安康。——李雷"
    assert english == "Happy Mid-Autumn Festival, 陈总! Wishing you and your family a happy reunion. — 李雷"


@time_machine.travel(datetime.datetime(2026, 9, 25, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_given_a_care_task_when_greeted_then_done_and_a_non_sales_interaction_is_logged(org, grade_c):
    contact = ContactFactory(customer=grade_c, birthday_calendar="lunar", birthday_month=8, birthday_day=15)
    care_reminders(day=D(2026, 9, 22))
    task = Task.objects.get()

    interaction = care_greeted(actor=org.rep_a, task=task, channel="wechat", text="生日快乐！")

    task.refresh_from_db()
    grade_c.refresh_from_db()
    assert (task.status, task.result) == ("done", "生日快乐！")
    assert (interaction.is_non_sales, interaction.channel, interaction.content) == (
        True,
        "wechat",
        "生日快乐！",
    )
    assert list(interaction.contacts.values_list("pk", flat=True)) == [contact.pk]
    assert grade_c.last_contact_at == interaction.occurred_at


def test_given_someone_elses_or_a_non_care_task_when_greeted_then_refused_and_nothing_logged(org, grade_c):
    ContactFactory(customer=grade_c, birthday_month=5, birthday_day=20)
    care_reminders(day=D(2026, 5, 17))
    task = Task.objects.get()
    plain = TaskFactory(owner=org.rep_a, customer=grade_c, kind="follow_up")

    with pytest.raises(PermissionDenied):
        care_greeted(actor=org.rep_b, task=task, channel="wechat")
    with pytest.raises(ValidationFailed):
        care_greeted(actor=org.rep_a, task=plain, channel="wechat")

    task.refresh_from_db()
    assert (task.status, Interaction.objects.count()) == ("open", 0)
