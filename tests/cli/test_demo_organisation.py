"""The demo organisation loaded in process on the suite's database (SQLite or PostgreSQL).

test_cli.py runs the real command against a fresh SQLite file; these tests check that the same loader
works on whichever database the suite runs on, and that the product's own reads find what it wrote.
"""

import pytest

from guanxi.customers.models import Customer
from guanxi.customers.selectors import CustomerFilters, customer_360, customer_list
from guanxi.demo import DemoRefused, demo_load
from guanxi.engagement.models import Interaction
from guanxi.engagement.selectors import interaction_list, task_list
from guanxi.people.models import User
from tests.factories import UserFactory

PASSWORD = "plum blossom in the snow 2026"


def test_given_an_empty_database_when_the_demo_loads_then_the_products_reads_find_it_all(db):
    """One load serves every check (it takes seconds): size, logins, search, visibility, the 360 page."""
    demo = demo_load(password=PASSWORD)

    assert demo.created
    assert demo.counts["users"] == 18
    assert demo.counts["customers"] == 300
    assert 850 <= demo.counts["contacts"] <= 950
    # The two-year history holds exactly 3 000; event attendance and visit reports add their own.
    history = Interaction.objects.filter(event__isnull=True, visit_reports__isnull=True)
    assert history.count() == 3000
    assert demo.counts["interactions"] > 3000
    assert demo.counts["open_tasks"] > 12
    assert [u.username for u in demo.users][:3] == ["admin", "director", "archivist"]
    assert User.objects.get(username="rep1").check_password(PASSWORD)

    rep1, manager1, director = (User.objects.get(username=n) for n in ("rep1", "manager1", "director"))
    found = customer_list(user=rep1, filters=CustomerFilters(q="hwjm")).values_list("name", flat=True)
    assert list(found) == ["华威精密机械有限公司"]

    assert customer_list(user=director).count() == 300
    team_owned = set(Customer.objects.filter(owner__team=manager1.team).values_list("pk", flat=True))
    assert set(customer_list(user=manager1).values_list("pk", flat=True)) == team_owned
    own = set(Customer.objects.filter(owner=rep1).values_list("pk", flat=True))
    shared = set(rep1.collaborating_customers.values_list("pk", flat=True))
    assert set(customer_list(user=rep1).values_list("pk", flat=True)) == own | shared

    showcase = Customer.objects.get(name="华威精密机械有限公司")
    page = customer_360(user=rep1, pk=showcase.pk)
    assert len(page["contacts"]) >= 2
    assert len(page["org_chart"]) == 1  # one boss; everybody else reports up to them
    assert interaction_list(user=rep1, customer_id=showcase.pk).count() >= 10
    assert task_list(user=rep1, mine=False, status="", customer_id=showcase.pk).exists()


def test_given_a_loaded_demo_when_it_loads_again_then_only_a_given_password_changes(db):
    first = demo_load(password=PASSWORD)

    again = demo_load(password=None)
    assert (again.created, again.password_changed, again.counts) == (False, False, first.counts)
    assert User.objects.get(username="manager2").check_password(PASSWORD)

    changed = demo_load(password="a different long password")
    assert (changed.created, changed.password_changed, changed.counts) == (False, True, first.counts)
    assert User.objects.get(username="director").check_password("a different long password")


def test_given_other_users_when_the_demo_loads_then_it_refuses_and_writes_nothing(db):
    UserFactory(username="boss")
    with pytest.raises(DemoRefused):
        demo_load(password=PASSWORD)
    assert list(User.objects.values_list("username", flat=True)) == ["boss"]
    assert not Customer.all_objects.exists()
