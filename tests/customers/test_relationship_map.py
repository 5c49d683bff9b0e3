import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.utils import translation
from django.utils.safestring import SafeString

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.customers.models import Contact, Counterpart, Customer
from guanxi.customers.relationship_map import (
    MapLabels,
    build_forest,
    counterpart_remove,
    counterpart_set,
    map_scene,
    map_svg_markup,
    relationship_graph,
    render_map_svg,
)
from guanxi.customers.relationship_map.graph import MapNode, RelationshipGraph, legend_entries
from guanxi.customers.relationship_map.scene import (
    CARD_HEIGHT,
    CARD_WIDTH,
    MARGIN,
    ROW_WIDTH,
    Group,
    Rect,
    Text,
)
from guanxi.customers.relationship_map.text import truncate
from guanxi.governance.models import AuditEvent, FieldChange

from ..conftest import SEES_CUST_A
from ..factories import ContactFactory

SVG = "{http://www.w3.org/2000/svg}"


def zh(call, *args, **kwargs):
    with translation.override("zh-hans"):
        return call(*args, **kwargs)


# --- the forest, without a database ---------------------------------------------------------------


def test_given_a_tree_when_building_then_parents_are_kept_and_nothing_ignored():
    parents, ignored = build_forest({1: None, 2: 1, 3: 1, 4: 2})
    assert parents == {1: None, 2: 1, 3: 1, 4: 2}
    assert ignored == []


def test_given_several_roots_when_building_then_each_stays_a_root():
    parents, ignored = build_forest({5: None, 6: None, 7: 5})
    assert [n for n, p in parents.items() if p is None] == [5, 6]
    assert ignored == []


def test_given_a_reporting_loop_when_building_then_the_smallest_member_becomes_the_root():
    parents, ignored = build_forest({3: 1, 1: 2, 2: 3, 4: 2})
    assert parents == {3: 1, 1: None, 2: 3, 4: 2}
    assert ignored == [1]


def test_given_a_self_report_and_a_missing_manager_when_building_then_both_become_roots():
    parents, ignored = build_forest({1: 1, 2: 99, 3: 2})
    assert parents == {1: None, 2: None, 3: 2}
    assert ignored == [1, 2]


# --- the selector ---------------------------------------------------------------------------------


def test_given_key_people_when_reading_the_graph_then_tree_roots_and_counterparts_are_exact(
    org, key_people, django_assert_num_queries
):
    k = key_people
    with django_assert_num_queries(3):
        graph = zh(relationship_graph, user=org.rep_a, customer_id=org.cust_a.pk)

    assert [n.name for n in graph.nodes] == ["王建国", "陈静", "刘洋", "赵磊", "孙丽", "林峰", "冯涛"]
    assert graph.roots == (k.wang.pk, k.feng.pk)
    assert {(e.source, e.target) for e in graph.edges} == {
        (k.wang.pk, k.chen.pk),
        (k.wang.pk, k.liu.pk),
        (k.chen.pk, k.zhao.pk),
        (k.chen.pk, k.sun.pk),
        (k.chen.pk, k.lin.pk),
    }
    assert graph.ignored_links == ()
    wang = graph.node(k.wang.pk)
    assert (wang.title, wang.department, wang.decision_role_label, wang.decision_weight) == (
        "总经理",
        "总经办",
        "决策者",
        5,
    )
    assert (wang.relationship_status, wang.relationship_status_label) == ("positive", "积极")
    assert [(c.user_id, c.closeness_label) for c in wang.counterparts] == [
        (org.rep_a.pk, "亲密"),  # closest first
        (org.mgr_1.pk, "熟悉"),
    ]
    assert wang.counterparts[0].position == "销售代表"
    assert len(graph.counterparts) == 4
    assert [e.status for e in graph.legend] == ["positive", "neutral", "negative", "not_established"]
    assert graph.as_dict()["nodes"][0]["name"] == "王建国"


def test_given_a_loop_in_stored_data_when_reading_the_graph_then_it_is_still_a_tree(org):
    first = ContactFactory(customer=org.cust_a)
    second = ContactFactory(customer=org.cust_a, reports_to=first)
    Contact.objects.filter(pk=first.pk).update(reports_to=second)  # as old or imported data might

    graph = relationship_graph(user=org.rep_a, customer_id=org.cust_a.pk)

    assert graph.roots == (first.pk,)
    assert [(e.source, e.target) for e in graph.edges] == [(first.pk, second.pk)]
    assert graph.ignored_links == (first.pk,)
    assert graph.node(first.pk).reports_to_id == second.pk


def test_given_a_deleted_manager_when_reading_the_graph_then_their_report_becomes_a_root(org, key_people):
    Contact.objects.filter(pk=key_people.chen.pk).update(deleted_at="2026-01-01T00:00:00Z")

    graph = relationship_graph(user=org.rep_a, customer_id=org.cust_a.pk)

    assert key_people.chen.pk not in {n.id for n in graph.nodes}
    assert graph.roots == (
        key_people.wang.pk,
        key_people.zhao.pk,
        key_people.sun.pk,
        key_people.lin.pk,
        key_people.feng.pk,
    )
    assert graph.ignored_links == (key_people.zhao.pk, key_people.sun.pk, key_people.lin.pk)


@pytest.mark.parametrize("role", sorted(SEES_CUST_A))
def test_given_a_role_when_reading_the_graph_then_only_the_scope_sees_it(org, key_people, role):
    user = org.user(role)
    if SEES_CUST_A[role]:
        assert len(relationship_graph(user=user, customer_id=org.cust_a.pk).nodes) == 7
    else:
        with pytest.raises(NotFound):
            relationship_graph(user=user, customer_id=org.cust_a.pk)


def test_given_an_unknown_or_malformed_id_when_reading_the_graph_then_not_found(org):
    for customer_id in (999999, "abc", None):
        with pytest.raises(NotFound):
            relationship_graph(user=org.director, customer_id=customer_id)


# --- the SVG --------------------------------------------------------------------------------------

HOSTILE_NAME = '<script>alert("x")</script> & 李"四'


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed


def test_given_hostile_text_when_rendering_then_svg_is_well_formed_escaped_and_has_no_style_or_script(
    org, key_people
):
    Contact.objects.filter(pk=key_people.liu.pk).update(
        name=HOSTILE_NAME, title="CTO & <b>架构</b>", concerns="<img src=x onerror=alert(1)>"
    )
    # PostgreSQL cannot store NUL at all (the services refuse it); SQLite can, so the renderer must cope.
    control = "\x00" if connection.vendor == "sqlite" else "\x08"
    Contact.objects.filter(pk=key_people.feng.pk).update(title=f"财务{control}总监\x1b")
    Customer.objects.filter(pk=org.cust_a.pk).update(name="华为</title><script>&")
    graph = zh(relationship_graph, user=org.rep_a, customer_id=org.cust_a.pk)

    svg = zh(map_svg_markup, graph)
    root = parsed(svg)

    assert "<script" not in svg and "<b>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "&amp;" in svg
    elements = list(root.iter())
    assert {e.tag.removeprefix(SVG) for e in elements} <= {
        "svg",
        "title",
        "desc",
        "g",
        "rect",
        "circle",
        "polyline",
        "text",
        "tspan",
    }
    for element in elements:
        assert "style" not in element.attrib
        assert not any(name.startswith("on") or "href" in name for name in element.attrib)
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.find(f"{SVG}title").text == "关键人物关系图 — 华为</title><script>&"
    card_titles = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]
    assert len(card_titles) == 7
    assert any(t.startswith(HOSTILE_NAME) for t in card_titles)  # the full text survives, as text
    assert "财务 总监" in svg  # control characters XML cannot carry are dropped


def test_given_key_people_when_rendering_then_each_card_says_its_status_in_words(org, key_people):
    graph = zh(relationship_graph, user=org.rep_a, customer_id=org.cust_a.pk)

    root = parsed(zh(map_svg_markup, graph))

    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for status in ("关系：积极", "关系：中立", "关系：消极", "关系：尚未建立"):
        assert status in texts
    assert texts.count("关系：积极") == 2  # 王建国, 赵磊
    wang_card = next(g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title").text.startswith("王建国"))
    wang_lines = ["".join(t.itertext()) for t in wang_card.iter(f"{SVG}text")]
    ours = "".join(wang_lines[wang_lines.index("关系：积极") + 1 :])
    # closest first, on one line or two (a line break swallows the separator)
    assert ours.replace("、", "") == f"我方：{org.rep_a}（亲密）{org.mgr_1}（熟悉）"
    assert texts.count("我方尚无人维系") == 4
    assert "未设汇报关系" in texts  # 冯涛 sits outside the chart
    for legend_label in ("积极", "中立", "消极", "尚未建立", "决策权重（1–5）", "汇报关系"):
        assert legend_label in texts


def test_given_an_english_reader_when_rendering_then_the_labels_are_english(org, key_people):
    with translation.override("en"):
        graph = relationship_graph(user=org.rep_a, customer_id=org.cust_a.pk)
        svg = map_svg_markup(graph)
    assert isinstance(svg, SafeString)
    assert "Relationship: Positive" in svg
    assert "Key-person relationship map" in svg


def node(node_id, parent=None, name="某人", **extra):
    values = {
        "id": node_id,
        "name": name,
        "title": "",
        "department": "",
        "decision_role": "",
        "decision_role_label": "",
        "decision_weight": None,
        "relationship_status": "neutral",
        "relationship_status_label": "Neutral",
        "concerns": "",
        "reports_to_id": parent,
        "parent_id": parent,
        "counterparts": (),
    }
    values.update(extra)
    return MapNode(**values)


def graph_of(nodes):
    from guanxi.customers.relationship_map.graph import MapEdge

    return RelationshipGraph(
        customer_id=1,
        customer_name="甲公司",
        nodes=tuple(nodes),
        edges=tuple(MapEdge(n.parent_id, n.id) for n in nodes if n.parent_id),
        counterparts=(),
        roots=tuple(n.id for n in nodes if n.parent_id is None),
        ignored_links=(),
        legend=legend_entries(),
    )


def card_boxes(scene) -> dict[str, tuple[float, float]]:
    boxes = {}
    for item in scene.items:
        if isinstance(item, Group):
            frame = next(i for i in item.items if isinstance(i, Rect))
            boxes[item.description] = (frame.x, frame.y)
    return boxes


def overlaps(a, b) -> bool:
    return abs(a[0] - b[0]) < CARD_WIDTH and abs(a[1] - b[1]) < CARD_HEIGHT


def test_given_a_deep_and_wide_chart_when_laid_out_then_cards_never_overlap_and_managers_sit_above():
    nodes = [node(1, name="n1"), node(2, 1, name="n2"), node(3, 1, name="n3"), node(4, 1, name="n4")]
    nodes += [node(i, 2, name=f"n{i}") for i in range(5, 9)]
    nodes += [node(9, 3, name="n9"), node(10, 9, name="n10"), node(11, None, name="n11")]

    boxes = card_boxes(map_scene(graph_of(nodes), MapLabels()))

    assert len(boxes) == 11
    positions = list(boxes.values())
    assert not any(overlaps(a, b) for i, a in enumerate(positions) for b in positions[i + 1 :])
    for n in nodes:
        if n.parent_id:
            assert (
                boxes[f"n{n.parent_id} · Relationship: Neutral"][1]
                < boxes[f"n{n.id} · Relationship: Neutral"][1]
            )


@pytest.mark.parametrize("shape", ["twenty reports", "twenty loners", "eight managers"])
def test_given_many_people_when_laid_out_then_the_width_stays_bounded(shape):
    if shape == "twenty reports":
        nodes = [node(1, name="n1")] + [node(i, 1, name=f"n{i}") for i in range(2, 22)]
    elif shape == "twenty loners":
        nodes = [node(i, name=f"n{i}") for i in range(1, 21)]
    else:
        nodes = [node(i, name=f"n{i}") for i in range(1, 9)]
        nodes += [node(100 + i, i, name=f"n{100 + i}") for i in range(1, 9)]

    scene = map_scene(graph_of(nodes), MapLabels())

    assert scene.width <= ROW_WIDTH + 2 * MARGIN
    assert len(card_boxes(scene)) == len(nodes)


def test_given_long_names_when_laid_out_then_they_are_cut_with_an_ellipsis_and_kept_whole_in_the_title():
    long_name = "欧阳" + "长" * 40
    scene = map_scene(
        graph_of([node(1, name=long_name, title="Vice President of Global Strategic Procurement")])
    )

    card = next(i for i in scene.items if isinstance(i, Group))
    shown = [i.text for i in card.items if isinstance(i, Text)]
    assert any(t.startswith("欧阳长") and t.endswith("…") and len(t) < 20 for t in shown)
    assert any(t.startswith("Vice President") and t.endswith("…") for t in shown)
    assert card.description.startswith(long_name)
    assert truncate("短名", 15, 200) == "短名"


def test_given_no_key_people_when_rendering_then_the_map_says_so(org):
    graph = zh(relationship_graph, user=org.rep_a, customer_id=org.cust_a.pk)

    svg = render_map_svg(graph, labels=MapLabels(empty="尚未登记关键人物。"))

    assert "尚未登记关键人物。" in svg
    parsed(svg)


# --- editing our counterparts ---------------------------------------------------------------------


def test_given_a_rep_on_their_customer_when_setting_a_counterpart_then_it_is_saved_and_audited(
    org, key_people
):
    counterpart = counterpart_set(
        actor=org.rep_a, contact=key_people.liu, user=org.rep_b, closeness="acquainted"
    )

    assert (counterpart.contact, counterpart.user, counterpart.closeness) == (
        key_people.liu,
        org.rep_b,
        "acquainted",
    )
    event = AuditEvent.objects.get(object_type="counterpart", object_id=str(counterpart.pk))
    assert (event.actor, event.action) == (org.rep_a, "create")
    assert FieldChange.objects.get(event=event, field="closeness").new_value == "acquainted"


def test_given_an_existing_counterpart_when_setting_again_then_closeness_changes_and_no_duplicate(
    org, key_people
):
    counterpart_set(actor=org.rep_a, contact=key_people.chen, user=org.rep_a, closeness="close")

    row = Counterpart.objects.get(contact=key_people.chen, user=org.rep_a)
    assert row.closeness == "close"
    assert Counterpart.objects.filter(contact=key_people.chen).count() == 1
    change = FieldChange.objects.get(
        event__object_type="counterpart", event__action="update", field="closeness"
    )
    assert (change.old_value, change.new_value) == ("familiar", "close")


def test_given_the_same_closeness_when_setting_then_nothing_is_written(org, key_people):
    counterpart_set(actor=org.rep_a, contact=key_people.chen, user=org.rep_a, closeness="familiar")
    assert not AuditEvent.objects.filter(object_type="counterpart").exists()


def test_given_a_counterpart_when_removing_then_it_is_gone_and_audited(org, key_people):
    assert counterpart_remove(actor=org.mgr_1, contact=key_people.wang, user=org.rep_a) is True

    assert not Counterpart.objects.filter(contact=key_people.wang, user=org.rep_a).exists()
    assert AuditEvent.objects.filter(object_type="counterpart", action="delete", actor=org.mgr_1).count() == 1
    assert counterpart_remove(actor=org.mgr_1, contact=key_people.wang, user=org.rep_a) is False


@pytest.mark.parametrize("role", sorted(r for r in SEES_CUST_A if r != "anon"))
def test_given_a_role_when_editing_counterparts_then_only_the_scope_may(org, key_people, role):
    actor = org.user(role)
    before = sorted(Counterpart.objects.values_list("contact_id", "user_id", "closeness"))
    if SEES_CUST_A[role]:
        counterpart_set(actor=actor, contact=key_people.sun, user=org.rep_a, closeness="familiar")
        assert Counterpart.objects.filter(contact=key_people.sun, user=org.rep_a).exists()
    else:
        with pytest.raises(NotFound):
            counterpart_set(actor=actor, contact=key_people.sun, user=org.rep_a, closeness="familiar")
        with pytest.raises(NotFound):
            counterpart_remove(actor=actor, contact=key_people.wang, user=org.rep_a)
        assert sorted(Counterpart.objects.values_list("contact_id", "user_id", "closeness")) == before
        assert not AuditEvent.objects.filter(object_type="counterpart").exists()


@pytest.mark.parametrize(
    ("who", "closeness"), [("sysadmin", "close"), ("inactive", "close"), ("rep_b", "best friends")]
)
def test_given_a_bad_colleague_or_closeness_when_setting_then_refused_and_nothing_saved(
    org, key_people, who, closeness
):
    user = org.rep_b if who == "inactive" else org.user(who)
    if who == "inactive":
        user.is_active = False
        user.save()
    with pytest.raises(ValidationFailed):
        counterpart_set(actor=org.rep_a, contact=key_people.sun, user=user, closeness=closeness)
    assert not Counterpart.objects.filter(contact=key_people.sun).exists()
