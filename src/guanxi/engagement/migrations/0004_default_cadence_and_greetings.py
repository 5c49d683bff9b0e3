"""The product's default cadence (the three-touch rule) and greeting templates, in Chinese and English.

Both are ordinary data: managers edit or replace them. Reversing removes only the rows this migration
created (by name and occasion), untouched or not.
"""

from django.db import migrations

CADENCE_NAME = "三次触达"
CADENCE_DESCRIPTION = (
    "三次触达法则：先让客户认识我们，再讲清能带来的价值，最后邀请客户迈出下一步。"
    "高意向客户每次间隔2～3天，观望中的客户间隔约一周；客户一旦回复即自动停止。"
)
STEPS = [
    {
        "position": 1,
        "purpose": "awareness",
        "channel": "wechat",
        "title": "第一次：让客户认识我们",
        "template": (
            "{name}您好，我是{sender}。我们一直在帮同行业的企业解决类似的问题，"
            "先发您一份简短的介绍，方便时看看，有想法随时交流。"
        ),
        "wait_days_high_intent": 0,
        "wait_days_observing": 0,
    },
    {
        "position": 2,
        "purpose": "value",
        "channel": "email",
        "title": "第二次：讲清能带来的价值",
        "template": (
            "{name}您好，这次为您整理了一个和{customer}情况相近的客户案例，"
            "包括他们当时的难点、我们的做法和最终效果，希望对您有参考价值。"
        ),
        "wait_days_high_intent": 2,
        "wait_days_observing": 7,
    },
    {
        "position": 3,
        "purpose": "call_to_action",
        "channel": "phone",
        "title": "第三次：邀请下一步行动",
        "template": (
            "{name}您好，结合前面分享的内容，想约您二十分钟，"
            "针对{customer}的实际情况做一次演示，您看这周哪天方便？"
        ),
        "wait_days_high_intent": 3,
        "wait_days_observing": 7,
    },
]
GREETINGS = {
    "birthday": (
        "{name}，生日快乐！愿新的一岁身体健康、万事顺意。——{sender}",
        "Happy birthday, {name}! Wishing you good health and a wonderful year ahead. — {sender}",
    ),
    "important_date": (
        "{name}，今天是个值得纪念的日子，送上我的祝福，愿一切美好。——{sender}",
        "{name}, thinking of you on this special day. All the best! — {sender}",
    ),
    "company_anniversary": (
        "恭喜{customer}成立{years}周年！感谢一路以来的信任与合作，祝事业蒸蒸日上。——{sender}",
        "Congratulations to {customer} on {years} years! Thank you for your trust and partnership. — {sender}",
    ),
    "new_years_day": (
        "{name}，元旦快乐！新的一年，期待与{customer}继续携手。——{sender}",
        "Happy New Year, {name}! Looking forward to another year together with {customer}. — {sender}",
    ),
    "spring_festival": (
        "{name}，新春快乐！感谢过去一年的支持，祝您和家人新年大吉、阖家幸福。——{sender}",
        "Happy Spring Festival, {name}! Thank you for your support this year; "
        "wishing you and your family a prosperous new year. — {sender}",
    ),
    "lantern_festival": (
        "{name}，元宵节快乐！祝您团团圆圆、事事顺心。——{sender}",
        "Happy Lantern Festival, {name}! Wishing you a joyful reunion. — {sender}",
    ),
    "dragon_boat_festival": (
        "{name}，端午安康！祝您和家人健康平安。——{sender}",
        "Wishing you and your family a healthy Dragon Boat Festival, {name}. — {sender}",
    ),
    "mid_autumn_festival": (
        "{name}，中秋快乐！月圆人团圆，祝您和家人幸福安康。——{sender}",
        "Happy Mid-Autumn Festival, {name}! Wishing you and your family a happy reunion. — {sender}",
    ),
    "national_day": (
        "{name}，国庆快乐！祝您假期愉快、出行顺利。——{sender}",
        "Happy National Day, {name}! Enjoy the holiday. — {sender}",
    ),
}


def create_defaults(apps, schema_editor):
    Cadence = apps.get_model("engagement", "Cadence")
    CadenceStep = apps.get_model("engagement", "CadenceStep")
    GreetingTemplate = apps.get_model("engagement", "GreetingTemplate")
    if not Cadence.objects.filter(name=CADENCE_NAME).exists():
        cadence = Cadence.objects.create(name=CADENCE_NAME, description=CADENCE_DESCRIPTION)
        CadenceStep.objects.bulk_create([CadenceStep(cadence=cadence, **step) for step in STEPS])
    for occasion, (chinese, english) in GREETINGS.items():
        for language, text in (("zh-hans", chinese), ("en", english)):
            if not GreetingTemplate.objects.filter(occasion=occasion, language=language).exists():
                GreetingTemplate.objects.create(occasion=occasion, language=language, text=text)


def remove_defaults(apps, schema_editor):
    Cadence = apps.get_model("engagement", "Cadence")
    CadenceEnrollment = apps.get_model("engagement", "CadenceEnrollment")
    GreetingTemplate = apps.get_model("engagement", "GreetingTemplate")
    unused = Cadence.objects.filter(name=CADENCE_NAME).exclude(
        pk__in=CadenceEnrollment.objects.values("cadence_id")
    )
    unused.delete()
    GreetingTemplate.objects.filter(occasion__in=list(GREETINGS)).delete()


class Migration(migrations.Migration):
    dependencies = [("engagement", "0003_relationship_maintenance")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
