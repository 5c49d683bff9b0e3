"""Load the starter question bank and the starter quiz, so that every installation can train from day one.

The questions are the product's own, written from the practices the product supports: value tiers (RFM),
the communication cadence and its three-touch rule, building trust, complaint handling and visit
preparation. Each entry: topic, kind, question, explanation, answers as (text, correct).
"""

from django.db import migrations

STARTER_QUESTIONS_PER_TOPIC = 2
STARTER_QUIZ_TITLE = "客户关系管理入门测验"
STARTER_QUIZ_DESCRIPTION = (
    "覆盖客户分层(RFM)、沟通节奏、建立信任、投诉处理和拜访准备五个主题。"
    "80 分及以上为良好;60–80 分为通过但需加强练习;60 分以下请复习后重新测验。"
)

BANK = [
    # --- 客户分层(RFM) ---
    (
        "rfm",
        "single",
        "RFM 模型用哪三个维度给客户分层?",
        "R 是最近一次购买距今多久,F 是一段时间内购买的次数,M 是累计购买金额;地区、行业等属于档案基本信息,不是 RFM 维度。",
        [("最近一次购买、购买频次、购买金额", True), ("所在地区、所属行业、企业规模", False),
         ("联系人职务、决策角色、沟通偏好", False), ("合同数量、回款速度、投诉次数", False)],
    ),
    (
        "rfm",
        "single",
        "某客户一年多没有下单,以往购买次数少、金额也小。对这类“沉睡”客户,首先应该怎么做?",
        "沉睡客户先用打扰很小的方式唤醒(行业资料、节日问候),再弄清楚沉睡的原因(被竞品替代还是需求变化),"
        "然后针对原因设计召回方案。大额折扣容易养成价格敏感,上门拜访成本过高,完全不联系则会彻底流失。",
        [("先发送行业资料或节日问候等低打扰内容,再分析沉睡原因", True), ("马上推送大额折扣券", False),
         ("安排专属客户经理立即上门拜访", False), ("停止一切联系,把精力留给其他客户", False)],
    ),
    (
        "rfm",
        "multiple",
        "对最近常买、买得多、金额高的高价值客户,下列哪些做法合适?(多选)",
        "高价值客户要“专属服务 + 情感维系”两条线并行:指定专属客户经理保证响应速度,定期安排高层见面,"
        "提供定制化的权益。与其他客户用同一套群发模板会让他们感觉不被重视。",
        [("指定专属客户经理,保证需求响应速度", True), ("定期安排双方高层见面", True),
         ("提供定制化的服务或权益包", True), ("与普通客户使用同一套群发模板,节省精力", False)],
    ),
    (
        "rfm",
        "single",
        "最近刚有购买、但频次低、金额中等的“潜力”客户,维护重点是什么?",
        "潜力客户的重点是挖掘需求和痛点:分享同行案例、演示解决方案来激发购买意愿,保持轻度服务加定期触达,避免过度打扰。",
        [("挖掘需求痛点,用同行案例和方案演示激发购买意愿", True), ("每天电话跟进,直到对方下单", False),
         ("按沉睡客户处理,暂不主动联系", False), ("直接降价促成大单", False)],
    ),
    (
        "rfm",
        "single",
        "客户分层完成之后,分层标签应该如何管理?",
        "客户的购买行为会变化,分层标签要结合新的交易和互动数据定期更新,否则资源会继续投向已经变化的客户。",
        [("结合最新的交易和互动数据定期更新", True), ("一年评一次,中间不再调整", False),
         ("一旦定级就不再改变,保持稳定", False), ("只由客户自己申请调整", False)],
    ),
    # --- 沟通节奏 ---
    (
        "cadence",
        "single",
        "“三次触达法则”中,三次沟通的目的依次是什么?",
        "第一次让客户认识我们,第二次深化价值认知,第三次推动客户采取行动;每次间隔按客户的反应调整,避免高频轰炸。",
        [("建立认知 → 深化价值 → 促成行动", True), ("报价 → 催单 → 签约", False),
         ("问候 → 送礼 → 报价", False), ("电话 → 短信 → 上门", False)],
    ),
    (
        "cadence",
        "single",
        "意向很高、回复很快的客户,两次触达之间一般间隔多久比较合适?",
        "高意向客户可以把间隔缩短到两三天,趁热推进;仍在观望的客户则放宽到一周左右,避免让对方感到被催促。",
        [("两到三天", True), ("当天连续多次", False), ("一个月", False), ("一个季度", False)],
    ),
    (
        "cadence",
        "single",
        "客户还在观望、回复较慢,合适的跟进间隔大约是?",
        "观望客户决策慢,间隔放宽到一周左右更合适;过密的跟进会被视为打扰,反而降低回复意愿。",
        [("一周左右", True), ("每天一次", False), ("每隔几小时", False), ("等客户主动联系再说", False)],
    ),
    (
        "cadence",
        "multiple",
        "面对决策链较长的企业客户,下列渠道搭配哪些是合理的?(多选)",
        "正式方案适合用邮件发送,便于留存和内部流转;决策人个人关注的问题适合用微信等即时渠道跟进;"
        "同一内容在所有渠道反复群发属于高频轰炸。",
        [("用邮件发送正式方案,方便对方内部传阅", True), ("用微信跟进决策人个人关心的问题", True),
         ("同一条广告在电话、短信、微信里各发一遍", False), ("根据客户习惯组合不同渠道", True)],
    ),
    # --- 建立信任 ---
    (
        "trust",
        "single",
        "下列哪一项属于“非销售场景”的客户维护?",
        "非销售场景的互动不带推销目的,例如邀请客户以嘉宾身份参加行业交流活动;带着折扣或合作方案的问候本质上仍是销售动作。",
        [("邀请客户以嘉宾身份参加行业交流会", True), ("生日当天发送“下单享八折”的短信", False),
         ("客户中标后送花并附上合作方案", False), ("节日问候里附上最新报价单", False)],
    ),
    (
        "trust",
        "multiple",
        "以下哪些做法有助于让客户把你看作“行业顾问”而不是单纯的销售?(多选)",
        "定期分享行业洞察和脱敏后的成功案例能体现专业度;只讲价格和促销会强化“推销员”的形象。",
        [("定期分享行业趋势分析", True), ("分享隐去敏感信息的客户成功案例", True),
         ("每次沟通都先谈价格和促销", False), ("针对客户业务提出改进建议", True)],
    ),
    (
        "trust",
        "single",
        "客户的订单已进入生产环节,为减少客户的焦虑,最好的做法是?",
        "进度透明能消除信息不对称:主动告诉客户当前环节、预计发货时间以及物流信息何时提供。",
        [("主动同步当前进度、预计发货时间和物流信息的提供时间", True), ("等客户来问再回答", False),
         ("发货后再统一通知", False), ("只告诉客户“在处理中”", False)],
    ),
    (
        "trust",
        "multiple",
        "下列哪些行为能够积累客户对企业的信任?(多选)",
        "按时履行合同、保证产品和服务质量、认真对待投诉都会积累信任;对问题避而不谈只会透支信任。",
        [("按约定履行合同", True), ("保证产品和服务的质量", True), ("认真对待并处理客户投诉", True),
         ("对产品问题避而不谈,以免影响成交", False)],
    ),
    (
        "trust",
        "single",
        "在档案里记录联系人的生日、兴趣爱好等个人信息,主要是为了什么?",
        "这些细节帮助销售在后续接触中找到共鸣点,体现真诚与用心,从而逐步建立信任;记录要适度,避免冒犯。",
        [("在后续接触中找到共鸣点,体现用心,逐步建立信任", True), ("方便向客户推送更多广告", False),
         ("用于评估客户的付款能力", False), ("应付公司的检查", False)],
    ),
    # --- 投诉处理 ---
    (
        "complaints",
        "single",
        "客户投诉产品功能与宣传不符,销售的第一反应应该是?",
        "先共情、再给出行动承诺:道歉并承诺在限定时间内给出解决方案。推卸到客户操作、反问质疑都会激化矛盾,"
        "直接退款虽快,却可能没有解决客户真正的需求。",
        [("道歉并承诺在 24 小时内给出解决方案", True), ("解释可能是客户操作有误,请对方查看说明书", False),
         ("反问客户到底哪里不符合", False), ("立即申请退款,尽快平息", False)],
    ),
    (
        "complaints",
        "single",
        "接到客户的负面反馈后,应在多长时间内主动联系客户?",
        "负面反馈要快速响应:一小时内主动联系客户,优先打电话,其次微信,再次邮件,表达重视与共情。",
        [("1 小时内,优先电话联系", True), ("当天下班前发一封邮件", False), ("三个工作日内", False),
         ("等调查清楚后再联系", False)],
    ),
    (
        "complaints",
        "multiple",
        "处理客户投诉时,哪些原则是正确的?(多选)",
        "投诉要及时回应(24 小时内)、客观分析原因、以解决问题为导向;纠结责任归属会让客户觉得被推诿。",
        [("接到投诉后 24 小时内给予回应", True), ("客观分析投诉原因,公正处理", True),
         ("先把责任归属争论清楚,再谈解决方案", False), ("以解决客户问题为导向,必要时给出补偿", True)],
    ),
    (
        "complaints",
        "single",
        "一次投诉处理完毕后,还应该做什么?",
        "复盘找出触发不满的环节和流程上的改进点,把案例纳入内部培训,避免同样的问题再次发生。",
        [("复盘原因并把案例纳入内部培训,改进流程", True), ("结案即可,无需再跟进", False),
         ("删除投诉记录,避免影响考核", False), ("只向客户道歉,不必告知主管", False)],
    ),
    (
        "complaints",
        "single",
        "客户反馈的问题(例如系统卡顿)需要技术团队解决时,合适的节奏是?",
        "24 小时内给出初步回应,3 个工作日内交付解决方案,并持续同步改进进度,让客户看到问题在被推进。",
        [("24 小时内初步回应,3 个工作日内给出方案,并同步进度", True), ("修好之后再一次性通知客户", False),
         ("告诉客户等下个版本,不承诺时间", False), ("转给技术团队后就不再跟进", False)],
    ),
    # --- 拜访准备 ---
    (
        "visit_preparation",
        "single",
        "下个月的客户拜访计划应在什么时候提交、交给谁审核?",
        "每月月底提交下个月的拜访计划,由部门主管审核批准后执行。",
        [("每月月底提交下月计划,由部门主管审核", True), ("拜访当天提交,由自己确认", False),
         ("每季度提交一次,由财务审核", False), ("不需要计划,随时拜访", False)],
    ),
    (
        "visit_preparation",
        "multiple",
        "出发拜访客户之前,应该做好哪些准备?(多选)",
        "拜访前要事先与对方约好,明确拜访对象和目标,准备好需要携带的资料物品并申请相关费用,同时整理好个人形象。",
        [("事先与拜访对象取得联系并约定时间", True), ("明确拜访对象和本次拜访要达成的目标", True),
         ("准备需要携带的资料并申请相关费用", True), ("见面后再临时想谈什么", False)],
    ),
    (
        "visit_preparation",
        "multiple",
        "以下哪些可以作为一次客户拜访的目的?(多选)",
        "拜访目的包括市场调查、了解竞争对手、维护客户(加深感情、推动业务量、结清货款)、开发新客户、推介新项目、提升公司影响力等。",
        [("了解竞争对手在该客户处的情况", True), ("结清货款", True), ("推介新项目", True),
         ("完成拜访次数指标,内容无所谓", False)],
    ),
    (
        "visit_preparation",
        "single",
        "拜访结束后,首先要做的是什么?",
        "拜访后对照目标比较实际结果,没有达成要分析原因;并尽快向主管反馈、落实对客户的承诺。本产品要求在拜访后 24 小时内提交拜访报告。",
        [("对照拜访目标比较实际结果,24 小时内提交拜访报告", True), ("等月底一起汇总", False),
         ("只在达成目标时才记录", False), ("把承诺留给客户自己跟进", False)],
    ),
]


def load_starter_bank(apps, schema_editor):
    Question = apps.get_model("performance", "Question")
    Choice = apps.get_model("performance", "Choice")
    Quiz = apps.get_model("performance", "Quiz")
    QuizQuestion = apps.get_model("performance", "QuizQuestion")
    if Quiz.objects.filter(is_starter=True).exists():
        return
    quiz = Quiz.objects.create(
        title=STARTER_QUIZ_TITLE, description=STARTER_QUIZ_DESCRIPTION, pass_mark=60, is_starter=True
    )
    per_topic: dict[str, int] = {}
    position = 0
    for topic, kind, text, explanation, answers in BANK:
        question = Question.objects.create(topic=topic, kind=kind, text=text, explanation=explanation)
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=answer, is_correct=correct)
            for i, (answer, correct) in enumerate(answers, start=1)
        )
        # The starter quiz takes the first two questions of every topic: ten questions, ten points each.
        per_topic[topic] = per_topic.get(topic, 0) + 1
        if per_topic[topic] <= STARTER_QUESTIONS_PER_TOPIC:
            position += 1
            QuizQuestion.objects.create(quiz=quiz, question=question, position=position)


def unload_starter_bank(apps, schema_editor):
    Quiz = apps.get_model("performance", "Quiz")
    Question = apps.get_model("performance", "Question")
    starter = Quiz.objects.filter(is_starter=True).first()
    if starter is None:
        return
    ids = list(starter.items.values_list("question_id", flat=True))
    starter.delete()
    Question.objects.filter(pk__in=ids, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_training")]

    operations = [migrations.RunPython(load_starter_bank, unload_starter_bank)]
