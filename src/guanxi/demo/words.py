"""The words demo customers are made of: company names by industry, people, roles, needs, risks.

The demo organisation sells digital workplace solutions (collaboration software, data platforms, meeting
hardware, store checkout systems for small shops) and a yearly service contract — something every
industry buys, so customers can come from all of them.
"""

from dataclasses import dataclass


def words(text: str) -> tuple[str, ...]:
    """Split a space-separated word list: long Chinese vocabularies stay readable on a few lines."""
    return tuple(text.split())


PRODUCTS = words(
    "协同办公平台 数据分析平台 供应链协同模块 电子签章系统 智能会议平板 私有云一体机 "
    "年度运维服务 门店智能收银系统 会员小程序 移动审批套件"
)
SHOP_PRODUCTS = ("门店智能收银系统", "会员小程序", "年度运维服务")

# Fictional competitors: none of these is a real company.
COMPETITORS = words("远航软件 恒信科技 云启数智 博达信息 新锐系统 开元智能 长风网络 启航云")

BRANDS = words(
    "恒润 中联 天成 宏达 鼎信 瑞丰 嘉禾 金桥 远洋 东方 海纳 博远 新元 启明 汇通 "
    "盛世 同创 瀚海 致远 聚源 福临 金穗 安泰 永信 众合 华腾 正阳 信和 恒川 弘毅 "
    "隆鑫 晨光 星辰 丰源 卓越 锦程 和信 润邦 广厦 润泽 金鼎 天逸 泰和 佳禾 北辰 "
    "南方 铭泰 沃丰 恒升 宝丰 凯旋 祥云 明德 鸿运 信达 鑫源 恒远 亿达 睿智 腾飞 "
    "普惠 安宏 嘉信 景程 华盛"
)

LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司")


@dataclass(frozen=True)
class IndustryWords:
    """How companies of an industry are named, and how common the industry is among demo customers."""

    weight: int
    businesses: tuple[str, ...]
    institutions: tuple[str, ...] = ()  # name templates with {city} and {brand}, e.g. {city}市中医院
    institution_prefix: str = "12"  # the credit code prefix of those bodies (see places.CREDIT_CODE_PREFIXES)


def _industry(weight: int, businesses: str, institutions: str = "", prefix: str = "12") -> IndustryWords:
    return IndustryWords(weight, tuple(businesses.split()), tuple(institutions.split()), prefix)


INDUSTRY_WORDS: dict[str, IndustryWords] = {
    "制造业": _industry(14, "精密机械 电子科技 智能装备 模具 五金制品 包装材料 新材料"),
    "信息技术": _industry(9, "信息技术 软件 网络科技 数据科技 智能科技"),
    "金融": _industry(5, "融资租赁 保险代理 投资管理 商业保理", "{city}农村商业银行股份有限公司", "91"),
    "零售": _industry(8, "商贸 超市连锁 百货 便利店管理"),
    "医药健康": _industry(7, "医药 生物科技 医疗器械 大药房连锁", "{city}市第二人民医院 {city}市中医院"),
    "能源化工": _industry(5, "化工 新能源 石化 燃气"),
    "建筑地产": _industry(6, "建设 置业 建筑工程 装饰工程"),
    "物流运输": _industry(6, "物流 供应链管理 国际货运代理 运输"),
    "教育": _industry(5, "教育科技 文化教育 职业技能培训", "{city}职业技术学院 {city}外国语学校"),
    "汽车": _industry(5, "汽车零部件 汽车销售服务 汽车电子"),
    "食品饮料": _industry(6, "食品 饮品 乳业 酒业"),
    "农业": _industry(3, "农业科技 农牧 种业", "{city}{brand}果蔬种植专业合作社", "93"),
    "政府及公共事业": _industry(4, "水务 城市建设投资 公交", "{city}市公共资源交易中心 {city}市政务服务中心"),
    "电信": _industry(3, "通信技术 通信工程"),
    "传媒文化": _industry(4, "文化传媒 广告 影视文化"),
    "专业服务": _industry(5, "管理咨询 人力资源服务 工程造价咨询", "{city}{brand}律师事务所", "31"),
    "其他": _industry(3, "物业管理 酒店管理 餐饮管理"),
}


@dataclass(frozen=True)
class Position:
    """A job at a customer and what that person usually is in a buying decision."""

    title: str
    department: str
    decision_role: str
    weights: tuple[int, ...]
    concerns: str


BOSSES = (
    Position(
        "董事长", "总经办", "decision_maker", (5,), "企业三到五年的发展方向、投入产出比、供应商是否靠得住"
    ),
    Position("总经理", "总经办", "decision_maker", (5,), "投资回报周期、同行标杆案例、项目能否按期见效"),
    Position("总裁", "总经办", "decision_maker", (5,), "整体经营效率、数字化转型的节奏、管理层的执行力"),
)
INSTITUTION_HEADS = (
    Position("主任", "办公室", "decision_maker", (5,), "合规合法、财政预算的执行进度、上级考核指标"),
    Position("院长", "院办", "decision_maker", (5,), "服务质量评价、预算审批流程、信息安全等保要求"),
)
EXECUTIVES = (
    Position("副总经理", "总经办", "influencer", (4, 4, 5), "分管业务的效率提升、跨部门协同"),
    Position("财务总监", "财务部", "influencer", (3, 4, 4), "总体拥有成本、付款方式与账期、发票合规"),
    Position("技术总监", "技术部", "influencer", (3, 4), "系统稳定性、与现有ERP的集成难度、数据安全"),
    Position("采购总监", "采购部", "influencer", (3, 4), "价格是否有竞争力、合同条款、交付周期"),
    Position("信息中心主任", "信息中心", "influencer", (3, 4, 4), "等保合规、运维工作量、厂商的本地服务能力"),
    Position("运营总监", "运营部", "influencer", (3, 4), "一线员工是否愿意用、上线对业务的影响"),
)
STAFF = (
    Position("采购经理", "采购部", "gatekeeper", (2, 3), "比价材料是否齐全、供应商资质、流程合规"),
    Position("采购专员", "采购部", "gatekeeper", (1, 2), "报价单格式、走流程的时间、领导的日程"),
    Position("总经理助理", "总经办", "gatekeeper", (1, 2), "领导的时间安排、汇报材料是否简明"),
    Position("IT经理", "信息中心", "user", (2, 3), "部署和维护是否省心、培训资料、故障响应速度"),
    Position("系统管理员", "信息中心", "user", (1, 2), "权限配置、数据备份、日常报错处理"),
    Position("财务经理", "财务部", "user", (2, 3), "报销和付款流程能否线上化、对账效率"),
    Position("行政主管", "行政部", "user", (1, 2), "会议室设备好不好用、供应商服务态度"),
    Position("生产经理", "生产部", "user", (2, 3), "车间数据能否实时看到、排产是否更准"),
    Position("项目经理", "项目部", "user", (2, 3), "项目进度透明、移动端审批"),
    Position("门店店长", "运营部", "user", (1, 2), "收银速度、会员积分是否方便、培训店员的时间"),
)
SHOP_OWNER_CONCERNS = (
    "收银出错少、月费不要太高、坏了能有人上门",
    "会员能不能多回头、节假日活动怎么做、手机上看账",
    "设备耐用、操作简单、售后电话打得通",
)
SHOP_KINDS = ("便利店", "水果店", "烘焙坊", "餐馆", "花店", "五金店", "茶叶店", "母婴店", "药店", "汽修店")

HOBBIES = words(
    "钓鱼 羽毛球 高尔夫 喝茶,偏爱岩茶 书法 摄影 跑步,跑过两次全马 登山 围棋 "
    "看足球,支持本地球队 红酒 收藏紫砂壶 自驾游 听京剧 乒乓球 养兰花"
)
PERSONALITIES = words(
    "做事雷厉风行,不喜欢拖泥带水 谨慎细致,凡事要看数据 健谈随和,喜欢交朋友 "
    "比较内敛,要多接触几次才会表态 重视面子和礼节 技术出身,喜欢刨根问底 "
    "注重效率,开会只听结论 原则性强,流程必须走完"
)
EDUCATIONS = words(
    "机械工程本科,在制造业干了二十年 中欧国际工商学院EMBA 会计学硕士,注册会计师 "
    "计算机专业本科,做过程序员 工商管理本科,销售出身 化学工程硕士 "
    "本地职业技术学院毕业,从一线干起 法学本科,做过企业法务 物流管理本科 "
    "临床医学出身,后转管理 师范大学中文系 财经大学金融学本科"
)
FAMILY_NOTES = words(
    "儿子在读高二,明年高考 女儿在英国读研究生 父母随住,很孝顺 爱人是中学老师 "
    "刚有了二胎,是个女儿 孩子在读小学,周末常陪孩子上兴趣班 老家在外省,春节一般回老家过年 "
    "爱人在医院工作,作息不规律"
)
IMPORTANT_DATES = (
    ("结婚纪念日", "solar"),
    ("孩子生日", "solar"),
    ("父亲生日", "lunar"),
    ("入职纪念日", "solar"),
)
CONSENT_NOTES = words(
    "展会登记时书面同意接收产品资讯 签订合同时在隐私条款上签字确认 通过官网表单勾选同意联系"
)
PREFERRED_CHANNELS = ("微信", "电话", "微信、电话", "邮件、电话", "面谈", "微信、面谈", "邮件")

TAGS = words(
    "重点客户 老客户转介绍 上市公司 国企 价格敏感 决策链长 需高层拜访 有续费意向 "
    "新开门店 样板客户 有扩容计划 竞品在位 回款慢 年底预算 连锁经营"
)

NEEDS = (
    ("审批流程全靠纸质单据,领导出差时审批卡住", "explicit", "pain"),
    ("各分公司数据口径不一,月底报表要手工汇总三天", "explicit", "pain"),
    ("车间设备数据无法实时采集,排产靠人工经验", "explicit", "pain"),
    ("现有系统厂商已停止维护,担心数据安全", "explicit", "pain"),
    ("合同靠快递往返签字,一份合同要一周", "explicit", "pain"),
    ("门店收银高峰期排长队,顾客抱怨", "explicit", "pain"),
    ("希望在手机上随时看到销售和库存数据", "explicit", "sweet"),
    ("会议室设备连不上,每次开会先调试十分钟", "explicit", "sweet"),
    ("想把会员积分和小程序打通,提高复购", "potential", "sweet"),
    ("明年计划新建两个分厂,需要系统能快速复制", "potential", "pain"),
    ("集团要求等保三级,现有机房不达标", "potential", "pain"),
    ("供应商对账全靠Excel,经常对不上", "explicit", "pain"),
    ("老板想看经营驾驶舱,但不知道从哪开始", "potential", "sweet"),
    ("员工流动大,新人培训成本高", "potential", "sweet"),
)
NEED_STATUSES = ("open", "open", "addressing", "met", "dropped")

COMPETITOR_NOTES = (
    ("我们的本地实施团队两小时内到场", "标准版价格比对方高约15%"),
    ("我们的系统可按客户流程灵活配置", "对方在该客户使用多年,切换成本高"),
    ("我们有同行业的三个样板客户", "对方和客户高层私交很好"),
    ("我们支持私有化部署,满足数据不出厂的要求", "我们的移动端功能不如对方丰富"),
    ("我们的售后响应有合同承诺", "对方给了三年免费维保"),
)

RISK_NOTES = {
    "credit": ("去年有两笔货款逾期超过60天", "工商信息显示有一起未结的合同纠纷", "信用记录良好,按期付款"),
    "payment": ("资金链偏紧,要求账期延长到90天", "付款需要集团财务统一审批,周期长", "现金流充足"),
    "stability": ("对接人刚离职,新任采购经理态度不明", "合作三年,关系稳定", "公司正在重组,业务可能调整"),
    "politics": ("IT部与业务部门对选型意见不一", "新老两位副总在争夺项目主导权", "决策链清晰,总经理一锤定音"),
    "policy": (
        "行业集采政策变化,预算可能被压缩",
        "受环保督查影响,部分产线停产整改",
        "地方政府鼓励数字化改造,有补贴",
    ),
}

BUDGETS = (
    ("10万–30万/年", "每年11月编制下一年度预算"),
    ("30万–50万/年", "每年10月申报,次年1月批复"),
    ("50万–100万/年", "按项目单独立项"),
    ("100万以上/年", "集团统一预算,每季度可调整"),
    ("5万以内", "老板说了算,随用随批"),
)
APPROVALS = (
    "部门提出申请 → 分管副总审核 → 总经理审批;超过50万需董事会决议",
    "信息中心立项 → 财务部审核预算 → 总经理办公会审批",
    "使用部门申请 → 采购部比价 → 财务总监和总经理会签",
    "老板直接拍板",
)
PROCUREMENTS = (
    "三家比价,20万以上公开招标",
    "入围供应商库后按框架协议下单",
    "集团统一招标,子公司执行",
    "单一来源采购需说明理由并公示",
)
MILESTONES = words(
    "3月框架协议续签;9月申报下一年度预算 6月底前完成系统选型;年底前上线 "
    "每年4月和10月集中采购 新厂预计明年二季度投产,设备采购提前半年启动"
)
GRADE_REASONS = {
    "A": ("年采购额超过百万,行业标杆", "集团总部客户,带动下属公司采购", "战略合作客户,高层定期互访"),
    "B": ("采购稳定,有扩容空间", "合作时间长,但单笔金额不大"),
    "C": ("采购额小,以维护为主", "尚在接触阶段,需求未明确"),
}
