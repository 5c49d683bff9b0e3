"""Where demo customers are: provinces, cities with their districts and telephone area codes."""

import random
from dataclasses import dataclass

from guanxi.core.validators import CREDIT_CODE_ALPHABET, credit_code_check_character


@dataclass(frozen=True)
class City:
    province: str
    name: str
    districts: tuple[str, ...]
    area_code: str
    division: str  # the first four digits of the administrative division code


def _cities(province: str, division: str, *rows: tuple[str, str, str]) -> list[City]:
    return [
        City(province, name, tuple(districts.split()), area, f"{division}{index:02d}")
        for index, (name, area, districts) in enumerate(rows, 1)
    ]


CITIES: list[City] = [
    *_cities("北京", "11", ("北京", "010", "海淀区 朝阳区 东城区 丰台区")),
    *_cities("天津", "12", ("天津", "022", "滨海新区 南开区 和平区")),
    *_cities("上海", "31", ("上海", "021", "浦东新区 徐汇区 闵行区 静安区")),
    *_cities("重庆", "50", ("重庆", "023", "渝北区 江北区 九龙坡区")),
    *_cities(
        "河北",
        "13",
        ("石家庄", "0311", "长安区 裕华区"),
        ("唐山", "0315", "路北区 路南区"),
        ("保定", "0312", "竞秀区 莲池区"),
    ),
    *_cities("山西", "14", ("太原", "0351", "小店区 迎泽区"), ("大同", "0352", "平城区")),
    *_cities("内蒙古", "15", ("呼和浩特", "0471", "赛罕区 新城区"), ("包头", "0472", "昆都仑区")),
    *_cities("辽宁", "21", ("沈阳", "024", "浑南区 和平区"), ("大连", "0411", "甘井子区 中山区")),
    *_cities("吉林", "22", ("长春", "0431", "朝阳区 南关区"), ("吉林", "0432", "船营区")),
    *_cities("黑龙江", "23", ("哈尔滨", "0451", "南岗区 道里区"), ("大庆", "0459", "萨尔图区")),
    *_cities(
        "江苏",
        "32",
        ("南京", "025", "江宁区 鼓楼区 建邺区"),
        ("苏州", "0512", "姑苏区 吴中区 虎丘区"),
        ("无锡", "0510", "滨湖区 新吴区"),
    ),
    *_cities(
        "浙江",
        "33",
        ("杭州", "0571", "西湖区 滨江区 余杭区"),
        ("宁波", "0574", "鄞州区 北仑区"),
        ("温州", "0577", "鹿城区 瓯海区"),
    ),
    *_cities("安徽", "34", ("合肥", "0551", "蜀山区 包河区"), ("芜湖", "0553", "镜湖区 鸠江区")),
    *_cities(
        "福建",
        "35",
        ("福州", "0591", "鼓楼区 仓山区"),
        ("厦门", "0592", "思明区 湖里区"),
        ("泉州", "0595", "丰泽区 鲤城区"),
    ),
    *_cities("江西", "36", ("南昌", "0791", "红谷滩区 青山湖区"), ("赣州", "0797", "章贡区")),
    *_cities(
        "山东",
        "37",
        ("济南", "0531", "历下区 槐荫区"),
        ("青岛", "0532", "市南区 黄岛区 崂山区"),
        ("烟台", "0535", "芝罘区 莱山区"),
    ),
    *_cities("河南", "41", ("郑州", "0371", "金水区 二七区 中原区"), ("洛阳", "0379", "涧西区 洛龙区")),
    *_cities("湖北", "42", ("武汉", "027", "江汉区 洪山区 武昌区"), ("宜昌", "0717", "西陵区")),
    *_cities("湖南", "43", ("长沙", "0731", "岳麓区 天心区 雨花区"), ("岳阳", "0730", "岳阳楼区")),
    *_cities(
        "广东",
        "44",
        ("广州", "020", "天河区 越秀区 黄埔区 番禺区"),
        ("深圳", "0755", "南山区 福田区 宝安区 龙岗区"),
        ("东莞", "0769", "南城街道 长安镇 松山湖"),
        ("佛山", "0757", "顺德区 南海区 禅城区"),
    ),
    *_cities("广西", "45", ("南宁", "0771", "青秀区 西乡塘区"), ("柳州", "0772", "柳北区 城中区")),
    *_cities("海南", "46", ("海口", "0898", "龙华区 美兰区"), ("三亚", "0898", "吉阳区")),
    *_cities("四川", "51", ("成都", "028", "武侯区 锦江区 青羊区 双流区"), ("绵阳", "0816", "涪城区")),
    *_cities("贵州", "52", ("贵阳", "0851", "观山湖区 南明区"), ("遵义", "0851", "汇川区")),
    *_cities("云南", "53", ("昆明", "0871", "五华区 盘龙区"), ("曲靖", "0874", "麒麟区")),
    *_cities("西藏", "54", ("拉萨", "0891", "城关区")),
    *_cities("陕西", "61", ("西安", "029", "雁塔区 未央区 碑林区"), ("宝鸡", "0917", "渭滨区")),
    *_cities("甘肃", "62", ("兰州", "0931", "城关区 七里河区"), ("天水", "0938", "秦州区")),
    *_cities("青海", "63", ("西宁", "0971", "城西区 城东区")),
    *_cities("宁夏", "64", ("银川", "0951", "金凤区 兴庆区")),
    *_cities("新疆", "65", ("乌鲁木齐", "0991", "天山区 新市区"), ("克拉玛依", "0990", "克拉玛依区")),
]

CITIES_BY_PROVINCE: dict[str, list[City]] = {}
for _city in CITIES:
    CITIES_BY_PROVINCE.setdefault(_city.province, []).append(_city)

# Where each demo sales team mostly sells (the rest of the country is shared out at random).
TEAM_TERRITORIES: dict[str, tuple[str, ...]] = {
    "华东大区": ("上海", "江苏", "浙江", "安徽", "福建", "江西", "山东"),
    "华南大区": ("广东", "广西", "海南", "湖南", "湖北", "四川", "重庆", "贵州", "云南"),
    "华北大区": ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "河南", "陕西"),
}

ROADS = (
    "建设路",
    "人民路",
    "解放路",
    "中山路",
    "科技路",
    "创业大道",
    "高新大道",
    "长江路",
    "黄河路",
    "工业园路",
    "滨江大道",
    "学府路",
    "文化路",
    "金融街",
    "新华路",
    "迎宾大道",
    "经开大道",
    "东风路",
    "和平路",
    "光明路",
)
BUILDINGS = ("", "", "", "A座", "B座", "科技大厦", "国际中心", "产业园3号楼", "创新中心", "写字楼")


def street_address(rng: random.Random) -> str:
    """Return a plausible street address such as 科技路88号产业园3号楼1205室."""
    building = rng.choice(BUILDINGS)
    room = f"{rng.randint(2, 28)}{rng.randint(1, 20):02d}室" if building else ""
    return f"{rng.choice(ROADS)}{rng.randint(1, 999)}号{building}{room}"


# Registration authority + organisation type (GB 32100-2015): 91 company, 93 farmers' cooperative,
# 12 public institution, 31 law firm.
CREDIT_CODE_PREFIXES = ("91", "93", "12", "31")
# Mostly digits, as in the organisation codes the credit code grew out of.
_ORGANISATION_ALPHABET = "0123456789" * 3 + CREDIT_CODE_ALPHABET[10:]


def credit_code(rng: random.Random, city: City, prefix: str = "91") -> str:
    """Return a unified social credit code with a correct check character for a body in ``city``."""
    division = city.division + f"{rng.randint(0, 9)}{rng.randint(1, 9)}"
    organisation = "".join(rng.choice(_ORGANISATION_ALPHABET) for _ in range(9))
    first17 = prefix + division + organisation
    return first17 + credit_code_check_character(first17)
