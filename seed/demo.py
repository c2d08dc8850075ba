"""Demo accounts and a realistic, deterministic year of demo data (every row flagged `is_demo`).

    python -m seed.demo --database-url sqlite:///data/demo.db --scale 1

`generate_demo` needs the reference data (`seed.reference.load_reference`) and is idempotent: the
`Setting` row `demo_data` is written first in the same transaction, so a second call (or a second
process racing the first) returns {} and writes nothing. Rows are written with bulk core inserts
and explicit primary keys for the parents (items, meetings, follow-ups); on PostgreSQL the id
sequences are moved past them afterwards.

Due dates follow the product rules: `compute_due(anchor, rule.amount, rule.unit)` with the
kind's rule (`rule_for(kind, urgent)`), anchored on `received_on` (or on `sent_on` while an item
has not been signed for). Items whose own document sets another period carry
`due_override_reason`; 诉前磋商 carries the agreed date with reason "双方磋商议定".
"""
from __future__ import annotations

import argparse
import random
import sys
import time as _time
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core import clock
from core.deadlines import DEFAULT_CALENDAR, compute_due
from core.i18n import t
from core.kinds import KINDS, UNIT_LABELS, describe_rule, rule_for
from core.kinds import MEETING_KINDS as MEETING_KIND_LABELS
from core.lifecycles import (CLOSED, FU_CANCELLED, FU_DONE, FU_IN_PROGRESS, FU_OPEN, IN_PROGRESS,
                             RECEIVED, RESPONDED, RETURNED, SENT, SUP_DRAFT, SUP_ISSUED,
                             SUP_RESOLVED, SUP_RESPONDED, SUPERVISION_LEVELS, WITHDRAWN)
from core.permissions import ADMIN, CONVENER, LIAISON, OFFICE, VIEWER, Actor
from core.text import document_mark
from db.engine import session_factory
from db.models import (AuditLog, FollowUp, FollowUpAssist, FollowUpNote, Item, ItemEvent, KeyTask,
                       Leader, Liaison, Meeting, MeetingAttendance, Milestone, ProgressUpdate,
                       Setting, Supervision, TaskAssignment, Unit, User)

DEMO_SETTING_KEY = "demo_data"
DEFAULT_SEED = 20250521

# Shown in the README and on the sign-in page in demo mode.
DEMO_ACCOUNTS: tuple[dict, ...] = (
    {"username": "admin", "password": "Demo-admin-2025", "role": ADMIN,
     "display_name": "演示管理员", "unit_code": None},
    {"username": "convener", "password": "Demo-convener-2025", "role": CONVENER,
     "display_name": "演示召集人", "unit_code": None},
    {"username": "office", "password": "Demo-office-2025", "role": OFFICE,
     "display_name": "演示办公室专员", "unit_code": "procuratorate"},
    {"username": "liaison", "password": "Demo-liaison-2025", "role": LIAISON,
     "display_name": "演示联络员(区市场监管局)", "unit_code": "market_regulation"},
    {"username": "viewer", "password": "Demo-viewer-2025", "role": VIEWER,
     "display_name": "演示列席人员", "unit_code": None},
)

SYSTEM_ADMIN_ACTOR = Actor(user_id=None, username="system", role=ADMIN)

MEETING_KINDS = tuple(MEETING_KIND_LABELS)

# Items per kind in a year at scale 1 (≈250), the volumes of one district: a few dozen crime
# transfers; 诉前磋商 settles most public-interest cases before a 诉前检察建议 is needed.
KIND_WEIGHTS: dict[str, int] = {
    "procuratorial_suggestion": 40, "crime_transfer": 36, "pre_suit_consultation": 36, "pil_clue_transfer": 30,
    "procuratorial_opinion": 28, "major_case_notice": 18, "investigation_assistance": 16,
    "pil_pre_suit_suggestion": 14, "enforcement_clue_transfer": 12, "legal_risk_consultation": 12,
    "non_filing_explanation": 8, "transfer_suggestion": 5, "filing_notice": 4, "non_filing_review_request": 3,
}
# Meetings in a year at scale 1: the 联席会议 twice (the plan: "根据需要"; half-yearly is the usual
# practice), the rest as matters arise.
MEETINGS_PER_SCALE = (("joint_meeting", 2), ("partial_meeting", 4), ("business_symposium", 5),
                      ("difficult_case_seminar", 3), ("emergency_assessment", 2))
_CHUNK = 4000

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

_ABBR = {
    "procuratorate": "检", "development_reform": "发改", "education": "教", "economy_it": "经科",
    "civil_affairs": "民", "justice": "司", "finance": "财", "human_resources": "人社",
    "urban_management": "城管", "water_lakes": "水务", "commerce": "商务", "culture_tourism": "文旅",
    "health": "卫健", "veterans": "退役", "emergency": "应急", "audit": "审", "housing_renewal": "住更",
    "state_assets": "国资", "market_regulation": "市监", "statistics": "统", "medical_security": "医保",
    "administrative_approval": "审批", "taxation": "税", "natural_resources": "资建",
    "ecology_environment": "环", "public_security": "公", "fire_rescue": "消", "traffic_police": "交",
    "social_security_office": "社保", "economic_development_zone": "开管",
}

# Busier units (weights when a department is picked as sender or receiver; default 1).
_UNIT_WEIGHT = {
    "market_regulation": 9, "urban_management": 8, "ecology_environment": 7, "housing_renewal": 6,
    "emergency": 5, "health": 4, "natural_resources": 4, "water_lakes": 4, "culture_tourism": 3,
    "education": 3, "human_resources": 3, "fire_rescue": 4, "medical_security": 3, "civil_affairs": 3,
    "commerce": 2, "taxation": 2, "traffic_police": 2, "economic_development_zone": 3,
    "social_security_office": 2, "administrative_approval": 2, "justice": 2,
}

_PLACES = ("汉正街某服装市场", "古田四路某小区", "宝丰路某商业综合体", "长丰大道某在建工地", "韩家墩某农贸市场",
           "宗关某老旧小区", "易家墩某物流园", "汉西路某建材市场", "集贤路某学校周边", "解放大道某商场",
           "汉江沿岸某码头", "张毕湖周边", "竹叶海公园周边", "荣华街某社区", "中山大道某美食街",
           "硚口路某写字楼", "汉中街某历史街区", "六角亭某菜市场", "崇仁路某居民小区", "额头湾某工业园")

_ISSUES: dict[str, tuple[str, ...]] = {
    "market_regulation": ("食品经营者超范围经营", "临期过期食品销售", "电梯等特种设备安全监管漏洞",
                          "网络餐饮无证“幽灵厨房”", "药店违规销售处方药", "虚假违法广告宣传", "计量器具未依法检定"),
    "urban_management": ("占道经营", "违法建设未依法处置", "建筑垃圾违规倾倒", "户外广告设施安全隐患",
                         "渣土车抛洒滴漏", "共享单车无序停放"),
    "ecology_environment": ("餐饮油烟超标排放", "工地扬尘污染", "汽修企业危险废物违规处置",
                            "夜间施工噪声扰民", "医疗废物处置不规范"),
    "water_lakes": ("张毕湖水体污染", "排水管网雨污混接", "河道违规排污", "汉江岸线违规占用", "长江禁捕水域非法垂钓"),
    "housing_renewal": ("老旧小区改造工程质量", "物业服务企业违规收费", "住宅专项维修资金使用不规范",
                        "电动自行车违规停放充电消防隐患", "城镇燃气管道老化"),
    "fire_rescue": ("违规停放电动车消防隐患", "消防通道堵塞", "高层建筑消防设施损坏", "“三合一”场所消防隐患"),
    "emergency": ("燃气使用安全隐患", "危险化学品储存不规范", "有限空间作业安全隐患", "安全生产培训流于形式"),
    "health": ("医疗美容机构非法执业", "无证行医", "公共场所卫生管理不规范", "生活饮用水卫生监管"),
    "education": ("校外培训机构违规办学", "校园周边食品安全", "学校食堂食品安全管理", "未成年人入校安全"),
    "culture_tourism": ("网吧违规接纳未成年人", "娱乐场所违规经营", "文物保护单位保护不力", "剧本娱乐场所内容管理"),
    "human_resources": ("拖欠农民工工资", "劳务派遣用工不规范", "人力资源服务机构违规收费"),
    "social_security_office": ("社保待遇冒领", "工伤保险基金监管漏洞"),
    "medical_security": ("定点医药机构骗取医保基金", "医保个人账户违规套现"),
    "civil_affairs": ("养老机构消防安全隐患", "殡葬服务违规收费", "困境儿童保障落实", "社会组织违规开展活动"),
    "natural_resources": ("闲置土地处置不到位", "建设工程未批先建", "历史建筑保护不力"),
    "taxation": ("税收优惠政策落实不到位", "欠缴税款追缴不力"),
    "commerce": ("成品油零售违规经营", "单用途预付卡监管漏洞", "二手车交易市场秩序"),
    "veterans": ("退役军人优抚政策落实", "烈士纪念设施保护管理"),
    "state_assets": ("国有资产出租管理不规范", "国有企业安全生产管理"),
    "finance": ("政府采购管理不规范", "财政补贴资金监管"),
    "audit": ("审计发现问题整改不到位",),
    "statistics": ("统计数据弄虚作假",),
    "development_reform": ("价格收费不规范", "粮食储备安全管理"),
    "economy_it": ("中小企业账款拖欠", "无线电设备违规使用"),
    "administrative_approval": ("行政许可审查不严", "“证照分离”改革事项监管衔接"),
    "traffic_police": ("学校周边交通安全设施缺失", "非机动车违规载人", "占用盲道停车"),
    "justice": ("行政执法案卷不规范", "行政执法“三项制度”落实不到位"),
    "economic_development_zone": ("园区企业安全生产隐患", "园区闲置厂房违规出租", "园区企业环保设施未正常运行"),
    "public_security": ("寄递物流行业安全管理", "娱乐场所治安管理"),
    "subdistrict": ("违规停放电动车消防隐患", "无障碍设施被占用", "窨井盖缺失破损", "背街小巷占道经营",
                    "独居老人安全保障", "小区私搭乱建"),
}
_GENERIC_ISSUES = ("行政执法不规范", "监管职责履行不到位", "安全隐患整治不彻底")

# What an enforcement agency finds in its own field and transfers to the police as a suspected
# crime (crime_transfer senders, with how often they send): offence -> who can commit it. Most
# offences here can be committed by a company (单位犯罪) or a person; 非法行医, 失火, 消防责任事故,
# 重大责任事故, 危险作业 and 诈骗 only by a person (刑法 第30条: a unit is liable only where a
# provision says so).
COMPANY, PERSON, EITHER = "company", "person", "either"
_CRIME_SENDERS: dict[str, int] = {
    "market_regulation": 9, "ecology_environment": 5, "human_resources": 5, "health": 4, "emergency": 3,
    "medical_security": 2, "taxation": 2, "culture_tourism": 2, "fire_rescue": 2, "commerce": 1, "water_lakes": 1,
}
OFFENCES: dict[str, dict[str, str]] = {
    "market_regulation": {"生产、销售伪劣产品罪": EITHER, "生产、销售不符合安全标准的食品罪": EITHER,
                          "销售假冒注册商标的商品罪": EITHER, "假冒注册商标罪": EITHER},
    "ecology_environment": {"污染环境罪": EITHER},
    "human_resources": {"拒不支付劳动报酬罪": EITHER},
    "health": {"非法行医罪": PERSON},
    "emergency": {"重大责任事故罪": PERSON, "危险作业罪": PERSON},
    "medical_security": {"诈骗罪": PERSON},  # 骗取医保基金
    "taxation": {"虚开增值税专用发票罪": COMPANY, "逃税罪": COMPANY},
    "culture_tourism": {"侵犯著作权罪": EITHER},
    "fire_rescue": {"失火罪": PERSON, "消防责任事故罪": PERSON},
    "commerce": {"非法经营罪": EITHER},  # 成品油
    "water_lakes": {"非法捕捞水产品罪": PERSON},  # 长江禁捕
    # 检察意见 (反向衔接) only: a 不起诉 case sent back for an administrative penalty
    "traffic_police": {"危险驾驶罪": PERSON},  # 吊销机动车驾驶证
}
# 检察意见 go to the agency that can impose the administrative penalty (with how often).
_OPINION_TARGETS: dict[str, int] = {
    "traffic_police": 8, "market_regulation": 4, "ecology_environment": 2, "health": 2, "human_resources": 2,
    "emergency": 1, "culture_tourism": 1, "fire_rescue": 1,
}
_POLICE_OFFENCES = ("盗窃罪", "诈骗罪", "故意伤害罪", "帮助信息网络犯罪活动罪", "寻衅滋事罪", "危险驾驶罪")

# The trades of the companies each agency deals with.
_TRADES: dict[str, tuple[str, ...]] = {
    "market_regulation": ("食品", "商贸", "服装", "医药", "餐饮管理"),
    "ecology_environment": ("汽车服务", "再生资源", "五金机电", "印务"),
    "human_resources": ("建筑工程", "劳务", "物业管理", "装饰工程"),
    "taxation": ("商贸", "科技", "建材"),
    "culture_tourism": ("文化传媒", "网络科技"),
    "commerce": ("石化", "商贸"),
    "urban_management": ("建筑工程", "渣土运输", "广告"),
    "emergency": ("建筑工程", "化工", "物流"),
    "fire_rescue": ("物业管理", "商业管理", "酒店管理"),
    "health": ("医疗美容", "健康管理"),
    "housing_renewal": ("物业管理", "房地产开发", "建筑工程"),
    "water_lakes": ("水务工程", "建筑工程"),
    "natural_resources": ("房地产开发", "建筑工程"),
    "medical_security": ("大药房", "医院管理"),
}
_COMPANY_TRADES = ("商贸", "物流", "科技", "建材")

# 重大行政处罚 an agency notifies the procuratorate of (major_case_notice): (violation, penalty).
_PENALTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "market_regulation": (("销售不符合食品安全标准的食品", "没收违法所得并处罚款"),
                          ("发布虚假广告", "罚款"), ("销售侵犯注册商标专用权的商品", "没收侵权商品并处罚款"),
                          ("使用未经定期检验的特种设备", "责令停止使用并处罚款")),
    "ecology_environment": (("超标排放大气污染物", "罚款并责令限期整改"), ("未按规定贮存危险废物", "罚款"),
                            ("环境影响评价文件未经批准擅自开工建设", "责令停止建设并处罚款")),
    "urban_management": (("违法建设", "限期拆除并处罚款"), ("擅自倾倒建筑垃圾", "罚款")),
    "emergency": (("未落实安全生产主体责任", "罚款"), ("违规储存危险化学品", "责令停产停业整顿并处罚款")),
    "fire_rescue": (("占用、堵塞消防通道", "罚款"), ("消防设施未保持完好有效", "责令改正并处罚款")),
    "health": (("未取得医疗机构执业许可证擅自开展医疗美容", "没收违法所得并处罚款"),),
    "human_resources": (("违法实施劳务派遣", "罚款"), ("拖欠劳动者工资经责令支付逾期不支付", "罚款")),
    "housing_renewal": (("未取得施工许可证擅自施工", "责令停止施工并处罚款"), ("物业服务违规收费", "罚款")),
    "medical_security": (("骗取医疗保障基金", "责令退回并处罚款"),),
    "culture_tourism": (("互联网上网服务营业场所接纳未成年人", "罚款并责令停业整顿"),),
    "taxation": (("偷税", "追缴税款、滞纳金并处罚款"),),
}

# Public-interest fields (生态环境、食品药品、安全生产、国有财产、文物、未成年人、无障碍 …): the
# agencies the procuratorate's 公益诉讼 work deals with, and how often.
_PIL_UNITS: dict[str, int] = {
    "market_regulation": 8, "ecology_environment": 7, "urban_management": 5, "water_lakes": 5, "housing_renewal": 4,
    "emergency": 3, "fire_rescue": 3, "health": 3, "natural_resources": 3, "education": 2, "culture_tourism": 2,
    "medical_security": 2, "social_security_office": 1, "veterans": 1, "civil_affairs": 1, "taxation": 1,
}
# Who asks the procuratorate to assess a major decision or project (法律风险评估 / 法律咨询).
_CONSULTING_UNITS: dict[str, int] = {
    "housing_renewal": 4, "natural_resources": 3, "development_reform": 2, "economic_development_zone": 2,
    "state_assets": 2, "urban_management": 1, "commerce": 1, "finance": 1,
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建文辉力鹏飞宇浩婷雪琳晨欣怡俊峰斌波"

_OUTCOME_TEXT: dict[str, str] = {
    "立案": "经审查,认为有犯罪事实需要追究刑事责任,已决定立案侦查,并书面告知移送单位。",
    "不予立案": "经审查,认为没有犯罪事实或情节显著轻微,决定不予立案,已书面说明理由。",
    "已说明理由": "已书面说明不立案理由,并附相关证据材料。",
    "已立案": "经研究,已依法立案并开展调查处理,处理结果将另行书面告知。",
    "未立案": "经补充调查,暂不具备立案条件,已书面说明情况。",
    "已处理": "已依法作出处理决定,处理结果已书面反馈。",
    "部分处理": "已对部分事项依法处理,其余事项正在核查中,将持续跟进。",
    "不予处理": "经核查,认为不符合处理条件,已书面说明理由。",
    "采纳": "采纳检察建议,已部署开展专项整治,建立长效监管机制,整改情况已书面回复。",
    "部分采纳": "部分采纳检察建议,已完成主要整改事项,个别事项需协调相关部门共同推进。",
    "不采纳": "经研究,因职责划分原因未采纳,已书面说明理由并建议移交相关部门。",
    "已整改": "已督促相关主体完成整改,受损公益得到有效保护,整改材料已书面回复。",
    "整改中": "已制定整改方案并启动整改,部分事项需分阶段推进,将按期报送整改进展。",
    "未整改": "受客观条件限制尚未完成整改,已说明原因并承诺限期推进。",
    "移送其他机关": "经审查,该线索不属于本院管辖,已移送相关机关处理。",
    "达成一致": "经诉前磋商,双方就整改措施及期限达成一致意见,已形成磋商纪要。",
    "未达成一致": "经诉前磋商,双方未就整改措施达成一致,检察机关将依法制发诉前检察建议。",
    "已知悉": "已知悉通报情况,将依法跟进监督。",
    "已出具意见": "已出具法律风险评估意见,提示主要风险点及防控建议。",
    "已答复": "已就咨询事项作出书面答复。",
    "已协助": "已按要求提供相关执法资料,协助完成调查核实。",
    "部分协助": "已提供部分资料,其余资料因年代久远正在查找。",
    "未协助": "经查,相关资料不在本单位保存范围,已书面说明情况。",
}

_PROGRESS_TEXTS = (
    "召开专题推进会,明确责任分工和时间节点。", "联合开展专项检查,发现问题{n}个,已完成整改{m}个。",
    "建立信息共享和线索移送台账,本季度互通信息{n}条。", "制定工作方案并报协调机制办公室备案。",
    "开展法治宣传进社区、进企业活动{n}场。", "梳理典型案例{n}件,形成阶段性工作总结。",
    "完成年度工作评估,形成问题清单和下一步工作计划。", "会签协作意见,细化线索移送与反馈流程。",
)
_MILESTONE_TITLES = ("制定工作方案并明确责任分工", "建立信息共享与线索移送机制", "开展专项行动",
                     "召开阶段推进会", "形成典型案例汇编", "完成年度评估与总结", "出台协作工作指引",
                     "完成问题整改销号")

_MEETING_PLACES = ("区检察院会议室", "区政府常务会议室", "区检察院检委会会议室", "区司法局三楼会议室",
                   "区政务服务中心会议室", "区市场监管局会议室")
# The 联席会议 brings every member unit together under the conveners: at the government or the
# procuratorate; an emergency is assessed where the response is run.
_JOINT_MEETING_PLACES = ("区政府常务会议室", "区检察院会议室")
_EMERGENCY_PLACES = ("区应急管理局指挥中心", "区政府常务会议室")
_MEETING_TOPICS = ("行刑双向衔接", "食品药品安全监管", "安全生产隐患排查", "生态环境保护", "未成年人综合保护",
                   "电动自行车消防安全整治", "欠薪问题治理", "医保基金监管", "长江禁捕执法", "优化法治化营商环境",
                   "城市管理执法规范化", "燃气安全专项整治", "历史文化街区保护", "公益诉讼线索移送")
_EMERGENCY_EVENTS = ("某小区燃气泄漏事件", "某商业综合体火灾事故", "某校园周边食品安全事件", "汛期渍水险情",
                     "某工地塔吊安全事件", "某物流园危化品泄漏事件")
_FOLLOW_UP_ACTIONS = ("对{t}开展专项排查,形成问题清单报协调机制办公室", "建立{t}信息共享台账,按月通报",
                      "会同区检察院制定{t}衔接工作指引", "报送{t}整改进展情况", "组织{t}典型案例分析研讨",
                      "落实{t}联合执法检查", "完善{t}线索移送和反馈流程")
_FU_EVIDENCE = ("已报送整改报告及现场照片", "已印发工作指引(文件已归档)", "已形成排查清单并销号",
                "已报送会议纪要及签到表", "已完成联合检查并报送检查记录")
_FU_NOTES = ("已召开内部部署会,明确专人负责。", "已完成前期摸排,正在汇总材料。", "办公室电话督促,单位承诺按期完成。",
             "已与区检察院对接,细化推进方案。", "因涉及多部门,需延后协调。")


def _case_name(subject: str, offence: str) -> str:
    """张某涉嫌销售伪劣产品案: how a case is named after its accused and the offence."""
    return f"{subject}涉嫌{offence.removesuffix('罪')}案"


class _Gen:
    """One generation run: deterministic given the seed, `today`, scale and reference rows."""

    def __init__(self, session, *, scale: int, today: date, seed: int):
        self.s = session
        self.rng = random.Random(seed)
        self.scale = max(1, int(scale))
        self.today = today
        self.start = today - timedelta(days=365)
        units = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.category, Unit.leader_name,
                                       Unit.leader_title).order_by(Unit.sort_order, Unit.id)).all()
        if not units:
            raise RuntimeError("reference data missing: run seed.reference.load_reference first")
        self.units = {u.code: u for u in units}
        self.unit_by_id = {u.id: u for u in units}
        self.proc = self.units["procuratorate"]
        self.tasks = dict(session.execute(select(KeyTask.number, KeyTask.id)).all())
        self.leaders = {r.key: r for r in session.execute(select(Leader.key, Leader.name, Leader.title)).all()}
        cat = {}
        for u in units:
            cat.setdefault(u.category, []).append(u.code)
        self.targets = cat.get("government_department", []) + cat.get("subdistrict", []) + \
            cat.get("development_zone", [])
        self.targets += [c for c in ("fire_rescue", "traffic_police") if c in self.units]
        self.crime_senders = self._present(_CRIME_SENDERS)
        self.opinion_targets = self._present(_OPINION_TARGETS)
        self.pil_units = self._present(_PIL_UNITS) | {c: 1 for c in cat.get("subdistrict", [])}  # 无障碍, 窨井盖 …
        self.penalty_senders = self._present({c: _UNIT_WEIGHT.get(c, 1) for c in _PENALTIES})
        self.consulting_units = self._present(_CONSULTING_UNITS)
        self._workday_cache: dict[date, bool] = {}
        self._due_cache: dict[tuple, tuple[date, bool]] = {}
        self.counts: dict[str, int] = {}
        self.now = clock.utcnow()
        # the district's own document mark (硚 in 硚政〔2025〕1号) and places: a fictional district
        # of the city demo gets invented ones
        plan = Setting.row(session, "plan_document")
        self.mark = document_mark(plan.value.get("number", "")) if plan else ""
        if not self.mark:
            raise RuntimeError("the district's plan document (its number) is missing: load its reference data first")
        self.places = _PLACES if self.mark == "硚" else tuple(
            f"{self.mark}{road}某{what}" for road, what in zip("一二三四五六七八九十", (
                "服装市场", "小区", "商业综合体", "在建工地", "农贸市场", "老旧小区", "物流园", "建材市场", "学校周边", "码头")))

    # -- small helpers -----------------------------------------------------------------------
    def _present(self, weights: dict[str, int]) -> dict[str, int]:
        return {c: w for c, w in weights.items() if c in self.units}

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def workday(self, d: date) -> bool:
        w = self._workday_cache.get(d)
        if w is None:
            w = self._workday_cache[d] = DEFAULT_CALENDAR.is_workday(d)
        return w

    def roll(self, d: date) -> date:
        while not self.workday(d):
            d += timedelta(days=1)
        return d

    def due(self, start: date, amount: int, unit: str) -> tuple[date, bool]:
        key = (start, amount, unit)
        hit = self._due_cache.get(key)
        if hit is None:
            dd = compute_due(start, amount, unit)
            hit = self._due_cache[key] = (dd.due_on, dd.approximate)
        return hit

    def weighted_unit(self, codes: list[str]) -> str:
        return self.rng.choices(codes, weights=[_UNIT_WEIGHT.get(c, 1) for c in codes])[0]

    def person(self) -> str:
        r = self.rng
        return r.choice(_SURNAMES) + "".join(r.choice(_GIVEN) for _ in range(r.choice((1, 2, 2))))

    def anon_person(self) -> str:
        return self.rng.choice(_SURNAMES) + self.rng.choice(("某", "某某"))

    def company(self, field: str | None = None) -> str:
        """A company of the kind the agency `field` deals with."""
        return f"武汉{self.rng.choice(('某', '某某'))}{self.rng.choice(_TRADES.get(field, _COMPANY_TRADES))}有限公司"

    def offender(self, field: str, offence: str) -> str:
        """Who is accused of `offence`: a company only where the offence allows a unit's crime."""
        who = OFFENCES.get(field, {}).get(offence, PERSON)
        if who == COMPANY or (who == EITHER and self.rng.random() < 0.5):
            return self.company(field)
        return self.anon_person()

    def phone(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            return f"027-8383{r.randrange(10000):04d}"
        return f"1{r.choice('3589')}{r.randrange(10)}{r.randrange(10 ** 8):08d}"

    def stamp(self, d: date) -> datetime:
        """A plausible office-hours timestamp on day d, naive UTC (Shanghai 09:00–17:00)."""
        return datetime.combine(d, time(1, 0)) + timedelta(minutes=self.rng.randrange(480))

    def issue_for(self, code: str) -> str:
        u = self.units[code]
        pool = _ISSUES.get("subdistrict" if u.category == "subdistrict" else code, _GENERIC_ISSUES)
        return self.rng.choice(pool)

    def place_for(self, code: str) -> str:
        u = self.units[code]
        if u.category == "subdistrict":
            return u.name.replace("街道办事处", "街") + "辖区" + self.rng.choice(("某小区", "某背街小巷", "某农贸市场", "某沿街商铺"))
        return self.rng.choice(self.places)

    def _insert(self, model, rows: list[dict]) -> None:
        """Core executemany in chunks (every row of a table carries the same keys)."""
        stmt = insert(model.__table__)
        for i in range(0, len(rows), _CHUNK):
            self.s.execute(stmt, rows[i:i + _CHUNK])
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(rows)

    def _next_id(self, model) -> int:
        """Past every district's ids (the table's column, not the district-scoped entity)."""
        return (self.s.scalar(select(func.max(model.__table__.c.id))) or 0) + 1

    # -- items -------------------------------------------------------------------------------
    def direction(self, kind: str) -> tuple[str, str]:
        r = self.rng
        if kind in ("crime_transfer", "non_filing_review_request"):
            return self.pick(self.crime_senders), "public_security"
        if kind == "transfer_suggestion":
            return "procuratorate", self.pick(self.crime_senders)
        if kind in ("non_filing_explanation", "filing_notice"):
            return "procuratorate", "public_security"
        if kind == "procuratorial_opinion":
            return "procuratorate", self.pick(self.opinion_targets)
        if kind == "procuratorial_suggestion":
            return "procuratorate", self.weighted_unit(self.targets)
        if kind in ("pil_pre_suit_suggestion", "investigation_assistance"):
            return "procuratorate", self.pick(self.pil_units)
        if kind == "pil_clue_transfer":
            return self.pick(self.pil_units), "procuratorate"
        if kind == "legal_risk_consultation":
            return self.pick(self.consulting_units), "procuratorate"
        if kind == "major_case_notice":
            return self.pick(self.penalty_senders), "procuratorate"
        if kind == "enforcement_clue_transfer":
            return ("justice", "procuratorate") if r.random() < 0.6 else ("procuratorate", "justice")
        if kind == "pre_suit_consultation":
            dept = self.pick(self.pil_units)
            return ("procuratorate", dept) if r.random() < 0.8 else (dept, "procuratorate")
        raise KeyError(kind)

    def describe(self, kind: str, frm: str, to: str) -> tuple[str, str, dict]:
        """(title, summary, details) for one item."""
        r = self.rng
        other = to if frm == "procuratorate" else frm
        other_name = self.units[other].name
        issue, place = self.issue_for(other), self.place_for(other)
        details: dict = {}
        if kind == "procuratorial_suggestion":
            title = f"关于{place}{issue}问题的检察建议"
            summary = (f"本院在履职中发现,{place}存在{issue}问题,{other_name}负有监管职责。"
                       f"依据《人民检察院检察建议工作规定》,建议依法开展排查整治并书面回复。")
        elif kind == "pil_pre_suit_suggestion":
            title = f"关于督促依法履行{issue}监管职责的检察建议"
            summary = (f"{place}存在{issue}问题,损害社会公共利益。{other_name}未依法全面履职,"
                       f"建议依法履行监管职责,及时整改,并书面回复办理情况。")
        elif kind == "procuratorial_opinion":
            person = self.anon_person()  # 不起诉 of a person, whose penalty the agency decides
            offence = r.choice(list(OFFENCES.get(other, {})) or _POLICE_OFFENCES)
            details["case_name"] = _case_name(person, offence)
            title = f"关于对被不起诉人{person}给予行政处罚的检察意见"
            summary = (f"本院对{details['case_name']}作出不起诉决定,被不起诉人需要给予行政处罚,"
                       f"依据《人民检察院刑事诉讼规则》第373条,移送{other_name}依法处理。")
        elif kind == "crime_transfer":
            offence = r.choice(list(OFFENCES[frm]))
            subject = self.offender(frm, offence)
            details["case_name"] = _case_name(subject, offence)
            details["suspected_offence"] = offence
            title = f"关于移送{details['case_name']}的函"
            summary = (f"{self.units[frm].name}在执法检查中发现{subject}涉嫌{offence},"
                       f"依据《行政执法机关移送涉嫌犯罪案件的规定》移送区公安分局,同时抄送区检察院。")
        elif kind == "transfer_suggestion":
            offence = r.choice(list(OFFENCES[to]))
            subject = self.offender(to, offence)
            details["case_name"] = _case_name(subject, offence)
            details["suspected_offence"] = offence
            title = f"关于建议移送{details['case_name']}的函"
            summary = (f"本院在履职中发现,{other_name}查处的{subject}违法案件涉嫌{offence},"
                       f"依据《行政执法机关移送涉嫌犯罪案件的规定》,建议依法移送区公安分局。")
        elif kind == "non_filing_review_request":
            offence = r.choice(list(OFFENCES[frm]))
            details["case_name"] = _case_name(self.offender(frm, offence), offence)
            title = f"关于{details['case_name']}不予立案决定的复议申请"
            summary = (f"{self.units[frm].name}移送的{details['case_name']},区公安分局决定不予立案。"
                       f"移送机关认为该案涉嫌{offence},依法提请复议。")
        elif kind in ("non_filing_explanation", "filing_notice"):
            person = self.anon_person()
            details["case_name"] = _case_name(person, r.choice(_POLICE_OFFENCES))
            if kind == "filing_notice":
                title = f"通知立案书({details['case_name']})"
                summary = "本院审查认为,该案有犯罪事实需要追究刑事责任,不立案理由不能成立,通知区公安分局立案。"
            else:
                title = f"要求说明不立案理由通知书({details['case_name']})"
                summary = "被害人向本院提出立案监督申请,本院要求区公安分局书面说明不立案的理由。"
        elif kind == "pil_clue_transfer":
            title = f"关于移送{place}{issue}公益诉讼线索的函"
            summary = f"{self.units[frm].name}在履职中发现{place}{issue}问题,可能损害社会公共利益,移送区检察院审查。"
        elif kind == "pre_suit_consultation":
            title = f"关于{place}{issue}问题的诉前磋商"
            summary = f"就{place}{issue}问题,区检察院与{other_name}开展诉前磋商,共同研究整改措施和期限。"
        elif kind == "enforcement_clue_transfer":
            dept = self.units[self.weighted_unit(self.targets)].name
            issue2 = r.choice(_ISSUES["justice"])
            title = f"关于{dept}{issue2}的执法监督线索移送函"
            summary = f"在行政执法监督中发现{dept}存在{issue2}问题,移送{self.units[to].name}依职权处理。"
        elif kind == "major_case_notice":
            subject = self.company(frm)
            violation, penalty = r.choice(_PENALTIES[frm])
            amount = r.choice((5, 8, 10, 12, 15, 20, 30, 50))
            penalty = penalty.replace("罚款", f"罚款{amount}万元", 1)
            title = f"关于{subject}{violation}案重大行政处罚的情况通报"
            summary = (f"{self.units[frm].name}查明{subject}{violation},依法作出{penalty}的行政处罚决定,"
                       f"依照“府检联动”工作机制通报区检察院。")
        elif kind == "legal_risk_consultation":
            subject = f"{place}改造项目法律风险评估" if r.random() < 0.5 else f"{issue}有关法律问题"
            title = f"关于{subject}的{'征询函' if subject.endswith('评估') else '咨询函'}"
            summary = f"{self.units[frm].name}就{subject}征询区检察院法律意见,请于规定期限内出具书面意见。"
        elif kind == "investigation_assistance":
            case = f"{place}{issue}公益诉讼案"
            title = f"关于协助调取{case}相关执法资料的函"
            summary = f"本院办理{case},需{other_name}协助提供相关行政执法卷宗及监管资料。"
        else:  # pragma: no cover - every kind is handled above
            title, summary = KINDS[kind].label, None
        for field in KINDS[kind].extra_fields:
            details.setdefault(field, None)
        return title, summary, details

    def key_task_for(self, kind: str, to: str, frm: str) -> int | None:
        other = to if frm == "procuratorate" else frm
        if other in ("ecology_environment", "water_lakes", "natural_resources") and kind.startswith("pil"):
            pool = (6, 12)
        elif other in ("education", "culture_tourism") and kind in ("procuratorial_suggestion",
                                                                   "pil_pre_suit_suggestion"):
            pool = (13,)
        else:
            pool = {
                "procuratorial_suggestion": (9, 11, 12), "pil_pre_suit_suggestion": (12, 6),
                "pil_clue_transfer": (12,), "pre_suit_consultation": (12,), "investigation_assistance": (12,),
                "crime_transfer": (2, 3, 8) if other in ("market_regulation", "taxation", "commerce") else (3,),
                "non_filing_explanation": (3,), "filing_notice": (3,), "procuratorial_opinion": (9,),
                "transfer_suggestion": (8,), "non_filing_review_request": (8,),
                "enforcement_clue_transfer": (9,), "major_case_notice": (9,), "legal_risk_consultation": (7, 8),
            }[kind]
        return self.tasks.get(self.rng.choice(pool))

    def gen_items(self) -> None:
        r, today = self.rng, self.today
        span = [self.start + timedelta(days=i) for i in range((today - self.start).days + 1)]
        workdays = [d for d in span if self.workday(d)] or span
        plan = []
        for kind, weight in KIND_WEIGHTS.items():
            plan += [(r.choice(workdays), r.random(), kind) for _ in range(weight * self.scale)]
        plan.sort()
        numbers: dict[tuple[str, int], int] = {}
        item_id = self._next_id(Item)
        items, events = [], []
        self.overdue_items: list[dict] = []
        self.late_items: list[dict] = []
        p_returned, p_withdrawn = 0.02, 0.01
        for sent_on, _, kind in plan:
            k = KINDS[kind]
            frm, to = self.direction(kind)
            title, summary, details = self.describe(kind, frm, to)
            prefix = self.doc_prefix(kind, frm)
            n = numbers[(prefix, sent_on.year)] = numbers.get((prefix, sent_on.year), 0) + 1
            doc_number = f"{prefix}〔{sent_on.year}〕{n}号"
            if "suggestion_number" in details:
                details["suggestion_number"] = doc_number
            urgent = kind == "pil_pre_suit_suggestion" and r.random() < 0.2
            rule = rule_for(kind, urgent)
            # Signed for 0–3 days later (working days); maybe not yet if sent in the last days.
            received_on: date | None = self.roll(sent_on + timedelta(days=r.choice((0, 0, 0, 1, 1, 1, 2, 2, 3))))
            if received_on > sent_on + timedelta(days=3):
                received_on = sent_on + timedelta(days=3)
            if received_on > today or ((today - sent_on).days <= 3 and r.random() < 0.4):
                received_on = None
            anchor = received_on or sent_on
            needs_feedback = rule.needs_feedback
            due_on = due_rule = override = None
            approximate = False
            if kind == "pre_suit_consultation":
                agreed = r.choice((20, 30, 30, 45, 60))
                due_on, _ = self.due(anchor, agreed, "days")
                # an agreed date is exact, and reads as the commands write any overridden date
                due_rule, override = t("item.due_override_rule"), "双方磋商议定"
            elif needs_feedback:
                amount, unit = rule.amount, rule.unit
                due_rule = describe_rule(rule, urgent)
                if not urgent and r.random() < 0.12 and kind in _OVERRIDES:
                    amount, unit, override = _OVERRIDES[kind]
                    due_rule = t("item.due_override_rule")  # the reason says what the document set
                due_on, approximate = self.due(anchor, amount, unit)
                approximate = approximate and override is None
            else:
                due_rule = describe_rule(rule)
            row = dict(id=item_id, kind=kind, mechanism=k.mechanism, from_unit_id=self.units[frm].id,
                       to_unit_id=self.units[to].id, doc_number=doc_number, title=title, summary=summary,
                       details=details, sent_on=sent_on, received_on=received_on,
                       needs_feedback=needs_feedback, due_on=due_on, due_rule=due_rule, due_basis=rule.basis,
                       due_override_reason=override, due_approximate=approximate, urgent=urgent,
                       status=SENT, outcome=None, feedback_on=None, feedback_text=None, closed_on=None,
                       key_task_id=self.key_task_for(kind, to, frm) if r.random() < 0.2 else None,
                       external_ref=None, is_demo=True, version=1, created_at=self.stamp(sent_on))
            ev = [("created", None, SENT, sent_on, f"{self.units[frm].name}发出:{doc_number}")]
            self.lifecycle(row, ev, k, p_returned, p_withdrawn)
            row["updated_at"] = self.stamp(ev[-1][3])
            items.append(row)
            for event_type, from_s, to_s, on, note in ev:
                events.append(dict(item_id=item_id, event_type=event_type, from_status=from_s, to_status=to_s,
                                   note=note, occurred_on=on, actor_id=None, created_at=self.stamp(on)))
            item_id += 1
        self._insert(Item, items)
        self.items = items
        self.item_events = events

    def doc_prefix(self, kind: str, frm: str) -> str:
        if frm == "procuratorate":
            return self.mark + "检" + {"procuratorial_suggestion": "行建", "pil_pre_suit_suggestion": "行公建",
                             "procuratorial_opinion": "刑意", "non_filing_explanation": "要说",
                             "filing_notice": "通立", "investigation_assistance": "协",
                             "pre_suit_consultation": "磋", "enforcement_clue_transfer": "移",
                             "transfer_suggestion": "建移"}[kind]
        abbr = _ABBR.get(frm) or self.units[frm].name.replace("街道办事处", "街")[:3]
        return self.mark + abbr + {"crime_transfer": "移", "pil_clue_transfer": "函", "major_case_notice": "通",
                              "legal_risk_consultation": "函", "pre_suit_consultation": "函",
                              "enforcement_clue_transfer": "监移", "non_filing_review_request": "复议"}[kind]

    def lifecycle(self, row: dict, ev: list, k, p_returned: float, p_withdrawn: float) -> None:
        """Decide the item's history up to today and append its timeline events."""
        r, today = self.rng, self.today
        sent_on, received_on, due_on = row["sent_on"], row["received_on"], row["due_on"]
        to_name = self.unit_by_id[row["to_unit_id"]].name
        status = SENT
        if received_on:
            ev.append(("received", SENT, RECEIVED, received_on, f"{to_name}签收"))
            status = RECEIVED
        x = r.random()
        if k.code != "major_case_notice" and x < p_returned + p_withdrawn:
            on = self.roll((received_on or sent_on) + timedelta(days=r.randint(1, 7)))
            if on <= today:
                if x < p_returned and status in (SENT, RECEIVED):
                    ev.append(("returned", status, RETURNED, on, r.choice(
                        ("移送材料不齐全,退回补充", "不属于本单位管辖,退回发文单位", "案件事实不清,退回补充调查"))))
                    row["status"] = RETURNED
                else:
                    ev.append(("withdrawn", status, WITHDRAWN, on, r.choice(
                        ("发文单位撤回,已另行处理", "问题已自行整改到位,发文单位撤回"))))
                    row["status"] = WITHDRAWN
                return
        if not row["needs_feedback"]:
            # Information only: acknowledged, then closed.
            if received_on:
                ack = self.roll(received_on + timedelta(days=r.randint(0, 5)))
                if ack <= today:
                    outcome = k.outcomes[0]
                    ev.append(("responded", status, RESPONDED, ack, outcome))
                    row.update(status=RESPONDED, outcome=outcome, feedback_on=ack, feedback_text=_OUTCOME_TEXT[outcome])
                    closed = self.roll(ack + timedelta(days=r.randint(0, 10)))
                    if closed <= today:
                        ev.append(("closed", RESPONDED, CLOSED, closed, "归档"))
                        row.update(status=CLOSED, closed_on=closed)
                    return
            row["status"] = status
            return
        anchor = received_on or sent_on
        overdue_days = (today - due_on).days
        if overdue_days > 0:
            p_stuck = 0.28 if overdue_days <= 30 else 0.10 if overdue_days <= 90 else 0.025
        else:
            p_stuck = 0.0
        stuck = r.random() < p_stuck
        responded_on = None
        if not stuck and received_on:
            if r.random() < 0.17:  # answered late
                responded_on = self.roll(due_on + timedelta(days=min(120, 1 + int(r.expovariate(1 / 14)))))
            else:
                period = max(1, (due_on - anchor).days)
                responded_on = self.roll(anchor + timedelta(days=max(1, round(r.triangular(1, period, period * 0.8)))))
                if responded_on > due_on:
                    responded_on = due_on
        started_on = self.roll(received_on + timedelta(days=r.randint(1, 7))) if received_on else None
        if responded_on is not None and responded_on <= today:
            if started_on and started_on < responded_on:
                ev.append(("started", status, IN_PROGRESS, started_on, "开始办理"))
                status = IN_PROGRESS
            weights = (0.65, 0.25, 0.10)[:len(k.outcomes)]
            outcome = r.choices(k.outcomes, weights=weights)[0]
            ev.append(("responded", status, RESPONDED, responded_on, f"书面反馈:{outcome}"))
            row.update(status=RESPONDED, outcome=outcome, feedback_on=responded_on,
                       feedback_text=f"{to_name}:{_OUTCOME_TEXT.get(outcome, outcome)}")
            if responded_on > due_on:
                self.late_items.append(row)
            closed = self.roll(responded_on + timedelta(days=r.randint(1, 20)))
            if closed <= today and r.random() < (0.5 if outcome == "整改中" else 0.92):
                ev.append(("closed", RESPONDED, CLOSED, closed, "办结归档"))
                row.update(status=CLOSED, closed_on=closed)
            return
        # Still open today.
        if received_on is None:
            row["status"] = SENT
        elif stuck and received_on == sent_on and r.random() < 0.1:
            # Never signed for: the period runs from sending, which here is the same day.
            row["received_on"] = None
            del ev[1:]
            row["status"] = SENT
        elif stuck and r.random() < 0.3:
            row["status"] = RECEIVED
        elif started_on <= today:
            ev.append(("started", RECEIVED, IN_PROGRESS, started_on, "开始办理"))
            row["status"] = IN_PROGRESS
        else:
            row["status"] = RECEIVED
        if overdue_days > 0:
            self.overdue_items.append(row)
            if overdue_days > 5 and r.random() < 0.5:
                on = self.roll(due_on + timedelta(days=r.randint(1, min(overdue_days - 1, 10))))
                if on <= today:
                    ev.append(("reminded", None, None, on, "协调机制办公室电话催办"))

    # -- liaisons ----------------------------------------------------------------------------
    def gen_liaisons(self) -> None:
        r, today = self.rng, self.today
        have = set(self.s.scalars(select(Liaison.unit_id).distinct()))
        base = min(date(2025, 6, 3), today - timedelta(days=300))
        rows = []
        for code, u in self.units.items():
            if u.id in have:
                continue
            start = self.roll(base + timedelta(days=r.randint(0, 20)))
            first = dict(unit_id=u.id, name=self.person(), phone=self.phone(), email=f"{code}@example.invalid",
                         start_on=start, end_on=None,
                         reported_on=start + timedelta(days=r.randint(0, 3)), external_ref=None, is_demo=True,
                         version=1)
            rows.append(first)
            if r.random() < 0.2:  # the liaison changed during the year
                change = self.roll(start + timedelta(days=r.randint(60, max(61, (today - start).days - 5))))
                if change < today:
                    first["end_on"] = change - timedelta(days=1)
                    x = r.random()
                    reported = (change + timedelta(days=r.randint(0, 5)) if x < 0.5 else
                                change + timedelta(days=r.randint(10, 45)) if x < 0.8 else None)
                    if reported and reported > today:
                        reported = None
                    first["email"] = f"{code}.former@example.invalid"
                    rows.append(dict(unit_id=u.id, name=self.person(), phone=self.phone(),
                                     email=f"{code}@example.invalid", start_on=change,
                                     end_on=None, reported_on=reported, external_ref=None, is_demo=True, version=1))
        self._insert(Liaison, rows)

    # -- key tasks ---------------------------------------------------------------------------
    def gen_key_tasks(self) -> None:
        r, today = self.rng, self.today
        existing = set(self.s.execute(select(TaskAssignment.task_id, TaskAssignment.unit_id)).all())
        assignments, milestones, updates = [], [], []
        for number, (lead, pool) in _TASK_UNITS.items():
            task_id = self.tasks.get(number)
            if task_id is None:
                continue
            pool = [c for c in pool if c in self.units]
            partners = r.sample(pool, min(len(pool), r.randint(2, 4)))
            assigned = [lead] + partners
            for i, code in enumerate(assigned):
                if (task_id, self.units[code].id) not in existing:
                    assignments.append(dict(task_id=task_id, unit_id=self.units[code].id,
                                            role="lead" if i == 0 else "participating", is_demo=True))
            # Milestones between 2025-06 and 2026-12.
            n = r.randint(2, 4)
            months = sorted(r.sample(range(19), n))  # 0 = 2025-06 … 18 = 2026-12
            titles = r.sample(_MILESTONE_TITLES, n)
            all_done = True
            for m, title in zip(months, titles):
                y, mo = 2025 + (5 + m) // 12, (5 + m) % 12 + 1
                planned = date(y, mo, r.choice((10, 15, 20, 25, 28)))
                done = None
                x = r.random()
                if planned < today:
                    if x < 0.6:
                        done = planned - timedelta(days=r.randint(0, 20))
                    elif x < 0.82:
                        done = min(today, planned + timedelta(days=r.randint(5, 60)))
                elif x < 0.12:
                    done = today - timedelta(days=r.randint(0, 20))
                if done is not None and done > today:
                    done = today
                all_done = all_done and done is not None
                milestones.append(dict(task_id=task_id, title=title, planned_on=planned, done_on=done,
                                       is_demo=True, version=1))
            # Progress updates, percent increasing over time.
            k = r.randint(2, 5)
            first = max(date(2025, 6, 15), today - timedelta(days=330))
            days = sorted(r.sample(range(max(k, (today - first).days)), k))
            percent = 0
            cap = 100 if all_done else 95
            for d in days:
                percent = min(cap, percent + r.randint(10, 30))
                text_ = r.choice(_PROGRESS_TEXTS).format(n=r.randint(3, 30), m=r.randint(1, 3))
                unit = lead if r.random() < 0.6 else r.choice(assigned)
                updates.append(dict(task_id=task_id, unit_id=self.units[unit].id,
                                    reported_on=first + timedelta(days=d), percent=percent,
                                    text=f"{self.units[unit].name}{text_}", created_by=None, is_demo=True))
            if all_done:  # every milestone met: the latest report says so
                updates[-1]["percent"] = 100
        self._insert(TaskAssignment, assignments)
        self._insert(Milestone, milestones)
        self._insert(ProgressUpdate, updates)

    # -- meetings ----------------------------------------------------------------------------
    def gen_meetings(self) -> None:
        r, today = self.rng, self.today
        leaders = self.leaders
        gov = leaders.get("convener_government")
        pro = leaders.get("convener_procuratorate")
        dep = leaders.get("deputy_convener")
        gov_s = f"{gov.name} {gov.title}" if gov else "区政府副区长"
        pro_s = f"{pro.name} {pro.title}" if pro else "区检察院检察长"
        dep_s = f"{dep.name} {dep.title}" if dep else "区委(区政府)办公室副主任"
        office_s = f"{self.proc.leader_name} 区检察院{self.proc.leader_title}" if self.proc.leader_name else "协调机制办公室"
        all_codes = list(self.units)
        plan = []
        days = (today - self.start).days
        for kind, per_scale in MEETINGS_PER_SCALE:
            n = per_scale * self.scale
            for i in range(n):
                if kind == "joint_meeting":  # spread evenly through the year
                    d = self.start + timedelta(days=int((i + 0.5) * days / n) + r.randint(-5, 5))
                else:
                    d = self.start + timedelta(days=r.randint(5, days))
                plan.append((self.roll(min(d, today - timedelta(days=1))), r.random(), kind))
        plan.sort()
        meeting_id = self._next_id(Meeting)
        fu_id = self._next_id(FollowUp)
        joint_no: dict[int, int] = {}
        meetings, attendance, follow_ups, assists, notes = [], [], [], [], []
        self.overdue_follow_ups: list[dict] = []
        for held_on, _, kind in plan:
            held_on = min(held_on, today)
            topic = r.choice(_MEETING_TOPICS)
            if kind == "joint_meeting":
                joint_no[held_on.year] = joint_no.get(held_on.year, 0) + 1
                title = f"{held_on.year}年第{joint_no[held_on.year]}次府检联动工作联席会议"
                attendees = all_codes
                convened = r.choice((gov_s, pro_s))
                topics = f"通报府检联动工作开展情况;研究{topic}、{r.choice(_MEETING_TOPICS)}等重点工作;部署下一阶段任务"
            else:
                size = {"partial_meeting": (5, 10), "business_symposium": (3, 8),
                        "difficult_case_seminar": (3, 6), "emergency_assessment": (4, 8)}[kind]
                others = r.sample([c for c in all_codes if c != "procuratorate"], r.randint(*size))
                attendees = ["procuratorate"] + others
                if kind == "partial_meeting":
                    title = f"关于{topic}的部分成员单位会议"
                    convened = r.choice((dep_s, office_s, gov_s))
                elif kind == "business_symposium":
                    title = f"{topic}专题业务座谈会"
                    convened = r.choice((office_s, pro_s))
                elif kind == "difficult_case_seminar":
                    title = f"{topic}疑难问题分析研讨会"
                    convened = office_s
                else:
                    topic = r.choice(_EMERGENCY_EVENTS)
                    title = f"关于{topic}的应急事件研判会"
                    convened = gov_s
                topics = f"{topic}有关情况通报及研判;明确各单位职责分工和衔接措施"
            names = "、".join(self.units[c].name for c in r.sample(attendees[1:], min(3, len(attendees) - 1)))
            meetings.append(dict(id=meeting_id, kind=kind, title=title, held_on=held_on,
                                 place=r.choice(_JOINT_MEETING_PLACES if kind == "joint_meeting" else
                                                _EMERGENCY_PLACES if kind == "emergency_assessment" else
                                                _MEETING_PLACES), convened_by=convened, topics=topics,
                                 minutes_summary=None, is_demo=True, version=1))
            for code in attendees:
                attendance.append(dict(meeting_id=meeting_id, unit_id=self.units[code].id))
            n_fu = r.randint(2, 4)
            meetings[-1]["minutes_summary"] = (f"会议听取了{names}等单位关于{topic}的情况汇报,"
                                               f"研究了存在的问题和下一步措施,议定事项{n_fu}项。")
            for _ in range(n_fu):
                lead = r.choice(attendees)
                period = r.choice((15, 30, 30, 45, 60, 90))
                due_on = self.due(held_on, period, "days")[0]
                subject = "隐患" if kind == "emergency_assessment" else topic
                row = dict(id=fu_id, meeting_id=meeting_id, text=r.choice(_FOLLOW_UP_ACTIONS).format(t=subject),
                           lead_unit_id=self.units[lead].id, due_on=due_on, due_rule=t("follow_up.due_rule", amount=period, unit=UNIT_LABELS["days"]),
                           period_amount=period, period_unit="days",
                           status=FU_OPEN, done_on=None, evidence=None, cancel_reason=None, external_ref=None,
                           is_demo=True, version=1)
                x = r.random()
                if due_on < today:
                    # most are done (a few late), a few cancelled; a few still open past the due
                    # date, fewer the longer ago it was
                    p_open = 0.25 if (today - due_on).days <= 30 else 0.08
                    if x < p_open:
                        row["status"] = r.choice((FU_OPEN, FU_IN_PROGRESS, FU_IN_PROGRESS))
                        self.overdue_follow_ups.append(row)
                    elif x < p_open + 0.05:
                        row.update(status=FU_CANCELLED, cancel_reason=r.choice(
                            ("情况发生变化,经召集人同意取消", "已并入其他议定事项办理")))
                    else:
                        done = due_on - timedelta(days=r.randint(0, period - 1)) if r.random() < 0.85 else \
                            min(today, due_on + timedelta(days=r.randint(1, 30)))
                        row.update(status=FU_DONE, done_on=done, evidence=r.choice(_FU_EVIDENCE))
                elif x < 0.2 and held_on < today:
                    row.update(status=FU_DONE, done_on=held_on + timedelta(days=r.randint(1, (today - held_on).days)),
                               evidence=r.choice(_FU_EVIDENCE))
                else:
                    row["status"] = FU_IN_PROGRESS if x < 0.6 else FU_OPEN
                follow_ups.append(row)
                helpers = [c for c in attendees if c != lead]
                for code in r.sample(helpers, min(len(helpers), r.randint(0, 2))):
                    assists.append(dict(follow_up_id=fu_id, unit_id=self.units[code].id))
                n_notes = {FU_IN_PROGRESS: r.randint(1, 2), FU_DONE: r.randint(0, 1),
                           FU_OPEN: r.randint(0, 1) if due_on < today else 0}.get(row["status"], 0)
                end = row["done_on"] or today
                for _ in range(n_notes):
                    if end <= held_on:
                        break
                    on = held_on + timedelta(days=r.randint(1, (end - held_on).days))
                    notes.append(dict(follow_up_id=fu_id, note=r.choice(_FU_NOTES), noted_on=on, actor_id=None,
                                      created_at=self.stamp(on)))
                fu_id += 1
            meeting_id += 1
        self._insert(Meeting, meetings)
        self._insert(MeetingAttendance, attendance)
        self._insert(FollowUp, follow_ups)
        self._insert(FollowUpAssist, assists)
        self._insert(FollowUpNote, notes)

    # -- supervision -------------------------------------------------------------------------
    def gen_supervision(self) -> None:
        r, today = self.rng, self.today
        rows = []

        def level_for(days_over: int) -> str:
            if days_over > 90:
                return r.choices(SUPERVISION_LEVELS, weights=(2, 4, 4))[0]
            return r.choices(SUPERVISION_LEVELS, weights=(6, 3, 1))[0]

        def add(target_type, target_id, unit_id, due_on, what):
            days_over = (today - due_on).days
            level = level_for(days_over)
            issued = self.roll(due_on + timedelta(days=r.randint(3, 20)))
            row = dict(target_type=target_type, target_id=target_id, unit_id=unit_id, level=level,
                       status=SUP_ISSUED, issued_on=issued, issued_by=None, response_text=None, responded_on=None,
                       resolution_text=None, resolved_on=None, is_demo=True, version=1)
            if issued > today:  # drafted by the office, awaiting the convener
                row.update(status=SUP_DRAFT, issued_on=None)
                issued = today
            deadline = issued + timedelta(days=r.choice((7, 10, 15)))
            unit_name = self.unit_by_id[unit_id].name
            row["deadline"] = deadline
            row["instruction"] = (f"请{unit_name}于{deadline.month}月{deadline.day}日前就“{what}”书面反馈办理情况;"
                                  f"逾期未办结的,提请召集人约谈。")
            if row["status"] == SUP_ISSUED:
                x = r.random()
                answer_by = min(today, deadline + timedelta(days=5))
                if x < 0.4 and answer_by > issued:
                    on = issued + timedelta(days=r.randint(1, (answer_by - issued).days))
                    row.update(status=SUP_RESPONDED, responded_on=on,
                               response_text=r.choice(("已成立专班推进,预计月底前书面反馈。",
                                                       "因涉及多部门协调,申请延期15日办结。",
                                                       "已完成主要工作,正在起草书面反馈。")))
            rows.append(row)
            return row

        overdue = self.overdue_items
        for item in r.sample(overdue, round(len(overdue) * 0.25)):
            row = add("item", item["id"], item["to_unit_id"], item["due_on"], item["title"])
            if row["issued_on"]:
                self.item_events.append(dict(
                    item_id=item["id"], event_type="supervision", from_status=None, to_status=None,
                    note=f"限期督办({row['level']}):请于{row['deadline'].isoformat()}前反馈", occurred_on=row["issued_on"],
                    actor_id=None, created_at=self.stamp(row["issued_on"])))
        # History: supervision that worked (the item was then answered, late).
        late = [i for i in self.late_items if (i["feedback_on"] - i["due_on"]).days > 10]
        for item in r.sample(late, round(len(late) * 0.15)):
            issued = self.roll(item["due_on"] + timedelta(days=r.randint(3, 7)))
            if issued >= item["feedback_on"]:
                continue
            resolved = min(today, self.roll(item["feedback_on"] + timedelta(days=r.randint(1, 5))))
            unit_name = self.unit_by_id[item["to_unit_id"]].name
            deadline = issued + timedelta(days=10)
            rows.append(dict(target_type="item", target_id=item["id"], unit_id=item["to_unit_id"],
                             level=level_for(0), deadline=deadline,
                             instruction=f"请{unit_name}于{deadline.month}月{deadline.day}日前就“{item['title']}”书面反馈办理情况。",
                             status=SUP_RESOLVED, issued_on=issued, issued_by=None,
                             response_text="已书面反馈办理结果。", responded_on=item["feedback_on"],
                             resolution_text="单位已书面反馈,督办事项办结。", resolved_on=resolved, is_demo=True,
                             version=1))
            self.item_events.append(dict(
                item_id=item["id"], event_type="supervision", from_status=None, to_status=None,
                note=f"限期督办:请于{deadline.isoformat()}前反馈", occurred_on=issued, actor_id=None,
                created_at=self.stamp(issued)))
        for fu in r.sample(self.overdue_follow_ups, round(len(self.overdue_follow_ups) * 0.25)):
            add("follow_up", fu["id"], fu["lead_unit_id"], fu["due_on"], fu["text"])
        self._insert(Supervision, rows)

    def run(self) -> dict[str, int]:
        self.gen_liaisons()
        self.gen_key_tasks()
        self.gen_items()
        self.gen_meetings()
        self.gen_supervision()
        self._insert(ItemEvent, self.item_events)
        return dict(sorted(self.counts.items()))


# kind -> (amount, unit, reason) when the document itself sets another period.
_OVERRIDES = {
    "procuratorial_suggestion": (1, "months", "检察建议书载明收到后1个月内书面回复"),
    "pil_pre_suit_suggestion": (1, "months", "检察建议书载明收到后1个月内书面回复"),
    "procuratorial_opinion": (1, "months", "检察意见书载明收到后1个月内书面回复"),
    "investigation_assistance": (10, "days", "协助函载明收到后10日内提供资料"),
    "legal_risk_consultation": (10, "working_days", "项目推进时间紧,经双方商定10个工作日内出具意见"),
}

# task number -> (lead unit, candidate participating units); a plausible demo assignment.
_TASK_UNITS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("public_security", ("procuratorate", "justice", "education", "culture_tourism", "economy_it")),
    2: ("finance", ("procuratorate", "public_security", "market_regulation", "state_assets", "commerce")),
    3: ("public_security", ("procuratorate", "justice", "civil_affairs", "emergency", "fire_rescue")),
    4: ("economy_it", ("procuratorate", "market_regulation", "economic_development_zone", "development_reform")),
    5: ("development_reform", ("commerce", "economy_it", "economic_development_zone", "procuratorate")),
    6: ("ecology_environment", ("water_lakes", "natural_resources", "procuratorate", "urban_management")),
    7: ("development_reform", ("natural_resources", "housing_renewal", "administrative_approval", "procuratorate")),
    8: ("market_regulation", ("administrative_approval", "taxation", "procuratorate", "commerce")),
    9: ("justice", ("procuratorate", "urban_management", "market_regulation", "administrative_approval")),
    10: ("justice", ("civil_affairs", "human_resources", "procuratorate", "hanzheng_street", "gutian_street")),
    11: ("civil_affairs", ("procuratorate", "urban_management", "hanzheng_street", "yijia_street", "baofeng_street")),
    12: ("procuratorate", ("market_regulation", "ecology_environment", "health", "medical_security")),
    13: ("education", ("procuratorate", "public_security", "civil_affairs", "culture_tourism")),
    14: ("justice", ("procuratorate", "education", "culture_tourism", "civil_affairs")),
}


def _sync_sequences(session, models) -> None:
    """PostgreSQL: explicit ids do not advance SERIAL sequences; move them past the max id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}), (SELECT MAX(id) IS NOT NULL FROM {table}))"))


def generate_demo(engine: Engine, *, scale: int = 1, today: date | None = None,
                  seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Generate a year of demo data up to `today`; {} if demo data was generated before."""
    today = today or clock.today()
    session = session_factory(engine)()
    try:
        with session.begin():
            if Setting.row(session, DEMO_SETTING_KEY) is not None:
                return {}
            # Claim the key first: a concurrent generator blocks here or fails on the primary key.
            session.execute(insert(Setting), [{"key": DEMO_SETTING_KEY, "version": 1,
                                               "value": {"generated_on": today.isoformat(), "scale": scale}}])
            session.flush()
            counts = _Gen(session, scale=scale, today=today, seed=seed).run()
            _sync_sequences(session, (Item, Meeting, FollowUp))
            session.add(AuditLog(username="system", action="seed.generate_demo", entity="demo", after=counts))
        return counts
    except IntegrityError:
        session.rollback()
        if Setting.row(session, DEMO_SETTING_KEY) is not None:
            return {}
        raise
    finally:
        session.close()


def create_demo_accounts(engine: Engine) -> int:
    """Create the demo accounts that do not exist yet; returns how many were created."""
    from db.commands.users import CreateUser  # local import: keeps `seed.demo` cheap to import

    with session_factory(engine)() as session:
        existing = set(session.scalars(select(User.username)))
        units = dict(session.execute(select(Unit.code, Unit.id)).all())
    created = 0
    for account in DEMO_ACCOUNTS:
        if account["username"] in existing:
            continue
        unit_code = account["unit_code"]
        if unit_code and unit_code not in units:
            raise RuntimeError(f"unit {unit_code!r} missing: run seed.reference.load_reference first")
        CreateUser(SYSTEM_ADMIN_ACTOR, username=account["username"], display_name=account["display_name"],
                   password=account["password"], role=account["role"],
                   unit_id=units.get(unit_code) if unit_code else None, is_demo=True).run(engine)
        created += 1
    return created


def main(argv: list[str] | None = None) -> int:
    from db.engine import make_engine, migrate
    from seed.reference import load_reference

    parser = argparse.ArgumentParser(prog="python -m seed.demo", description="Generate demo data.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="ISO date (default: today)")
    parser.add_argument("--no-accounts", action="store_true", help="do not create the demo accounts")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    migrate(engine)
    load_reference(engine)
    started = _time.perf_counter()
    counts = generate_demo(engine, scale=args.scale, today=args.today, seed=args.seed)
    elapsed = _time.perf_counter() - started
    if counts:
        print(f"demo data generated in {elapsed:.1f}s: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    else:
        print("demo data already present; nothing generated")
    if not args.no_accounts:
        print(f"demo accounts created: {create_demo_accounts(engine)}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
