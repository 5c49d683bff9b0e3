import pytest

from guanxi.customers.selectors import contacts_visible, customer_list, customers_visible
from guanxi.engagement.selectors import interactions_visible
from guanxi.governance.scope import can_own_customers

from ..conftest import SEES_CUST_A
from ..factories import ContactFactory, CustomerFactory, InteractionFactory


@pytest.mark.parametrize(("role", "sees"), [(r, s) for r, s in SEES_CUST_A.items() if r != "anon"])
def test_given_roles_when_listing_customers_then_only_scoped_rows(org, role, sees):
    user = org.user(role)
    ids = set(customers_visible(user).values_list("pk", flat=True))
    assert (org.cust_a.pk in ids) is sees
    expected_c = role in {"rep_c", "mgr_2", "director", "archivist"}
    assert (org.cust_c.pk in ids) is expected_c


def test_given_collaborator_when_listing_then_sees_shared_customer_once(org):
    org.cust_a.collaborators.add(org.rep_b, org.rep_c)
    ids = list(customers_visible(org.rep_b).values_list("pk", flat=True))
    assert ids == [org.cust_a.pk]
    assert customer_list(user=org.rep_b).count() == 1


def test_given_contacts_and_interactions_when_scoped_then_follow_their_customer(org):
    mine = ContactFactory(customer=org.cust_a)
    ContactFactory(customer=org.cust_c)
    InteractionFactory(customer=org.cust_a)
    InteractionFactory(customer=org.cust_c)
    assert list(contacts_visible(org.rep_a).values_list("pk", flat=True)) == [mine.pk]
    assert interactions_visible(org.rep_a).count() == 1
    assert interactions_visible(org.director).count() == 2
    assert interactions_visible(org.sysadmin).count() == 0


def test_given_nested_team_when_manager_lists_then_sees_subtree(org):
    from ..factories import TeamFactory, UserFactory

    sub = TeamFactory(name="华东一组", parent=org.team_1)
    deep_rep = UserFactory(username="deep", team=sub)
    deep_customer = CustomerFactory(owner=deep_rep)
    assert customers_visible(org.mgr_1).filter(pk=deep_customer.pk).exists()
    assert not customers_visible(org.mgr_2).filter(pk=deep_customer.pk).exists()


def test_given_inactive_user_when_listing_then_sees_nothing(org):
    org.rep_a.is_active = False
    org.rep_a.save()
    assert customers_visible(org.rep_a).count() == 0


@pytest.mark.parametrize(
    ("actor", "new_owner", "allowed"),
    [
        ("rep_a", "rep_a", True),
        ("rep_a", "rep_b", False),
        ("mgr_1", "rep_b", True),
        ("mgr_1", "rep_c", False),
        ("director", "rep_c", True),
        ("director", "sysadmin", False),
    ],
)
def test_who_may_own_whose_customers(org, actor, new_owner, allowed):
    assert can_own_customers(org.user(actor), org.user(new_owner)) is allowed
