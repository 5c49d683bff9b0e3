"""Choice lists of the customer archive (SPEC §2), with Chinese labels through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class CustomerStatus(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    TARGET = "target", _("Target")
    CURRENT = "current", _("Current")
    DORMANT = "dormant", _("Dormant")
    CHURNED = "churned", _("Churned")


class LifecycleStage(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition")
    GROWTH = "growth", _("Growth")
    MATURITY = "maturity", _("Maturity")
    DECLINE = "decline", _("Decline")
    EXIT = "exit", _("Exit")


class RelationshipLevel(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    PREFERRED = "preferred", _("Preferred supplier")
    PARTNER = "partner", _("Partner")
    STRATEGIC = "strategic", _("Strategic alliance")


class LeadSource(models.TextChoices):
    RESEARCH = "research", _("Market research")
    EVENT = "event", _("Industry event")
    REFERRAL = "referral", _("Referral")
    ADVERTISING = "advertising", _("Advertising")
    WEBSITE = "website", _("Website")
    INBOUND_CALL = "inbound_call", _("Inbound call")
    OTHER = "other", _("Other")


class RevenueBand(models.TextChoices):
    UNDER_10M = "lt10m", _("Under ¥10 million")
    FROM_10M = "10m-100m", _("¥10–100 million")
    FROM_100M = "100m-1b", _("¥100 million–1 billion")
    OVER_1B = "gt1b", _("Over ¥1 billion")


class Region(models.TextChoices):
    NORTH = "north", _("North China")
    NORTHEAST = "northeast", _("Northeast China")
    EAST = "east", _("East China")
    CENTRAL = "central", _("Central China")
    SOUTH = "south", _("South China")
    SOUTHWEST = "southwest", _("Southwest China")
    NORTHWEST = "northwest", _("Northwest China")
    HK_MO_TW = "hmt", _("Hong Kong, Macao and Taiwan")
    OVERSEAS = "overseas", _("Overseas")


PROVINCE_REGION = {
    **dict.fromkeys(["北京", "天津", "河北", "山西", "内蒙古"], Region.NORTH),
    **dict.fromkeys(["辽宁", "吉林", "黑龙江"], Region.NORTHEAST),
    **dict.fromkeys(["上海", "江苏", "浙江", "安徽", "福建", "江西", "山东"], Region.EAST),
    **dict.fromkeys(["河南", "湖北", "湖南"], Region.CENTRAL),
    **dict.fromkeys(["广东", "广西", "海南"], Region.SOUTH),
    **dict.fromkeys(["重庆", "四川", "贵州", "云南", "西藏"], Region.SOUTHWEST),
    **dict.fromkeys(["陕西", "甘肃", "青海", "宁夏", "新疆"], Region.NORTHWEST),
    **dict.fromkeys(["香港", "澳门", "台湾"], Region.HK_MO_TW),
}
PROVINCES = list(PROVINCE_REGION)

INDUSTRIES = [
    "制造业",
    "信息技术",
    "金融",
    "零售",
    "医药健康",
    "能源化工",
    "建筑地产",
    "物流运输",
    "教育",
    "汽车",
    "食品饮料",
    "农业",
    "政府及公共事业",
    "电信",
    "传媒文化",
    "专业服务",
    "其他",
]


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskCategory(models.TextChoices):
    CREDIT = "credit", _("Credit")
    PAYMENT = "payment", _("Ability to pay")
    STABILITY = "stability", _("Stability of cooperation")
    POLITICS = "politics", _("Internal politics")
    POLICY = "policy", _("Industry policy")


class NeedKind(models.TextChoices):
    EXPLICIT = "explicit", _("Explicit")
    POTENTIAL = "potential", _("Potential")


class NeedPriority(models.TextChoices):
    PAIN = "pain", _("Pain point (must have)")
    SWEET = "sweet", _("Sweet spot (nice to have)")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADDRESSING = "addressing", _("Being addressed")
    MET = "met", _("Met")
    DROPPED = "dropped", _("Dropped")


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")


class RelationshipStatus(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    NOT_ESTABLISHED = "not_established", _("Not established")


class CalendarKind(models.TextChoices):
    SOLAR = "solar", _("Solar")
    LUNAR = "lunar", _("Lunar")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class AgeBand(models.TextChoices):
    UNDER_30 = "lt30", _("Under 30")
    FROM_30 = "30-39", _("30–39")
    FROM_40 = "40-49", _("40–49")
    FROM_50 = "50-59", _("50–59")
    OVER_60 = "60+", _("60 and over")


class CommunicationStyle(models.TextChoices):
    DIRECT = "direct", _("Direct")
    INDIRECT = "indirect", _("Indirect")


class Closeness(models.TextChoices):
    CLOSE = "close", _("Close")
    FAMILIAR = "familiar", _("Familiar")
    ACQUAINTED = "acquainted", _("Acquainted")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Necessary for a contract")
    PUBLIC = "public", _("Publicly disclosed")
    OTHER = "other", _("Other lawful basis")
