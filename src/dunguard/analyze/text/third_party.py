"""Family checks for ``third_party_contact`` and ``debt_disclosure`` (rule T7).

These two labels depend on *who reads the message*, not only on its words: a plain
reminder becomes third-party contact when it is sent to the debtor's sister.  The reader
is known from ``addressee`` (scan input, or the event's party in a case) or from wording
that addresses a third party (the ``third_party_address`` cue: 请转告, 您是X的紧急联系人,
贵单位员工 …).  The lexicon entries ``tp.addressee`` and ``dd.to_third_party`` name these
functions in their ``check`` field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dunguard.analyze.text.scanner import MessageContext

# Addressee roles that are not the debtor (or a guarantor, who may lawfully be asked).
THIRD_PARTY_ROLES = frozenset({"contact", "third_party", "family", "friend", "colleague", "employer",
                               "group", "public", "emergency_contact"})
DEBTOR_ROLES = frozenset({"debtor", "guarantor", "self"})

# Something that tells the reader the debtor owes: owing / overdue / an amount.
_DEBT_DETAIL = re.compile(
    r"(?:欠(?:款|钱|债|了|我|着)?|逾期|yq|超期|过期了|断供|借了|借款(?:已|逾期|未|金额|\d)|未还|不还|没还|拖欠|款子|有笔账|账没|借的钱|"
    r"借(?:了)?(?:我们|我司|平台)的?钱|账款|款项(?:待|未|没)|(?:没有?|未)结清|还差|透支|逃债|逃废债|赖账|老赖|"
    r"(?:借贷|借款|债务|网贷)纠纷|被起诉|被执行人|"
    # repaying named as the demand (把钱还上, 还钱, 这笔平了), online loans, Cantonese and
    # pinyin spellings (借咗钱唔还, qian款已yu期), a loan fraud "suspected", or a bare sum to
    # repay or cover (把5200还上, 3800先垫上)
    r"还钱|把钱(?:还|给|整|拿|打|转|凑)|钱(?:还上|还了|还回|赶紧|给我)|这笔[^，,。]{0,3}平|网贷|借咗|唔还|冇还|qian款|yu期|"
    r"骗贷|贷款诈骗|信用卡诈骗|借贷诈骗|(?:尽快|马上|立即|赶紧|立刻)还款|"
    # the debt named as "our one" to repay, a personal debt problem, an account left unpaid,
    # a collection list, urging repayment (先把我们这个还了, 个人债务问题, 的账拖了好久, 重点催收名单)
    r"把(?:我们|我司)?(?:这个|这笔|那笔)[^，,。]{0,4}还|个人债务|债务问题|的账[^，,。]{0,3}(?:拖|没|未|还没)|催收名单|重点催收|督促[^，,。]{0,3}还款|"
    r"\d{3,}[^，,。\d]{0,6}(?:还上|还了|还清|垫上|先垫)|"
    r"\d[\d,.]*\s*(?:元|块|万)|[一二三四五六七八九十两百千万]+(?:元|块|万)|[一二三四五六七八九两]千[一二三四五六七八九]?(?![米克])"
    r")"
)

# Without debt talk, a relay request is collection only if it asks to reach the debtor: call
# us back, where is he, we cannot reach him, his number, an urgent matter.
_COLLECTION_ASK = re.compile(
    r"(?:回电|回个电话|回电话|回我们|联系我们|给我们|找(?:他|她)|在哪|住哪|下落|行踪|联系不上|联系不到|"
    r"换号|号码|联系方式|急事|处理|账户|账单|业务|平台|本人|打不通|关机|接电话|联系一下|联系人|认识|"
    r"在(?:宿舍|家|单位|公司|学校)(?:吗|没)|在不在|找一下|通过您|通过你)"
)

# A message to a third party that pressures or hunts for the debtor, with no debt word: the
# debtor must come out and face it, has vanished, is suspected of something, or a lender's
# risk / collection department is checking up on them (你是他哥吧？跟他说再不出来处理…,
# 员工黄某是否仍在贵司任职 from a 风控部门, 他人找不到了 你有他别的联系方式吗).
_PRESSURE = re.compile(
    r"(?:再不出来|不出来(?:处理|面对|解决)|出来(?:面对|处理|解决)|出面(?:处理|解决)|否则|后果(?:自负|自己|他自己|她自己|由)|"
    r"躲(?:着|了|起来|债|到)|失联|(?:人|他|她)(?:也)?找不到|找不到(?:他|她|人)|不接(?:我们的?)?电话|再不出面|只能(?:一直)?找(?:您|你)|"
    r"(?:是不是|是否)(?:已经)?(?:搬走|跑了|离职|辞职)|断供|外访|本人配合|受托|委托处理|停机|跑路|"
    r"有没有回(?:过)?家|必须找到|受委托|(?:电话|手机)(?:一直|总是|老是)(?:关机|打不通|不接)|找(?:了)?(?:他|她)(?:好几天|几天|好久)|好几天(?:都)?找不到|(?:有|知道)(?:他|她)的?(?:消息|下落)[^，,。]{0,6}告诉我们|"
    r"涉嫌|立案|包庇|连(?:你|您)(?:们)?一起(?:告|起诉|追究)|yq|yu期|qian款|再不huan|帮(?:他|她)[^，,。]{0,8}(?:垫上|垫一下|先垫)|(?:让|叫)(?:他|她)(?:自己)?看着办|风控|贷后|催收|清收|委外|"
    r"(?:他|她|其|某)(?:的|有)?(?:点)?(?:事情|事务|事)(?:[^，,。]{0,8})(?:处理|解决|面对|通知|紧急|配合|当面沟通)|紧急事务|"
    r"(?:与|和|跟)我们(?:取得)?联系|(?:给|跟)我们(?:一个|个)?(?:答复|回话|回个话|交代)|"
    r"(?:别的|其他|新的?)联系方式|留(?:给|了)?[^，,。]{0,4}我们|"
    # a lender asking after the debtor, or "or else next we contact his parents"
    r"(?:我们是|我是|这里是|这边是)[^，,。]{0,8}(?:平台|金融|贷|资产管理)[^。]{0,20}(?:了解|核实|打听|问)|不然(?:下一步|我们|接下来)|"
    # hunting for the debtor through the reader: has he been in touch, an urgent matter with
    # him, is he still employed with you, he will not show himself, an employee's "matter"
    r"(?:他|她)(?:最近|这几天|这段时间)?(?:跟|和)(?:你|您)(?:有|有没有)?联系(?:吗|没|过)|(?:有)?急事(?:要)?找(?:他|她)|"
    r"(?:还在|是否还在|是不是还在)(?:你们|贵)(?:公司|单位|厂|店|这)(?:上班|工作|任职|干)|不出面|不露面|"
    r"员工[\u4e00-\u9fff]{2,3}的(?:事情|事)[^，,。]{0,8}(?:当面沟通|处理|解决|沟通))"
)

# Telling the reader the debt is none of their business: reassurance, not collection.
_NOT_YOURS = re.compile(r"(?:跟(?:你|您)没关系|与(?:你|您)无关|和(?:你|您)没关系|不需要替|不用替|没有(?:还款)?义务|不用理|别理|不承担)")

# The writer is not collecting for a lender: the borrower writing to their own people (我借网贷的事
#连累你了), or a friend who lent the money personally (你弟弟借我那三千块钱还没还).  Lenders and
# their collectors say 我们 / 我司 / 平台.
_PERSONAL = re.compile(
    r"我(?:借|欠)(?:了)?(?:的)?(?:网贷|贷款|好几个平台|几个平台)|我的?(?:网贷|贷款|借款)(?:的事|逾期)|"
    r"(?:借|欠)我(?!们|司|方|行|平台)(?:的|那)?[^，,。们司]{0,6}钱"
)

# Everyday reasons for asking a relative or colleague to pass something on: not collection.
_INNOCENT = re.compile(
    r"(?:快递|包裹|驿站|体检|报告出来|钱包|蛋糕|面试|家长会|婚礼|喜酒|手术|住院|发烧|考试|开会|会议|吃饭|聚会|"
    r"生日|聚餐|护照|身份证办|领取|挪车|挪一下|车库|图书馆|打球|加班|放学|没来上课|上课|接(?:她|他)|背景调查|候选人|入职|"
    r"邀请|报名|面签|驾校|科目|取件|签收|送货|维修|房租|水电|漏水|水管|停水|停电|猎头|应聘|工作表现|背调)"
)


# The reader's own dealings with the debtor or the writer (我把借你的钱还上了, 你哥让我帮他还钱的事我办好了):
# a friend's or relative's message, not collection.
_OWN_DEALINGS = re.compile(
    r"(?:借|欠)(?:你|您)的钱|我(?:昨天|今天|刚|刚刚|已经)?把[^，,。]{0,6}还(?:上|清|给你|给您)?了|(?:让|叫)我帮(?:他|她)还"
)


def addressed_to_third_party(ctx: MessageContext) -> tuple[int, int] | None:
    """Span (normalised offsets) showing the message reaches a third party, or None."""
    if ctx.addressee in THIRD_PARTY_ROLES:
        span: tuple[int, int] | None = (0, len(ctx.norm))
    elif ctx.addressee in DEBTOR_ROLES:
        return None  # the debtor reads it: wording about their people is not contact with them
    else:
        span = ctx.get("third_party_address")  # cheap checks first: most messages stop here
    if span is None or ctx.blocked():
        return None
    if ctx.addressee in THIRD_PARTY_ROLES and _DEBT_DETAIL.search(ctx.norm) is None \
            and _INNOCENT.search(ctx.norm) is not None:
        return None  # 她钱包落在我车上了 (钱 is a debt cue word): an errand, not a debt
    if _NOT_YOURS.search(ctx.norm) is not None or _PERSONAL.search(ctx.norm) is not None:
        return None
    if ctx.addressee in THIRD_PARTY_ROLES and _OWN_DEALINGS.search(ctx.norm) is not None:
        return None  # 姐，我昨天把借你的钱还上了: the reader's own dealings  # 你朋友欠钱不还跟你没关系: a friend's reassurance, not collection
    if not ctx.has("debt"):
        # Without debt talk, only a message known to go to a third party counts, and only if it
        # pressures or hunts for the debtor (_PRESSURE: 再不出来处理, 人找不到了, 风控部门核实),
        # or asks the reader to relay, locate or pass on (the third_party_address cue) about
        # reaching the debtor: 麻烦您转告他回电.  Everyday errands (快递, 体检, 钱包) are not.
        if ctx.addressee not in THIRD_PARTY_ROLES:
            return None
        norm = ctx.norm
        if _INNOCENT.search(norm) is not None:
            return None
        pressed = _PRESSURE.search(norm)
        if pressed is not None:
            return pressed.span()
        if not ctx.has("third_party_address"):
            return None
        if _COLLECTION_ASK.search(norm) is None:
            return None  # 请转告小李，明天开会改到九点: a relay, but not about reaching the debtor
        return ctx.get("third_party_address")
    return span


def discloses_debt_to_third_party(ctx: MessageContext) -> tuple[int, int] | None:
    if addressed_to_third_party(ctx) is None:
        return None
    m = _DEBT_DETAIL.search(ctx.norm)
    return (m.start(), m.end()) if m else None


# A third party told they owe the debtor's debt or must act for the creditor: as emergency
# contact, spouse, parent or colleague they "must repay", "bear joint liability", the debt
# "moves to their name", their employer "must dock the wages" (false: only a guarantor who
# signed is liable, and nobody else's wages can be docked without a court).
_LIABLE = re.compile(
    r"(?:(?:作为|身为|是)(?:他|她|其)?(?:的)?[^，,。？?]{0,6}(?:紧急联系人|联系人|担保人|家属|家人|亲属|同事|朋友|父母|妈妈|爸爸|妈|爸|"
    r"老婆|老公|妻子|丈夫|配偶|领导|单位)[^。？?]{0,16}(?:承担|有义务|要还|也要还|得还|也得还|替(?:他|她|其)还|连带)|"
    r"(?:转到|转移到|算到|记到|落到)(?:你|您)(?:的)?名下|(?:得|要|该|必须)(?:由)?(?:你们|您们|你|您)(?:家里人|家人|家属|全家)?(?:来|替他|替她)?还|(?:你|您)的征信(?:也)?(?:会|将)|由(?:你|您)(?:来)?承担(?:担保|连带|还款)?责任|"
    r"(?:有义务|必须|应当)(?:配合|协助)?[^，,。]{0,6}(?:代扣|扣|还款|偿还)|"
    r"拒不配合[^，,。]{0,6}(?:承担|追究)|连(?:你|您)(?:们)?一起(?:告|起诉|追究|抓)|帮(?:他|她)逃债|连带(?:还款)?责任|夫妻共同债务|(?:也|都)(?:得|要)还|连(?:你|您)(?:的)?(?:工资|房子|存款|银行卡)|"
    r"(?:你|您)(?:也)?(?:会|将|要)?(?:被)?(?:列为|列成|算作)(?:共同债务人|共同被告|被告|担保人)|脱不了干系|"
    r"(?:也|都|同样)(?:要|得|须|需)?承担(?:相应的?)?法律责任|追加(?:你|您)为(?:共同)?被告|必须出庭作证"
    r")"
)


def liability_claim_to_third_party(ctx: MessageContext) -> tuple[int, int] | None:
    """Span of a false liability claim made to a third party about the debt, or None."""
    if addressed_to_third_party(ctx) is None:
        return None
    m = _LIABLE.search(ctx.norm)
    if m is None or re.search(r"(?:不需要|无需|没有义务|不用|不会让|不承担)", ctx.norm):
        return None
    if re.match(r"有义务(?:督促|提醒|转告|通知|配合联系|协助联系)", ctx.norm[m.end() - 3:]):
        # 作为紧急联系人有义务督促他: asked to remind, not told to pay (the independent annotators
        # of heldout15 do not read it as a false legal consequence)
        return None
    return m.span()


CHECKS = {
    "addressed_to_third_party": addressed_to_third_party,
    "discloses_debt_to_third_party": discloses_debt_to_third_party,
    "liability_claim_to_third_party": liability_claim_to_third_party,
}
