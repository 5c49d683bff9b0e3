"""What happens between a rep and a customer: interaction and task templates for the demo history.

Placeholders: {who} (how the rep addresses the contact, e.g. 李总), {product}, {competitor}, {amount},
{n} (a small number), {festival}, {customer}.
"""

from dataclasses import dataclass

from .words import words


@dataclass(frozen=True)
class Script:
    channel: str
    topic: str
    content: str
    stance: str = ""
    feedback: str = ""
    agreements: str = ""
    is_non_sales: bool = False
    direction: str = "outbound"


# Winning a customer, in the order it usually happens.
ACQUIRE_SCRIPTS = (
    Script(
        "phone",
        "初次电话沟通,了解现状",
        "{who}接电话时比较客气,说公司目前用的是几年前的老系统,审批和报表都不太顺,但今年预算还没定。"
        "听到我们做过同行业的项目,愿意先看看资料。",
        "neutral",
        "担心换系统影响业务,问实施周期要多久",
        "先发公司介绍和两个同行案例,下周再约时间",
    ),
    Script(
        "face_to_face",
        "上门拜访,需求调研",
        "在对方会议室聊了一个半小时。{who}带着信息中心的同事一起,重点讲了各分公司数据汇总慢的问题,"
        "说月底报表要手工对三天。现场看了他们现在用的表格,确实很乱。",
        "positive",
        "希望先做一个分公司试点,不想一次铺开",
        "两周内出调研报告和试点方案",
    ),
    Script(
        "video",
        "方案演示",
        "线上给{who}和采购、财务三位做了{product}的演示,演示了移动审批和经营看板。"
        "{who}对看板很感兴趣,财务那边问了很多和现有ERP对接的细节。",
        "positive",
        "财务担心接口开发费用另算",
        "补充接口清单和报价,周五前发邮件",
    ),
    Script(
        "email",
        "发送报价单",
        "按约定把{product}的报价单和实施计划发给了{who},总价约{amount},含一年运维。邮件里附上了付款方式的三个选项。",
        "",
        "",
        "对方确认收到,说下周内部讨论后回复",
    ),
    Script(
        "phone",
        "跟进报价反馈",
        "{who}说内部讨论过了,价格比{competitor}的报价高一些,老板让再谈谈。语气不算强硬,主要还是想要个面子上的让步。",
        "hesitant",
        "认为价格偏高,希望再优惠;问能否延长免费维保",
        "申请额外半年免费维保,不直接降价",
    ),
    Script(
        "face_to_face",
        "商务谈判",
        "和{who}面谈合同条款,价格最后在原报价基础上让了{n}个点,对方同意预付30%。{who}提出上线时间必须赶在年底前。",
        "positive",
        "对上线时间很在意",
        "本周内走完合同审批,下周一签字",
    ),
    Script(
        "wechat",
        "微信确认合同细节",
        "{who}在微信上发来合同修改意见,主要是违约条款和验收标准两处,已转给法务。{who}说老板已经点头,就等流程。",
        "positive",
        "",
        "法务明天给出修改稿",
    ),
    Script(
        "face_to_face",
        "项目启动会",
        "参加了项目启动会,{who}亲自出席讲话,要求各部门配合。会后和IT经理对了上线计划,第一阶段{n}周。",
        "positive",
        "",
        "每周五发项目周报;下周进场做数据梳理",
    ),
)
# Serving a customer after the first deal.
SERVE_SCRIPTS = (
    Script(
        "phone",
        "上线后回访",
        "系统上线一个月,回访{who}。整体评价不错,审批时间明显缩短;仓库那边有两个报表格式不习惯,希望调整。",
        "positive",
        "仓库报表格式要改",
        "下周安排实施顾问上门调整报表",
    ),
    Script(
        "phone",
        "处理使用问题",
        "{who}打电话来说早上系统登录很慢,有点着急。已联系技术支持远程排查,是对方网络出口的问题,半小时恢复。",
        "negative",
        "对响应速度有意见,说上次也是拖了很久",
        "给出书面故障说明,承诺以后两小时内响应",
        direction="inbound",
    ),
    Script(
        "email",
        "续约提醒",
        "年度运维合同下月到期,给{who}发了续约提醒和今年的服务报告:共处理工单{n}0多次,平均响应不到两小时。",
        "",
        "",
        "等对方确认续约意向",
    ),
    Script(
        "face_to_face",
        "年度运维续约洽谈",
        "和{who}谈续约。{who}肯定了今年的服务,但提到{competitor}最近也在接触他们,报价更低。我们强调了本地服务团队和历史数据迁移成本。",
        "hesitant",
        "担心服务费每年上涨",
        "续约价格维持不变,增加一次年度巡检",
    ),
    Script(
        "video",
        "季度业务回顾",
        "和{who}开季度回顾会,汇报了系统使用数据:活跃用户比上季度增加,但两个分公司用得少。{who}答应在内部会议上点名推动。",
        "positive",
        "",
        "下季度安排两次分公司培训",
    ),
    Script(
        "phone",
        "了解扩容需求",
        "{who}透露明年要新建分厂,信息化预算会增加,问我们能否支持多工厂。感觉是个机会,需要尽快让方案团队介入。",
        "positive",
        "关心多工厂复制要多长时间",
        "约下周带方案经理上门",
    ),
    Script(
        "phone",
        "客户表达不满",
        "{who}对上周的培训安排不满意,说讲师讲得太快,很多员工没听懂。先道歉,答应重新安排。",
        "negative",
        "培训效果差",
        "下周重新安排分批培训,由资深顾问讲",
        direction="inbound",
    ),
)
# Any time in the relationship.
OCCASIONAL_SCRIPTS = (
    Script(
        "wechat",
        "发送行业案例",
        "给{who}发了同行业客户的案例文章和一段现场视频,{who}回复说转给老板看看。",
        "neutral",
        "",
        "",
    ),
    Script(
        "face_to_face",
        "高层拜访",
        "陪同我方副总拜访{who},聊了对方未来三年的发展规划。{who}很重视数据安全,希望我们出一份私有化部署的方案。",
        "positive",
        "关心数据是否出本地机房",
        "一个月内提交私有化部署方案",
    ),
    Script(
        "phone",
        "询问采购进度",
        "问{who}采购流程走到哪一步了,说还在财务那里,财务总监出差,要等下周。",
        "neutral",
        "",
        "下周三再问",
    ),
    Script(
        "email",
        "招标文件答疑",
        "对方发布了招标文件,给{who}发了五个澄清问题,主要关于技术参数和评分标准。",
        "",
        "",
        "等待招标方统一答复",
    ),
)
# Individual shop owners (kind "individual").
SHOP_ACQUIRE_SCRIPTS = (
    Script(
        "phone",
        "客户来电咨询",
        "{who}打电话问会员小程序怎么开通,说朋友的店用了效果不错。介绍了功能和价格,{who}说考虑一下。",
        "neutral",
        "",
        "加了微信,发了价格表",
        direction="inbound",
    ),
    Script(
        "face_to_face",
        "门店安装收银系统",
        "上门给{who}的店装好收银系统,现场教了半小时,{who}学得挺快,说周末人多时再看看效果。",
        "positive",
        "担心高峰期断网",
        "留了售后电话,三天后回访",
    ),
)
SHOP_SERVE_SCRIPTS = (
    Script(
        "phone",
        "门店回访",
        "回访{who},收银系统用了两周,说结账快多了,就是会员积分规则还没想好怎么设。",
        "positive",
        "不会设置积分规则",
        "发一份积分活动模板给他参考",
    ),
    Script(
        "wechat",
        "续费提醒",
        "微信提醒{who}收银系统年费下月到期,{who}问能不能打个折,说附近新开了一家店生意受影响。",
        "hesitant",
        "嫌年费贵",
        "申请老客户续费九折",
    ),
)

CARE_SCRIPTS = (
    Script(
        "wechat",
        "{festival}问候",
        "{festival}给{who}发了祝福,{who}很快回复,还聊了几句家里的近况。",
        "positive",
        is_non_sales=True,
    ),
    Script(
        "face_to_face",
        "{festival}拜访送礼",
        "{festival}前给{who}送去节礼,顺便喝了杯茶,聊得很轻松,没谈业务。",
        "positive",
        is_non_sales=True,
    ),
    Script(
        "wechat",
        "生日祝福",
        "今天是{who}生日,发了祝福和一张电子贺卡,{who}回了个红包表情,说谢谢还记得。",
        "positive",
        is_non_sales=True,
    ),
    Script(
        "event",
        "邀请参加行业沙龙",
        "邀请{who}参加我们办的数字化转型沙龙,{who}到场并在茶歇时和两位同行交流了很久。",
        "positive",
        is_non_sales=True,
    ),
    Script(
        "phone",
        "节后问候",
        "长假后给{who}打电话问候,{who}说假期带孩子出去玩了,顺便提到下半年可能有新项目。",
        "neutral",
        is_non_sales=True,
    ),
    Script(
        "wechat",
        "分享行业报告",
        "给{who}发了一份行业数字化报告,没有谈产品,{who}说正好开会要用。",
        "neutral",
        is_non_sales=True,
    ),
)

FESTIVALS = ("春节", "元宵节", "端午节", "中秋节", "国庆节", "元旦")

OPEN_TASKS = (
    ("follow_up", "回访{customer},确认试用反馈"),
    ("action_item", "给{who}发送修改后的报价单"),
    ("action_item", "整理{customer}的需求调研报告"),
    ("renewal", "准备{customer}年度运维续约方案"),
    ("follow_up", "电话跟进{customer}的采购审批进度"),
    ("review", "补全{customer}的关键人物信息"),
    ("follow_up", "约{who}下周面谈"),
    ("action_item", "安排实施顾问上门调整{customer}的报表"),
    ("care", "{festival}前给{customer}寄送节礼"),
)
SHOP_TASKS = (
    ("follow_up", "回访{who},看收银系统用得怎么样"),
    ("renewal", "提醒{who}收银系统年费到期"),
    ("action_item", "给{who}发会员积分活动模板"),
    ("care", "{festival}前给{who}发祝福"),
)
# The festival a gift or greeting prepared in a month is for, by month (January first).
FESTIVAL_AHEAD = words("春节 元宵节 端午节 端午节 端午节 中秋节 中秋节 中秋节 国庆节 元旦 元旦 元旦")
DONE_RESULTS = ("已完成,客户确认", "已发送,对方已读", "已处理,客户满意", "已沟通,下月再跟进")
