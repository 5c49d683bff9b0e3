"""The relationship-maintenance pages: today, team follow-up, inbox, relationship map, dossier, calendar feed."""

import datetime

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.customers.models import Contact, Counterpart
from guanxi.engagement.feeds import calendar_feed_create
from guanxi.engagement.models import (
    CareOccasion,
    Interaction,
    Notification,
    NotificationKind,
    Task,
    TaskKind,
    TaskStatus,
)

from ..conftest import SEES_CUST_A
from ..factories import ContactFactory, CustomerFactory, TaskFactory
from .conftest import inline_code

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
ROLES = list(SEES_CUST_A)
TEAM_PAGE = {"manager", "director", "archivist"}


def overdue_customer(owner, **fields):
    """A grade-A customer created 400 days ago and never contacted: overdue and escalated."""
    return CustomerFactory(owner=owner, grade="A", created_at=NOW - datetime.timedelta(days=400), **fields)


def care_task(org, contact=None):
    return TaskFactory(
        owner=org.rep_a,
        customer=org.cust_a,
        contact=contact,
        kind=TaskKind.CARE,
        occasion="birthday",
        title="张伟生日",
        due_on=DAY + datetime.timedelta(days=2),
    )


# --- who may open what -----------------------------------------------------------------------------


def expected_customer_status(role: str) -> int:
    if role == "anon":
        return 302
    return 200 if SEES_CUST_A[role] else 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["map", "dossier"])
def test_given_a_role_when_opening_a_customer_page_then_only_the_circle_gets_it(org, login, role, page):
    ContactFactory(customer=org.cust_a, name="张伟")
    url = {"map": f"/customers/{org.cust_a.pk}/map/", "dossier": f"/customers/{org.cust_a.pk}/dossier.pdf"}[
        page
    ]

    response = login(org.user(role)).get(url)

    assert response.status_code == expected_customer_status(role)
    if role == "anon":
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/today/", "/inbox/", "/me/"])
def test_given_a_role_when_opening_a_personal_page_then_every_member_gets_it(org, login, role, url):
    response = login(org.user(role)).get(url)

    assert response.status_code == (302 if role == "anon" else 200)
    if role != "anon":
        assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("role", ROLES)
def test_given_a_role_when_opening_the_team_page_then_reps_are_refused(org, login, role):
    user = org.user(role)

    response = login(user).get("/team/follow-up/")

    if user is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if user.role in TEAM_PAGE else 403)


# --- today ------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_given_tasks_of_every_kind_when_opening_today_then_grouped_with_the_greeting(org, login):
    contact = ContactFactory(customer=org.cust_a, name="张伟")
    TaskFactory(
        owner=org.rep_a, customer=org.cust_a, title="回访华为", due_on=DAY - datetime.timedelta(days=1)
    )
    TaskFactory(
        owner=org.rep_a,
        customer=org.cust_a,
        title="超期跟进华为",
        due_on=DAY,
        dedupe_key=f"policy:overdue:{org.cust_a.pk}:2026-01-01",
    )
    TaskFactory(owner=org.rep_a, customer=org.cust_a, title="节奏第一步", kind=TaskKind.CADENCE, due_on=DAY)
    care_task(org, contact)

    html = login(org.rep_a).get("/today/").content.decode()

    for title in ("超期跟进", "关怀提醒", "节奏步骤", "其他待办"):
        assert f"{title} <span" in html
    assert '<blockquote class="greeting">' in html
    assert (
        html.index("超期跟进华为")
        < html.index("张伟生日")
        < html.index("节奏第一步")
        < html.index("回访华为")
    )
    assert "张伟" in html and 'name="care-' in html
    assert inline_code(html) == []


@time_machine.travel(NOW, tick=False)
def test_given_a_care_reminder_when_greeted_then_task_done_and_non_sales_interaction(org, login):
    contact = ContactFactory(customer=org.cust_a, name="张伟")
    task = care_task(org, contact)
    prefix = f"care-{task.pk}"

    response = login(org.rep_a).post(
        f"/today/care/{task.pk}/greeted/",
        {f"{prefix}-channel": "wechat", f"{prefix}-text": "生日快乐！", f"{prefix}-version": task.version},
    )

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    interaction = Interaction.objects.get(customer=org.cust_a)
    assert (interaction.is_non_sales, interaction.channel, interaction.content) == (
        True,
        "wechat",
        "生日快乐！",
    )
    assert list(interaction.contacts.all()) == [contact]


def test_given_another_reps_care_task_when_greeting_then_404(org, login):
    task = care_task(org)

    response = login(org.rep_c).post(
        f"/today/care/{task.pk}/greeted/", {f"care-{task.pk}-channel": "wechat", f"care-{task.pk}-version": 1}
    )

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


# --- team follow-up ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_given_overdue_customers_when_manager_opens_team_page_then_counts_and_rows(org, login):
    overdue_customer(org.rep_a, name="遗忘客户甲")
    overdue_customer(org.rep_c, name="别组客户乙")

    html = login(org.mgr_1).get("/team/follow-up/").content.decode()
    filtered = login(org.mgr_1).get(f"/team/follow-up/?owner={org.rep_a.pk}&escalated=on").content.decode()

    assert "遗忘客户甲" in html
    assert "别组客户乙" not in html  # another team's customer
    assert "遗忘客户甲" in filtered
    assert inline_code(html) == []


# --- inbox --------------------------------------------------------------------------------------------


def notification(user, title="新的跟进任务", link_url="/tasks/"):
    return Notification.objects.create(
        user=user, kind=NotificationKind.NEW_FOLLOW_UPS, title=title, link_url=link_url
    )


def test_given_unread_messages_then_the_nav_counts_them_and_mark_read_works(org, login):
    first = notification(org.rep_a, "消息一")
    notification(org.rep_a, "消息二")
    notification(org.rep_b, "别人的消息")
    client = login(org.rep_a)

    html = client.get("/customers/").content.decode()
    assert 'id="nav-unread-count" class="badge"' in html
    assert (
        'title="Unread messages">2</span>' in html
        or ">2</span>" in html.split('id="nav-unread-count"')[1][:120]
    )

    response = client.post(f"/inbox/{first.pk}/read/", {"open": "1"})
    assert response["Location"] == "/tasks/"
    first.refresh_from_db()
    assert first.read_at is not None

    inbox = client.get("/inbox/").content.decode()
    assert "消息一" in inbox and "消息二" in inbox and "别人的消息" not in inbox

    client.post("/inbox/read-all/")
    assert Notification.objects.filter(user=org.rep_a, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=org.rep_b, read_at__isnull=True).count() == 1


def test_given_someone_elses_message_when_marking_read_then_404(org, login):
    other = notification(org.rep_b)

    assert login(org.rep_a).post(f"/inbox/{other.pk}/read/").status_code == 404


def test_given_an_offsite_link_when_opening_then_stays_in_the_inbox(org, login):
    note = notification(org.rep_a, link_url="//evil.example/")

    assert login(org.rep_a).post(f"/inbox/{note.pk}/read/", {"open": "1"})["Location"] == "/inbox/"


# --- relationship map --------------------------------------------------------------------------------


def test_given_key_people_when_opening_the_map_then_svg_legend_and_forms(org, login):
    boss = ContactFactory(customer=org.cust_a, name="张总<b>", relationship_status="positive")
    ContactFactory(customer=org.cust_a, name="李工", reports_to=boss)

    response = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/map/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<div class="map-scroll"' in html and "<svg" in html
    assert "张总&lt;b&gt;" in html and "张总<b>" not in html
    assert "legend-positive" in html
    assert inline_code(html) == []
    detail = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/").content.decode()
    assert f"/customers/{org.cust_a.pk}/map/" in detail
    assert f"/customers/{org.cust_a.pk}/dossier.pdf" in detail


def test_given_a_contact_when_changing_the_relationship_status_then_saved(org, login):
    contact = ContactFactory(customer=org.cust_a, name="张伟", relationship_status="not_established")

    response = login(org.rep_a).post(
        f"/contacts/{contact.pk}/relationship/",
        {f"rel-{contact.pk}-relationship_status": "positive", f"rel-{contact.pk}-version": contact.version},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{org.cust_a.pk}/map/#person-{contact.pk}"
    contact.refresh_from_db()
    assert contact.relationship_status == "positive"


def test_given_a_stale_version_when_changing_the_status_then_nothing_changes(org, login):
    contact = ContactFactory(customer=org.cust_a, relationship_status="neutral")

    login(org.rep_a).post(
        f"/contacts/{contact.pk}/relationship/",
        {
            f"rel-{contact.pk}-relationship_status": "negative",
            f"rel-{contact.pk}-version": contact.version + 5,
        },
    )

    assert Contact.objects.get(pk=contact.pk).relationship_status == "neutral"


def test_given_another_teams_contact_when_changing_status_then_404(org, login):
    contact = ContactFactory(customer=org.cust_c)

    response = login(org.rep_a).post(
        f"/contacts/{contact.pk}/relationship/",
        {f"rel-{contact.pk}-relationship_status": "negative", f"rel-{contact.pk}-version": contact.version},
    )

    assert response.status_code == 404


def test_given_a_colleague_when_adding_and_removing_a_counterpart_then_recorded_and_forgotten(org, login):
    contact = ContactFactory(customer=org.cust_a, name="张伟")
    client = login(org.rep_a)

    response = client.post(
        f"/customers/{org.cust_a.pk}/map/counterparts/",
        {"contact": contact.pk, "user": org.mgr_1.pk, "closeness": "close"},
    )

    assert response.status_code == 302
    assert list(Counterpart.objects.values_list("contact_id", "user_id", "closeness")) == [
        (contact.pk, org.mgr_1.pk, "close")
    ]
    assert str(org.mgr_1) in client.get(f"/customers/{org.cust_a.pk}/map/").content.decode()

    client.post(f"/contacts/{contact.pk}/counterparts/{org.mgr_1.pk}/remove/")
    assert not Counterpart.objects.exists()


def test_given_another_customers_contact_when_adding_a_counterpart_then_refused(org, login):
    ContactFactory(customer=org.cust_a)
    foreign = ContactFactory(customer=org.cust_c)

    login(org.rep_a).post(
        f"/customers/{org.cust_a.pk}/map/counterparts/",
        {"contact": foreign.pk, "user": org.rep_a.pk, "closeness": "close"},
    )

    assert not Counterpart.objects.exists()


# --- dossier ------------------------------------------------------------------------------------------


def test_given_a_customer_when_downloading_the_dossier_then_a_pdf_attachment(org, login):
    ContactFactory(customer=org.cust_a, name="张伟")

    response = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/dossier.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert disposition.isascii()
    assert f'filename="customer-{org.cust_a.pk}-dossier.pdf"' in disposition
    assert "filename*=UTF-8''%E5%8D%8E%E4%B8%BA" in disposition  # 华为


# --- calendar feed ------------------------------------------------------------------------------------


def test_given_a_feed_when_created_on_my_page_then_url_shown_again_and_the_feed_answers(org, login, client):
    TaskFactory(owner=org.rep_a, customer=org.cust_a, title="回访华为")
    me = login(org.rep_a)

    page = me.post("/me/calendar/", {"action": "create"})
    html = page.content.decode()
    url = html.split('id="feed-url" class="mono" type="text" value="')[1].split('"')[0]
    path = url.removeprefix("http://testserver")

    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert path.startswith("/calendar/gxcal_") and path.endswith(".ics")
    assert f'value="{url}"' in me.get("/me/").content.decode()  # shown again while the feed is live
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["回访华为"]

    rotated = me.post("/me/calendar/", {"action": "rotate"}).content.decode()
    assert client.get(path).status_code == 404
    new_path = rotated.split('value="http://testserver')[1].split('"')[0]
    assert client.get(new_path).status_code == 200

    me.post("/me/calendar/", {"action": "revoke"})
    assert client.get(new_path).status_code == 404


def test_given_a_wrong_token_then_404(org, client):
    calendar_feed_create(actor=org.rep_a)

    assert client.get("/calendar/gxcal_not-the-right-token.ics").status_code == 404


# --- queries ------------------------------------------------------------------------------------------


def query_count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_work(org, count: int) -> None:
    for number in range(count):
        customer = overdue_customer(org.rep_a if number % 2 else org.rep_b)
        TaskFactory(owner=org.rep_a, customer=customer, due_on=DAY - datetime.timedelta(days=1))
        TaskFactory(owner=org.rep_a, customer=customer, kind=TaskKind.CADENCE, due_on=DAY)
        # care reminders render a greeting each: the templates must load once per page, not per task
        TaskFactory(
            owner=org.rep_a,
            customer=customer,
            kind=TaskKind.CARE,
            occasion=CareOccasion.MID_AUTUMN_FESTIVAL,
            due_on=DAY,
        )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("viewer", "url"), [("rep_a", "/today/"), ("mgr_1", "/team/follow-up/")])
def test_given_5_or_30_customers_when_opening_then_same_number_of_queries(org, login, settings, viewer, url):
    settings.GUANXI_PAGE_SIZE = 100
    client = login(org.user(viewer))
    add_work(org, 5)
    few = query_count(client, url)

    add_work(org, 25)
    many = query_count(client, url)

    assert many == few
    assert Task.objects.count() == 90


def test_given_an_ascii_name_with_punctuation_then_the_filename_keeps_its_letters(org, login):
    from guanxi.web.views.exports import attachment_disposition

    header = attachment_disposition('ACME "Ltd"/上海', "-dossier.pdf", fallback="customer-7")

    assert header.startswith(
        "attachment; filename=\"ACME-Ltd-dossier.pdf\"; filename*=UTF-8''ACME%20%22Ltd%22%2F"
    )
