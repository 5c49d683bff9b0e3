import pytest
from django.utils import translation

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import (
    contact_create,
    contact_update,
    customer_create,
    customer_delete,
    customer_part_create,
    customer_update,
)
from guanxi.governance.models import AuditEvent, FieldChange

from ..factories import ContactFactory, CustomerFactory


def test_given_valid_data_when_creating_then_owner_is_actor_search_key_and_region_are_set(org):
    customer = customer_create(
        actor=org.rep_a,
        data={"name": "华威精密机械有限公司", "credit_code": "91350100m000100y43", "province": "福建"},
        tags=["重点", "制造"],
    )
    assert customer.owner == org.rep_a
    assert customer.credit_code == "91350100M000100Y43"
    assert customer.region == "east"
    assert "hwjmjxyxgs" in customer.search_pinyin
    assert sorted(customer.tags.values_list("name", flat=True)) == ["制造", "重点"]
    event = AuditEvent.objects.get(action="create", object_type="customer", object_id=str(customer.pk))
    assert event.actor == org.rep_a
    assert FieldChange.objects.get(event=event, field="name").new_value == "华威精密机械有限公司"


@pytest.mark.parametrize(
    ("data", "field", "message_zh"),
    [
        ({"name": "甲公司", "credit_code": "91350100M000100Y4A"}, "credit_code", "校验位"),
        ({"name": ""}, "name", "不能为空"),
        ({"name": "长" * 121}, "name", "120"),
    ],
)
def test_given_bad_input_when_creating_then_chinese_message_and_nothing_saved(org, data, field, message_zh):
    before = Customer.all_objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        customer_create(actor=org.rep_a, data=data)
    assert field in caught.value.details
    assert message_zh in " ".join(caught.value.details[field])
    assert Customer.all_objects.count() == before
    assert not AuditEvent.objects.filter(action="create", object_type="customer").exists()


def test_given_english_user_when_credit_code_is_wrong_then_english_message(org):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        customer_create(actor=org.rep_a, data={"name": "X Ltd", "credit_code": "91350100M000100Y4A"})
    assert "check character" in caught.value.details["credit_code"][0]


def test_given_duplicate_credit_code_when_creating_then_refused(org):
    customer_create(actor=org.rep_a, data={"name": "甲公司", "credit_code": "91350100M000100Y43"})
    with pytest.raises(ValidationFailed) as caught:
        customer_create(actor=org.rep_c, data={"name": "乙公司", "credit_code": "91350100M000100Y43"})
    assert "credit_code" in caught.value.details or "__all__" in caught.value.details


def test_given_rep_when_handing_customer_to_other_team_then_refused_and_unchanged(org):
    with pytest.raises(ValidationFailed) as caught:
        customer_update(actor=org.rep_a, customer=org.cust_a, data={"owner": org.rep_c}, expected_version=1)
    assert caught.value.code == "owner_not_allowed"
    org.cust_a.refresh_from_db()
    assert org.cust_a.owner == org.rep_a
    assert org.cust_a.version == 1


def test_given_two_editors_when_second_saves_stale_version_then_conflict_and_first_change_kept(org):
    first = Customer.objects.get(pk=org.cust_a.pk)
    second = Customer.objects.get(pk=org.cust_a.pk)
    customer_update(actor=org.rep_a, customer=first, data={"short_name": "华为"}, expected_version=1)
    with pytest.raises(VersionConflict) as caught:
        customer_update(actor=org.mgr_1, customer=second, data={"short_name": "HW"}, expected_version=1)
    assert caught.value.current.short_name == "华为"
    assert caught.value.current_version == 2
    saved = Customer.objects.get(pk=org.cust_a.pk)
    assert (saved.short_name, saved.version) == ("华为", 2)


def test_given_a_change_when_updating_then_one_field_change_row_per_changed_field(org):
    customer_update(
        actor=org.rep_a,
        customer=org.cust_a,
        data={"status": "dormant", "grade": "B", "industry": "金融"},
        expected_version=1,
    )
    event = AuditEvent.objects.get(action="update", object_id=str(org.cust_a.pk))
    changes = {c.field: (c.old_value, c.new_value) for c in event.changes.all()}
    assert changes == {"status": ("current", "dormant"), "industry": ("制造业", "金融")}
    assert event.object_version == 2


def test_given_no_change_when_updating_then_version_and_audit_untouched(org):
    customer_update(actor=org.rep_a, customer=org.cust_a, data={"grade": "B"}, expected_version=1)
    org.cust_a.refresh_from_db()
    assert org.cust_a.version == 1
    assert not AuditEvent.objects.filter(action="update").exists()


def test_given_delete_when_listing_then_hidden_but_kept_in_recycle_bin(org):
    customer_delete(actor=org.rep_a, customer=org.cust_a, expected_version=1)
    assert not Customer.objects.filter(pk=org.cust_a.pk).exists()
    assert Customer.all_objects.get(pk=org.cust_a.pk).deleted_at is not None
    assert AuditEvent.objects.filter(action="delete", object_id=str(org.cust_a.pk)).count() == 1


def test_given_contacts_when_reporting_line_loops_then_refused(org):
    boss = ContactFactory(customer=org.cust_a)
    worker = contact_create(actor=org.rep_a, customer=org.cust_a, data={"name": "王芳", "reports_to": boss})
    with pytest.raises(ValidationFailed) as caught:
        contact_update(actor=org.rep_a, contact=boss, data={"reports_to": worker}, expected_version=1)
    assert "reports_to" in caught.value.details


def test_given_boss_at_another_customer_when_creating_contact_then_refused(org):
    stranger = ContactFactory(customer=CustomerFactory(owner=org.rep_c))
    with pytest.raises(ValidationFailed):
        contact_create(actor=org.rep_a, customer=org.cust_a, data={"name": "李雷", "reports_to": stranger})
    assert not Contact.objects.filter(name="李雷").exists()


@pytest.mark.parametrize("phone", ["12345", "138-0000"])
def test_given_malformed_phone_when_creating_contact_then_refused(org, phone):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        contact_create(actor=org.rep_a, customer=org.cust_a, data={"name": "韩梅梅", "mobile": phone})
    assert "电话" in caught.value.details["mobile"][0]
    assert not Contact.objects.filter(name="韩梅梅").exists()


def test_given_lunar_birthday_when_creating_contact_then_kept_with_leap_flag(org):
    contact = contact_create(
        actor=org.rep_a,
        customer=org.cust_a,
        data={
            "name": "赵总",
            "birthday_calendar": "lunar",
            "birthday_month": 8,
            "birthday_day": 15,
            "birthday_leap_month": False,
            "mobile": "+86 139 1234 5678",
        },
    )
    contact.refresh_from_db()
    assert (contact.birthday_calendar, contact.birthday_month, contact.birthday_day) == ("lunar", 8, 15)
    assert contact.mobile == "13912345678"


def test_given_solar_birthday_in_leap_month_when_creating_then_refused(org):
    with pytest.raises(ValidationFailed):
        contact_create(
            actor=org.rep_a,
            customer=org.cust_a,
            data={
                "name": "钱总",
                "birthday_calendar": "solar",
                "birthday_month": 4,
                "birthday_day": 1,
                "birthday_leap_month": True,
            },
        )


def test_given_department_of_another_customer_when_adding_then_refused(org):
    foreign = customer_part_create(
        actor=org.rep_c, customer=org.cust_c, kind="department", data={"name": "采购部"}
    )
    with pytest.raises(ValidationFailed):
        customer_part_create(
            actor=org.rep_a,
            customer=org.cust_a,
            kind="department",
            data={"name": "采购一科", "parent": foreign},
        )


def test_given_nul_in_a_name_when_creating_then_refused_on_every_database(org):
    with pytest.raises(ValidationFailed) as caught:
        contact_create(actor=org.rep_a, customer=org.cust_a, data={"name": "王\x00芳"})
    assert "name" in caught.value.details
    assert not Contact.objects.filter(customer=org.cust_a).exists()
