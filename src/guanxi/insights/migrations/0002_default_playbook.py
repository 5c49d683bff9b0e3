"""The default next-best-action playbook: editable data, in the product's own Chinese words."""

from django.db import migrations

RULES = [
    {
        "priority": 5,
        "name": "先处理未结投诉",
        "has_open_complaints": True,
        "action": "先解决客户的投诉：当天联系客户表示重视，三个工作日内给出处理方案；投诉结案前暂停推销。",
        "channel": "phone",
        "cadence": "投诉处理期间每两天同步一次进展",
    },
    {
        "priority": 10,
        "name": "高价值客户出现下滑",
        "value_groups": ["high_value"],
        "lifecycle_stages": ["decline", "exit"],
        "action": "客户经理约上主管一同拜访，弄清采购减少的原因（预算、竞争对手还是服务问题），一周内拿出挽回方案。",
        "channel": "face_to_face",
        "cadence": "一周内拜访；之后每两周跟进，直到采购恢复",
    },
    {
        "priority": 20,
        "name": "不能失去的客户",
        "segments": ["cant_lose"],
        "action": "指派资深客户经理专人负责，尽快安排高层拜访，逐项排查合作中的问题并给出改进承诺。",
        "channel": "face_to_face",
        "cadence": "两周内高层拜访，之后每月复盘一次",
    },
    {
        "priority": 30,
        "name": "战略伙伴的高层沟通",
        "value_groups": ["high_value"],
        "relationship_levels": ["partner", "strategic"],
        "action": "安排双方高层会面，回顾合作成果，共同商定下一年度的合作计划和专属权益。",
        "channel": "face_to_face",
        "cadence": "每季度一次高层会面",
    },
    {
        "priority": 40,
        "name": "高价值客户久未联系",
        "value_groups": ["high_value"],
        "min_days_since_contact": 30,
        "action": "专属客户经理主动联系，了解近期需求和使用情况，预约本季度的高层见面。",
        "channel": "phone",
        "cadence": "本周内联系；此后每月至少一次",
    },
    {
        "priority": 50,
        "name": "高价值客户日常维护",
        "value_groups": ["high_value"],
        "action": "保持专属客户经理服务：需求快速响应，提供定制化的权益方案，邀请参加行业交流活动。",
        "channel": "wechat",
        "cadence": "每月一次回访，每季度一次高层会面",
    },
    {
        "priority": 60,
        "name": "潜力客户培育",
        "value_groups": ["potential"],
        "lifecycle_stages": ["acquisition", "growth"],
        "action": "深入了解客户业务上的痛点，分享同行业的成功案例，安排一次解决方案演示，推动更大的采购。",
        "channel": "video",
        "cadence": "每两周一次轻量触达，避免频繁打扰",
    },
    {
        "priority": 70,
        "name": "潜力客户日常跟进",
        "value_groups": ["potential"],
        "action": "定期分享与客户行业相关的案例和资料，留意新的需求信号，适时提出方案。",
        "channel": "wechat",
        "cadence": "每月一次",
    },
    {
        "priority": 80,
        "name": "流失客户：了解原因",
        "value_groups": ["sleeping"],
        "lifecycle_stages": ["exit"],
        "action": "电话回访，真诚询问停止合作的原因（转向竞争对手、需求变化还是对服务不满），据此制定召回方案。",
        "channel": "phone",
        "cadence": "一次回访；客户有回应再安排后续",
    },
    {
        "priority": 90,
        "name": "沉睡客户低打扰唤醒",
        "value_groups": ["sleeping"],
        "action": "用不打扰的方式唤起客户的记忆：推送一份行业报告，或在节日发送问候，留意客户的回应。",
        "channel": "wechat",
        "cadence": "每月一次；连续三个月没有回应则改为每季度一次",
    },
    {
        "priority": 100,
        "name": "尚未成交的客户",
        "value_groups": ["no_orders"],
        "action": "弄清客户的需求、预算和决策链，邀请参加产品演示或行业活动，争取首次合作。",
        "channel": "face_to_face",
        "cadence": "每两周跟进一次",
    },
]


def create_default_playbook(apps, schema_editor):
    PlaybookRule = apps.get_model("insights", "PlaybookRule")
    if PlaybookRule.objects.exists():
        return
    PlaybookRule.objects.bulk_create(PlaybookRule(**rule) for rule in RULES)


def remove_default_playbook(apps, schema_editor):
    PlaybookRule = apps.get_model("insights", "PlaybookRule")
    PlaybookRule.objects.filter(name__in=[rule["name"] for rule in RULES], created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_snapshots_alerts_playbook")]

    operations = [migrations.RunPython(create_default_playbook, remove_default_playbook)]
