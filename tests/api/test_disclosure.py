"""Field-level read control on contacts (SECURITY AZ-04, DP-01): the API discloses what the web does."""

import re

import pytest

from guanxi.customers.models import Contact

from ..factories import ContactFactory
from .support import API, if_match, token_client

PRIVATE = {"birthday_year", "birthday_month", "birthday_day", "birthday_leap_month", "family_notes"}
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def contact(org):
    return ContactFactory(
        customer=org.cust_a,
        mobile="13812345678",
        email="wang@example.com",
        wechat="wang_jianguo",
        birthday_month=5,
        birthday_day=4,
        family_notes="女儿今年高考",
    )


@pytest.mark.parametrize(
    ("path", "item"),
    [("/contacts/{id}", False), ("/contacts", True), ("/customers/{customer}/contacts", True)],
)
def test_given_rep_then_contact_is_masked_without_private_fields(org, contact, path, item):
    response = token_client(org.rep_a).get(API + path.format(id=contact.pk, customer=org.cust_a.pk))
    body = response.json()["items"][0] if item else response.json()
    assert PRIVATE.isdisjoint(body)
    assert (body["mobile"], body["email"], body["wechat"]) == (
        "138****5678",
        "w***@example.com",
        "wa********uo",
    )
    assert not FULL_MOBILE.search(response.content.decode())
    assert "高考" not in response.content.decode()


@pytest.mark.parametrize("role", ["mgr_1", "director", "archivist"])
def test_given_full_archive_role_then_contact_is_complete(org, contact, role):
    body = token_client(org.user(role)).get(f"{API}/contacts/{contact.pk}").json()
    assert (body["mobile"], body["family_notes"], body["birthday_month"]) == (
        "13812345678",
        "女儿今年高考",
        5,
    )


def test_given_rep_sends_back_what_they_read_with_put_then_hidden_values_are_kept(org, contact):
    client = token_client(org.rep_a)
    shown = client.get(f"{API}/contacts/{contact.pk}").json()
    writable = {k: v for k, v in shown.items() if k not in {"id", "version", "customer_id", "consent_note"}}
    writable = {k: v for k, v in writable.items() if k not in {"created_at", "updated_at"}}
    writable["title"] = "总经理"
    response = client.put(
        f"{API}/contacts/{contact.pk}", writable, content_type="application/json", headers=if_match(1)
    )
    assert response.status_code == 200
    saved = Contact.objects.get(pk=contact.pk)
    assert (saved.title, saved.mobile, saved.email, saved.wechat) == (
        "总经理",
        "13812345678",
        "wang@example.com",
        "wang_jianguo",
    )
    assert (saved.family_notes, saved.birthday_month, saved.birthday_day) == ("女儿今年高考", 5, 4)


def test_given_rep_types_a_new_number_then_it_replaces_the_saved_one_and_stays_masked(org, contact):
    response = token_client(org.rep_a).patch(
        f"{API}/contacts/{contact.pk}",
        {"mobile": "13900001111"},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.json()["mobile"] == "139****1111"
    assert Contact.objects.get(pk=contact.pk).mobile == "13900001111"


def test_given_rep_hits_a_stale_version_then_conflict_body_is_masked_too(org, contact):
    token_client(org.mgr_1).patch(
        f"{API}/contacts/{contact.pk}",
        {"title": "总监"},
        content_type="application/json",
        headers=if_match(1),
    )
    response = token_client(org.rep_a).patch(
        f"{API}/contacts/{contact.pk}",
        {"title": "经理"},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 412
    current = response.json()["details"]["current"]
    assert (current["title"], current["mobile"]) == ("总监", "138****5678")
    assert PRIVATE.isdisjoint(current)
