"""The customer-event pages: list, form, detail with invitations and attendance, the customer panel."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.engagement.events import event_create, event_invite
from guanxi.engagement.models import Event, Interaction, Invitation

from ..factories import ContactFactory
from .conftest import inline_code

NOW = datetime.datetime(2026, 11, 24, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_event(organiser, days=-1, title="华东区客户答谢晚宴", **extra) -> Event:
    starts = NOW + datetime.timedelta(days=days)
    data = {"title": title, "kind": "customer_dinner", "starts_at": starts, "ends_at": starts, **extra}
    return event_create(actor=organiser, data=data)


ROLES_SEEING_REP_A_EVENT = {
    "rep_a": 200,
    "rep_b": 404,
    "rep_c": 404,
    "mgr_1": 200,
    "mgr_2": 404,
    "director": 200,
    "archivist": 200,
    "sysadmin": 404,
}


@pytest.mark.parametrize(("role", "status"), ROLES_SEEING_REP_A_EVENT.items())
def test_event_detail_per_role(org, login, frozen, role, status):
    event = make_event(org.rep_a)
    response = login(org.user(role)).get(f"/events/{event.pk}/")
    assert response.status_code == status
    listed = login(org.user(role)).get("/events/?when=past")
    assert listed.status_code == 200
    assert (event.title in listed.content.decode()) is (status == 200)


def test_anonymous_is_sent_to_login(org, client):
    assert client.get("/events/").status_code == 302


def test_create_with_bad_input_keeps_values_and_says_what_is_wrong(org, login, frozen):
    client = login(org.rep_a)
    response = client.post(
        "/events/new/",
        {
            "title": "产品发布会",
            "kind": "product_launch",
            "starts_at": "2026-12-01T14:00",
            "ends_at": "2026-12-01T10:00",
            "place": "杭州",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "活动结束时间必须晚于开始时间" in html
    assert 'value="产品发布会"' in html and 'value="杭州"' in html
    assert not Event.objects.exists()

    response = client.post(
        "/events/new/",
        {"title": "产品发布会", "kind": "product_launch", "starts_at": "2026-12-01T14:00", "ends_at": ""},
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert (event.organiser, event.ends_at) == (org.rep_a, event.starts_at)


def test_the_archivist_may_not_organise(org, login):
    assert login(org.archivist).get("/events/new/").status_code == 403


def test_edit_with_a_stale_version_is_refused_without_losing_input(org, login, frozen):
    event = make_event(org.rep_a, days=5)
    client = login(org.rep_a)
    data = {
        "title": "新标题",
        "kind": "seminar",
        "starts_at": "2026-11-29T14:00",
        "ends_at": "2026-11-29T16:00",
        "version": "1",
    }
    assert client.post(f"/events/{event.pk}/edit/", data).status_code == 302
    response = client.post(f"/events/{event.pk}/edit/", {**data, "title": "又改了"})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="又改了"' in page
    assert Event.objects.get(pk=event.pk).title == "新标题"
    # the form now carries the saved version, so sending it again goes on top of the other change
    saved = Event.objects.get(pk=event.pk).version
    assert re.search(rf'name="version" value="{saved}"|value="{saved}" name="version"', page)
    again = client.post(f"/events/{event.pk}/edit/", {**data, "title": "又改了", "version": str(saved)})
    assert again.status_code == 302 and Event.objects.get(pk=event.pk).title == "又改了"
    assert login(org.rep_b).post(f"/events/{event.pk}/edit/", data).status_code == 404
    assert login(org.mgr_1).get(f"/events/{event.pk}/edit/").status_code == 200


def test_invite_search_attendance_and_the_interaction_link(org, login, frozen):
    chen = ContactFactory(customer=org.cust_a, name="陈静")
    ContactFactory(customer=org.cust_c, name="陈明")  # another team's customer: never offered
    event = make_event(org.rep_a)
    client = login(org.rep_a)

    page = client.get(f"/events/{event.pk}/", {"q": "陈"}).content.decode()
    assert "陈静" in page and "陈明" not in page
    fragment = client.get(
        f"/events/{event.pk}/", {"q": "陈"}, headers={"HX-Request": "true", "HX-Target": "invite-results"}
    )
    assert fragment.content.decode().lstrip().startswith('<div id="invite-results"')

    assert client.post(f"/events/{event.pk}/invite/", {"contacts": [chen.pk]}).status_code == 302
    invitation = Invitation.objects.get(event=event)
    client.post(f"/events/{event.pk}/attendance/", {"shown": [invitation.pk], "attended": [invitation.pk]})
    client.post(f"/events/{event.pk}/attendance/", {"shown": [invitation.pk], "attended": [invitation.pk]})
    interaction = Interaction.objects.get(event=event)
    assert [c.name for c in interaction.contacts.all()] == ["陈静"]
    detail = client.get(f"/events/{event.pk}/").content.decode()
    assert f"/customers/{org.cust_a.pk}/#timeline" in detail
    assert inline_code(detail) == []
    panel = client.get(f"/customers/{org.cust_a.pk}/events-panel/").content.decode()
    assert event.title in panel
    assert login(org.rep_c).get(f"/customers/{org.cust_a.pk}/events-panel/").status_code == 404


def test_inviting_a_hidden_contact_is_404_and_bad_input_is_a_message(org, login, frozen):
    hidden = ContactFactory(customer=org.cust_c)
    event = make_event(org.rep_a, days=3)
    client = login(org.rep_a)
    assert client.post(f"/events/{event.pk}/invite/", {"contacts": [hidden.pk]}).status_code == 404
    response = client.post(f"/events/{event.pk}/invite/", {}, follow=True)
    assert "请至少选择一位要邀请的联系人" in response.content.decode()
    response = client.post(f"/events/{event.pk}/invite/", {"contacts": ["abc"]}, follow=True)
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_attendance_before_the_start_is_refused_with_a_message(org, login, frozen):
    contact = ContactFactory(customer=org.cust_a)
    event = make_event(org.rep_a, days=3)
    (invitation,) = event_invite(actor=org.rep_a, event=event, contact_ids=[contact.pk])
    response = login(org.rep_a).post(
        f"/events/{event.pk}/attendance/",
        {"shown": [invitation.pk], "attended": [invitation.pk]},
        follow=True,
    )
    assert "活动开始后才能登记出席" in response.content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("url", ["/events/", "/events/new/", "/events/?when=past&scope=mine"])
def test_pages_carry_no_inline_code(org, login, frozen, url):
    make_event(org.rep_a)
    response = login(org.rep_a).get(url)
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []
    assert 'href="/events/"' in response.content.decode()  # the navigation link


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/events/?when=past").status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(org, login, frozen):
    contact = ContactFactory(customer=org.cust_a)
    for n in range(5):
        event = make_event(org.rep_a, days=-1 - n, title=f"活动{n}")
        event_invite(actor=org.rep_a, event=event, contact_ids=[contact.pk])
    client = login(org.mgr_1)
    client.get("/events/")  # the first request of a session writes session bookkeeping
    few = _list_queries(client)
    for n in range(45):
        make_event(org.rep_b, days=-10 - n, title=f"更多{n}")
    many = _list_queries(client)
    assert few == many


def test_respond_withdraw_and_the_mine_filter(org, login, frozen):
    contact = ContactFactory(customer=org.cust_a, name="陈静")
    mine = make_event(org.rep_a, days=4, title="我的研讨会")
    make_event(org.mgr_1, days=5, title="经理的发布会")
    (invitation,) = event_invite(actor=org.rep_a, event=mine, contact_ids=[contact.pk])
    manager = login(org.mgr_1)
    listed = manager.get("/events/", {"scope": "mine"}).content.decode()
    assert "经理的发布会" in listed and "我的研讨会" not in listed
    assert "我的研讨会" in manager.get("/events/").content.decode()

    client = login(org.rep_a)
    base = f"/events/{mine.pk}/invitations/{invitation.pk}"
    assert client.post(f"{base}/respond/", {"response": "declined"}).status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).response == "declined"
    bad = client.post(f"{base}/respond/", {"response": "maybe"}, follow=True).content.decode()
    assert "请选择有效的回复" in bad
    assert login(org.rep_c).post(f"{base}/remove/").status_code == 404
    assert client.post(f"{base}/remove/").status_code == 302
    assert not Invitation.objects.exists()
