"""Key people: validation, reports-to limited to the same customer, and what a rep may read (AZ-04)."""

import re

import pytest

from guanxi.customers.models import Contact

from .conftest import field_block

FULL_MOBILE = re.compile(r"1\d{10}")


def contact_form(**overrides):
    data = {
        "name": "李娜",
        "title": "采购部经理",
        "relationship_status": "neutral",
        "birthday_calendar": "solar",
        "lawful_basis": "contract",
    }
    data.update(overrides)
    return data


def test_given_two_contacts_when_second_reports_to_first_then_org_chart_nests_them(org, archive, login):
    client = login(org.rep_a)

    response = client.post(
        f"/customers/{org.cust_a.pk}/contacts/new/",
        contact_form(mobile="139 0013 9000", reports_to=archive.contact.pk, decision_role="influencer"),
    )

    contact = Contact.objects.get(name="李娜")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{org.cust_a.pk}/#contacts"
    assert (contact.reports_to, contact.mobile, contact.created_by) == (
        archive.contact,
        "13900139000",
        org.rep_a,
    )
    html = client.get(f"/customers/{org.cust_a.pk}/").content.decode()
    chart = html.split('<ul class="orgchart">', 1)[1]
    assert re.search(
        r"张伟</span>.*?<ul>\s*<li>\s*<span[^>]*>\s*<span class=\"strong\">李娜</span>", chart, re.S
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"mobile": "12345"}, "mobile", "不是有效的电话号码"),
        ({"mobile": "138-0000"}, "mobile", "不是有效的电话号码"),
        ({"wechat": "1abc"}, "wechat", "微信号须为 6–20 位字母"),
        ({"email": "li@"}, "email", "输入一个有效的 Email 地址。"),
        ({"name": ""}, "name", "这个字段是必填项。"),
        ({"name": "名" * 61}, "name", "确保该变量包含不超过 60 字符 (目前字符数 61)。"),
        ({"birthday_month": "13"}, "birthday_month", "选择一个有效的选项"),
    ],
)
def test_given_bad_input_when_adding_contact_then_chinese_message_and_nothing_saved(
    org, archive, login, overrides, field, message
):
    before = Contact.all_objects.count()

    response = login(org.rep_a).post(f"/customers/{org.cust_a.pk}/contacts/new/", contact_form(**overrides))

    assert response.status_code == 200
    assert message in field_block(response.content.decode(), f"id_{field}")
    assert Contact.all_objects.count() == before


def test_given_contact_of_another_customer_when_choosing_reports_to_then_refused(org, archive, login):
    form = contact_form(reports_to=archive.other_contact.pk)

    response = login(org.director).post(f"/customers/{org.cust_a.pk}/contacts/new/", form)

    assert response.status_code == 200
    assert "选择一个有效的选项" in field_block(response.content.decode(), "id_reports_to")
    assert not Contact.objects.filter(name="李娜").exists()


def test_given_script_as_contact_name_then_escaped_on_the_customer_page(org, archive, login):
    client = login(org.rep_a)
    client.post(
        f"/customers/{org.cust_a.pk}/contacts/new/", contact_form(name="<img src=x onerror=alert(1)>")
    )

    html = client.get(f"/customers/{org.cust_a.pk}/").content.decode()

    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


def test_given_rep_when_reading_the_customer_page_then_phones_masked_and_family_notes_absent(
    org, archive, login
):
    html = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/").content.decode()

    assert "138****5678" in html
    assert FULL_MOBILE.search(html) is None
    assert "女儿今年高考" not in html


@pytest.mark.parametrize("role", ["mgr_1", "director", "archivist"])
def test_given_full_archive_role_when_reading_then_full_details(org, archive, login, role):
    html = login(org.user(role)).get(f"/customers/{org.cust_a.pk}/").content.decode()

    assert "13812345678" in html
    assert "女儿今年高考" in html


def test_given_rep_when_editing_contact_then_saved_personal_details_stay_hidden_and_kept(org, archive, login):
    client = login(org.rep_a)
    url = f"/contacts/{archive.contact.pk}/edit/"

    form_html = client.get(url).content.decode()
    response = client.post(url, contact_form(name="张伟", title="采购总监", version=1))

    assert FULL_MOBILE.search(form_html) is None
    assert "女儿今年高考" not in form_html
    assert 'placeholder="138****5678"' in form_html
    assert response.status_code == 302
    contact = Contact.objects.get(pk=archive.contact.pk)
    assert (contact.title, contact.mobile, contact.family_notes, contact.version) == (
        "采购总监",
        "13812345678",
        "女儿今年高考",
        2,
    )


def test_given_rep_when_typing_a_new_mobile_then_it_replaces_the_saved_one(org, archive, login):
    response = login(org.rep_a).post(
        f"/contacts/{archive.contact.pk}/edit/", contact_form(name="张伟", mobile="13700137000", version=1)
    )

    assert response.status_code == 302
    archive.contact.refresh_from_db()
    assert archive.contact.mobile == "13700137000"


def test_given_manager_when_editing_contact_then_form_holds_full_details(org, archive, login):
    html = login(org.mgr_1).get(f"/contacts/{archive.contact.pk}/edit/").content.decode()

    assert 'value="13812345678"' in html
    assert "女儿今年高考" in html
