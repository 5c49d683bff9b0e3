"""Two people editing the same record (SPEC §9.2, SECURITY CD-01): the second save shows both versions,
keeps the first change, and can be re-submitted on top of the saved version."""

import datetime
import re

import time_machine

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


def hidden_version(html: str, name: str = "version") -> str:
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="(\d+)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def conflict_rows(html: str) -> list[tuple[str, str, str]]:
    rows = re.findall(
        r'<tr><th scope="row">(.*?)</th><td class="conflict-yours">(.*?)</td><td class="conflict-saved">(.*?)</td></tr>',
        html,
    )
    return [tuple(r) for r in rows]


def customer_form(customer, owner, version, **changes):
    data = {
        "kind": "company",
        "name": customer.name,
        "status": customer.status,
        "owner": owner.pk,
        "grade": customer.grade,
        "industry": customer.industry,
        "province": customer.province,
        "region": customer.region,
        "tags": "",
        "version": version,
    }
    data.update(changes)
    return data


def test_given_two_editors_when_both_save_then_second_sees_both_versions_and_first_change_is_kept(org, login):
    rep, manager = login(org.rep_a), login(org.mgr_1)
    url = f"/customers/{org.cust_a.pk}/edit/"
    version_seen_by_rep = hidden_version(rep.get(url).content.decode())
    version_seen_by_manager = hidden_version(manager.get(url).content.decode())

    first = rep.post(
        url, customer_form(org.cust_a, org.rep_a, version_seen_by_rep, short_name="华为", grade="A")
    )
    second = manager.post(url, customer_form(org.cust_a, org.rep_a, version_seen_by_manager, short_name="HW"))

    assert (version_seen_by_rep, version_seen_by_manager) == ("1", "1")
    assert first.status_code == 302
    assert second.status_code == 409
    html = second.content.decode()
    assert 'id="conflict-title"' in html
    assert conflict_rows(html) == [("简称", "HW", "华为"), ("客户等级", "B", "A")]
    assert hidden_version(html) == "2"
    customer = Customer.objects.get(pk=org.cust_a.pk)
    assert (customer.short_name, customer.grade, customer.version) == ("华为", "A", 2)


def test_given_conflict_page_when_resubmitted_then_saved_on_top_of_the_saved_version(org, login):
    rep, manager = login(org.rep_a), login(org.mgr_1)
    url = f"/customers/{org.cust_a.pk}/edit/"
    rep.post(url, customer_form(org.cust_a, org.rep_a, 1, short_name="华为"))
    conflict = manager.post(url, customer_form(org.cust_a, org.rep_a, 1, short_name="HW"))

    resubmitted = manager.post(
        url,
        customer_form(org.cust_a, org.rep_a, hidden_version(conflict.content.decode()), short_name="华为HW"),
    )

    assert resubmitted.status_code == 302
    customer = Customer.objects.get(pk=org.cust_a.pk)
    assert (customer.short_name, customer.version) == ("华为HW", 3)


def test_given_stale_contact_edit_by_a_rep_then_conflict_shows_saved_phone_masked(org, archive, login):
    url = f"/contacts/{archive.contact.pk}/edit/"
    base = {
        "name": "张伟",
        "relationship_status": "neutral",
        "birthday_calendar": "solar",
        "lawful_basis": "contract",
    }
    login(org.mgr_1).post(url, {**base, "mobile": "13912345678", "version": 1})

    response = login(org.rep_a).post(url, {**base, "mobile": "13700137000", "version": 1})

    assert response.status_code == 409
    assert ("手机", "13700137000", "139****5678") in conflict_rows(response.content.decode())
    contact = Contact.objects.get(pk=archive.contact.pk)
    assert (contact.mobile, contact.version) == ("13912345678", 2)


def test_given_stale_part_edit_then_conflict_and_first_change_kept(org, archive, login):
    url = f"/needs/{archive.need.pk}/edit/"
    form = {"need-kind": "explicit", "need-priority": "pain", "need-status": "open", "need-version": 1}
    login(org.mgr_1).post(url, {**form, "need-description": "降低采购成本 20%"})

    response = login(org.rep_a).post(url, {**form, "need-description": "缩短交期"})

    assert response.status_code == 409
    assert conflict_rows(response.content.decode()) == [("描述", "缩短交期", "降低采购成本 20%")]
    assert hidden_version(response.content.decode(), "need-version") == "2"
    archive.need.refresh_from_db()
    assert archive.need.description == "降低采购成本 20%"


@time_machine.travel(NOW, tick=False)
def test_given_archive_changed_meanwhile_when_logging_with_archive_update_then_nothing_saved(org, login):
    url = f"/customers/{org.cust_a.pk}/interactions/new/"
    rep = login(org.rep_a)
    archive_version = hidden_version(rep.get(url).content.decode(), "archive-version")
    login(org.mgr_1).post(
        f"/customers/{org.cust_a.pk}/edit/", customer_form(org.cust_a, org.rep_a, 1, status="target")
    )

    response = rep.post(
        url,
        {
            "occurred_at": "2026-11-24T17:30",
            "channel": "phone",
            "direction": "outbound",
            "topic": "确认采购计划",
            "item1_title": "发送报价",
            "item1_due": "2026-11-30",
            "archive-version": archive_version,
            "archive-status": "dormant",
            "archive-lifecycle_stage": "",
            "archive-relationship_level": "",
            "archive-needs_summary": "",
        },
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert conflict_rows(html) == [("状态", "沉睡", "目标")]
    assert hidden_version(html, "archive-version") == "2"
    assert 'value="确认采购计划"' in html  # the user's interaction is still in the form
    assert not Interaction.all_objects.filter(customer=org.cust_a).exists()
    assert not Task.all_objects.filter(customer=org.cust_a).exists()
    org.cust_a.refresh_from_db()
    assert (org.cust_a.status, org.cust_a.version) == ("target", 2)
