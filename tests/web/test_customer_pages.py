"""Creating and editing a customer through the web forms: validation in the user's language, nothing saved
on bad input, user text always escaped."""

import pytest

from guanxi.customers.models import Customer
from guanxi.governance.models import AuditEvent
from guanxi.people.services import user_set_language

from .conftest import field_block

VALID_CODE = "91350100M000100Y43"
BAD_CHECK_CHARACTER = "91350100M000100Y4A"


def customer_form(owner, **overrides):
    data = {
        "kind": "company",
        "name": "华威精密机械有限公司",
        "credit_code": "",
        "status": "potential",
        "owner": owner.pk,
        "tags": "",
    }
    data.update(overrides)
    return data


def test_given_valid_form_when_creating_then_saved_normalised_and_shown(org, login):
    client = login(org.rep_a)

    response = client.post(
        "/customers/new/",
        customer_form(
            org.rep_a,
            credit_code="91350100m000100y43",
            province="福建",
            tags="重点客户，制造, 重点客户",
            score_loyalty="4",
            grade="A",
        ),
    )

    customer = Customer.objects.get(name="华威精密机械有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert (customer.owner, customer.credit_code, customer.region) == (org.rep_a, VALID_CODE, "east")
    assert (customer.grade, customer.score_loyalty, customer.version) == ("A", 4, 1)
    assert sorted(customer.tags.values_list("name", flat=True)) == ["制造", "重点客户"]
    page = client.get(response["Location"]).content.decode()
    assert "华威精密机械有限公司" in page
    assert '<a class="chip" href="/customers/?tag=%E9%87%8D%E7%82%B9%E5%AE%A2%E6%88%B7">重点客户</a>' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"credit_code": BAD_CHECK_CHARACTER},
            "credit_code",
            "该统一社会信用代码的校验位不正确，请核对后重新输入。",
        ),
        ({"name": ""}, "name", "这个字段是必填项。"),
        ({"name": "长" * 121}, "name", "确保该变量包含不超过 120 字符 (目前字符数 121)。"),
        ({"website": "not a website"}, "website", "输入一个有效的 URL。"),
        ({"score_loyalty": "6"}, "score_loyalty", "选择一个有效的选项"),
    ],
)
def test_given_bad_input_when_creating_then_chinese_message_next_to_field_and_nothing_saved(
    org, login, overrides, field, message
):
    customers_before = Customer.all_objects.count()

    response = login(org.rep_a).post("/customers/new/", customer_form(org.rep_a, **overrides))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert message in field_block(html, f"id_{field}")
    assert Customer.all_objects.count() == customers_before
    assert not AuditEvent.objects.filter(object_type="customer", action="create").exists()


def test_given_english_user_when_credit_code_is_wrong_then_english_message(org, login):
    user_set_language(user=org.rep_a, language="en")

    response = login(org.rep_a).post(
        "/customers/new/", customer_form(org.rep_a, credit_code=BAD_CHECK_CHARACTER)
    )

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "This unified social credit code has a wrong check character" in field_block(
        html, "id_credit_code"
    )
    assert Customer.all_objects.count() == 2


def test_given_duplicate_credit_code_when_creating_then_refused_by_the_service_and_shown(org, login):
    login(org.rep_c).post("/customers/new/", customer_form(org.rep_c, name="甲公司", credit_code=VALID_CODE))

    response = login(org.rep_a).post("/customers/new/", customer_form(org.rep_a, credit_code=VALID_CODE))

    assert response.status_code == 200
    assert 'class="alert alert-error"' in response.content.decode()
    assert Customer.objects.filter(credit_code=VALID_CODE).count() == 1


def test_given_rep_when_choosing_another_teams_owner_then_refused_and_nothing_saved(org, login):
    response = login(org.rep_a).post("/customers/new/", customer_form(org.rep_c))

    assert response.status_code == 200
    assert "选择一个有效的选项" in field_block(response.content.decode(), "id_owner")
    assert not Customer.objects.filter(name="华威精密机械有限公司").exists()


def test_given_manager_when_creating_then_owner_choices_are_their_team(org, login):
    html = login(org.mgr_1).get("/customers/new/").content.decode()
    owner_block = field_block(html, "id_owner")

    assert f'value="{org.rep_a.pk}"' in owner_block
    assert f'value="{org.rep_b.pk}"' in owner_block
    assert f'value="{org.mgr_1.pk}" selected' in owner_block
    assert f'value="{org.rep_c.pk}"' not in owner_block
    assert f'value="{org.sysadmin.pk}"' not in owner_block


def test_given_script_as_name_when_creating_then_saved_and_always_rendered_escaped(org, login):
    client = login(org.rep_a)
    name = "<script>alert(1)</script>"

    response = client.post("/customers/new/", customer_form(org.rep_a, name=name, tags="<b>x</b>"))

    customer = Customer.objects.get(name=name)
    for url in (response["Location"], "/customers/", f"/customers/{customer.pk}/edit/", "/search/?q=script"):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "<script>alert(1)" not in html, url
        assert "<b>x</b>" not in html, url


def test_given_edit_when_saved_then_changed_fields_version_and_tags_updated(org, login):
    client = login(org.rep_a)
    customer = org.cust_a
    form = customer_form(
        org.rep_a, name=customer.name, status="target", short_name="华为", tags="战略", version=1
    )

    response = client.post(f"/customers/{customer.pk}/edit/", form)

    customer.refresh_from_db()
    assert response.status_code == 302
    assert (customer.short_name, customer.status, customer.version) == ("华为", "target", 2)
    assert list(customer.tags.values_list("name", flat=True)) == ["战略"]


def test_given_edit_without_version_when_posting_then_refused(org, login):
    form = customer_form(org.rep_a, name=org.cust_a.name, short_name="华为")

    response = login(org.rep_a).post(f"/customers/{org.cust_a.pk}/edit/", form)

    org.cust_a.refresh_from_db()
    assert response.status_code == 200
    assert (org.cust_a.short_name, org.cust_a.version) == ("", 1)


def test_given_edit_form_then_it_carries_the_record_version(org, login):
    html = login(org.rep_a).get(f"/customers/{org.cust_a.pk}/edit/").content.decode()

    assert '<input type="hidden" name="version" value="1" id="id_version">' in html


def test_given_sysadmin_when_opening_create_page_then_forbidden(org, login):
    assert login(org.sysadmin).get("/customers/new/").status_code == 403
