"""Every text rule entry: at least one message it must flag and one it must not (table-driven).

Positive rows name the entry that must produce a finding; negative rows contain one of the
entry's trigger words in a context where flagging it would be a false accusation.
"""

from __future__ import annotations

import pytest

from dunguard.analyze import scan_text
from dunguard.analyze.text.scanner import default_scanner

# (entry id, text, addressee, must the entry produce a finding?)
CASES: list[tuple[str, str, str | None, bool]] = [
    ("tp.addressee", "你好，麻烦你转告小周，账单今天务必还款。", None, True),
    ("tp.addressee", "您好，这边是还款提醒，请您本人尽快处理账单。", "contact", True),
    ("tp.addressee", "请转告李老师，明天的讲座改到下午。", None, False),
    ("tp.addressee", "您的账单已出，请按时还款。", "debtor", False),
    ("tp.contacted", "欠款还不处理？我们已经通知了你的父母和同事。", None, True),
    ("tp.contacted", "我们不会通知你的父母，欠款请你自己处理。", None, False),
    ("dd.to_third_party", "请转告你表弟，他在我们平台欠款两千三已经逾期。", None, True),
    ("dd.to_third_party", "您好，请您转告他今天回个电话。", "contact", False),
    ("tc.blast_contacts", "欠款今天不结清，晚上就爆你通讯录。", None, True),
    ("tc.blast_contacts", "我司承诺绝不爆通讯录，欠款可以协商。", None, False),
    ("tc.tell_verb", "逾期再不处理，我们就通知你老婆和你领导。", None, True),
    ("tc.tell_verb", "欠款已结清，我们不会通知你的家人。", None, False),
    ("tc.people_will_know", "欠款不还，你全家很快都会知道。", None, True),
    ("tc.people_will_know", "还款成功的短信你家人也能收到，方便提醒。", None, False),
    ("tc.go_to_people", "钱再不还，我们只能找你老婆要了。", None, True),
    ("tc.go_to_people", "还款有困难可以找客服聊聊分期方案。", None, False),
    ("tc.contact_list", "欠款不处理，你同事的电话我们都有。", None, True),
    ("tc.contact_list", "逾期了请把你的电话号码更新一下，方便联系你本人。", None, False),
    ("tc.publish", "欠钱再不还，我们就在网上曝光并到处宣传。", None, True),
    ("tc.publish", "还款攻略已经发到我们的官方微博，欢迎查看。", None, False),
    ("tc.shame", "欠款都不还，你以后还有脸往哪搁？", None, True),
    ("tc.cooccur", "欠款再拖，你娘家的人我们挨家挨户去问。", None, True),
    ("tc.cooccur", "欠款的事我们已经和你老婆说过了。", None, False),
    ("tv.cooccur", "欠钱不还，我们会报复你的家人。", None, True),
    ("tv.cooccur", "还款后记得检查一下车的刹车，安全第一。", None, False),
    ("tc.shame", "您的账单那边已经处理好了，逾期已结清。", None, False),
    ("tc.expose", "欠款不还，明天把你的身份证照片挂到网上曝光。", None, True),
    ("tc.expose", "您的借款已逾期，请尽快还款。相关规则已在官网公示。", None, False),
    ("tv.severe", "你再躲，我弄死你。", None, True),
    ("tv.severe", "今天工作累得要死，不想动了。", None, False),
    ("tv.harm", "欠钱不还，找人打断你的腿。", None, True),
    ("tv.harm", "小区车位太少，昨天有人的车被划了。", None, False),
    ("tv.veiled", "钱再不还，晚上回家走路小心点。", None, True),
    ("tv.intimidate", "欠款你再躲，找几个兄弟好好教训你。", None, True),
    ("tv.intimidate", "这次考试没考好，回家肯定要被爸妈教训一下。", None, False),
    ("tv.veiled", "下雪路滑，出门小心，钱不够用就跟我说。", None, False),
    ("tv.veiled_whereabouts", "欠的钱还不还？你儿子学校在哪我们都清楚。", None, True),
    ("tv.veiled_whereabouts", "你儿子学校在哪我都清楚，下次我去接他。", None, False),
    ("vi.collection_visit", "您的借款逾期已久，我司近期将安排外访。", None, True),
    ("vi.collection_visit", "维修师傅下午上门检修热水器，请留人在家。", None, False),
    ("vi.collection_visit", "逾期账户新增外访费300元。", None, False),
    ("vi.to_place", "欠款不还，周一我们派人去你单位等你。", None, True),
    ("vi.to_place", "周一我去你单位附近办事，中午一起吃饭。", None, False),
    ("in.slur", "王八蛋，电话也不接。", None, True),
    ("in.slur", "他们不会骂人，都很客气。", None, False),
    ("in.sb", "SB，钱到底还不还", None, True),
    ("in.sb", "请用USB线连接电脑，还款凭证在U盘里。", None, False),
    ("in.slur_collection", "欠款都还不起的穷鬼，电话也不接。", None, True),
    ("in.slur_collection", "这个月又花超了，我真是个穷鬼，房租都交不起。", None, False),
    ("in.person", "欠钱不还，你这个无赖。", None, True),
    ("in.person", "这游戏画面太垃圾了，欠我的充值钱也不退。", None, False),
    ("in.doctored_image", "欠款再不还，你的照片就做成遗照发出去。", None, True),
    ("in.doctored_image", "我把借款合同的照片发你微信了，请查收。", None, False),
    ("im.signature", "【某某县公安局】你的网贷逾期案件请于今天联系民警处理欠款。", None, True),
    ("im.signature", "【某某县公安局】反诈提醒：谨防冒充客服退款诈骗。", None, False),
    ("im.self_identify", "我们是区法院执行庭的，你的欠款今天必须处理。", None, True),
    ("im.self_identify", "我是你的高中同学，听说你最近还款压力大。", None, False),
    ("im.fake_document", "【律师函】你拖欠的借款已严重逾期，限三日内还清。", None, True),
    ("im.fake_document", "如您长期不还款，我司可能委托律师向您发送律师函。", None, False),
    ("im.fake_body", "网络金融仲裁中心通知：你的欠款纠纷已受理，请尽快还款。", None, True),
    ("im.fake_body", "如对欠款有争议，可依合同约定申请仲裁。", None, False),
    ("fl.prison", "欠款不还，等着坐牢吧。", None, True),
    ("fl.prison", "网贷逾期不会坐牢，请放心协商还款。", None, False),
    ("fl.police", "逾期不还已移交经侦，随时会被拘留。", None, True),
    ("fl.police", "酒驾会被拘留，开车别喝酒。", None, False),
    ("fl.blacklist", "你已被列入全国网贷黑名单，欠款不还终身借不到钱。", None, True),
    ("fl.blacklist", "骚扰电话太多，我把他拉进黑名单了。", None, False),
    ("fl.freeze", "逾期不还将冻结你名下所有银行账户。", None, True),
    ("fl.freeze", "银行卡被冻结了，要本人去柜台解冻，和还款无关。", None, False),
    ("fl.family", "欠款不处理，以后影响你孩子考公。", None, True),
    ("fl.family", "孩子上学的材料我准备好了，明天交给老师。", None, False),
    ("ib.named", "逾期了就以贷养贷，先把我们的还上。", None, True),
    ("ib.named", "专家提醒：以贷养贷风险大，请理性借款。切勿以贷养贷。", None, False),
    ("ib.new_credit", "没钱就去别的网贷借点，借到了先还我们的欠款。", None, True),
    ("ib.new_credit", "请勿通过其他平台借款还款，认准官方还款渠道。", None, False),
    ("ef.named_fee", "欠款结清时另需支付外访费600元。", None, True),
    ("ef.named_fee", "如您长期不还款，诉讼费用以法院判决为准。", None, False),
    ("ef.surcharge", "逾期账单结清需要额外支付手续费300元。", None, True),
    ("ef.generic_fee", "欠款结清前还要交400元的协调费。", None, True),
    ("ef.generic_fee", "【某运营商】您的话费已欠费，请尽快缴费。", None, False),
    ("ef.surcharge", "协商还款期间我司不收取任何额外费用。", None, False),
    # compositional entries (word classes within a window; docs/rulebook.md)
    ("tc.compose", "钱要是今天还不上，你们主管那边我们就去打个招呼。", None, True),
    ("tc.compose", "我们承诺不会向你的主管透露任何借款信息。", None, False),
    ("tc.public_shame", "再拖欠款，就在你老家村口拉一条横幅。", None, True),
    ("tc.public_shame", "公司年会要拉横幅，欠款报销的事明天再说。", None, False),
    ("tv.compose", "欠款再不还，小心有人拿板砖招呼你脑袋。", None, True),
    ("tv.compose", "还款后记得去医院体检，医生说要注意身体。", None, False),
    ("tv.veiled_compose", "欠的钱还不还？你下班那条路挺黑的吧。", None, True),
    ("tv.veiled_compose", "今天下雪路滑，下班路上小心，房贷我已经还了。", None, False),
    ("tv.livelihood", "欠款再拖下去，你家的小饭馆生意怕是做不下去了。", None, True),
    ("tv.livelihood", "最近生意不好，店快开不下去了，房贷都还不上。", None, False),
    ("tv.whereabouts_compose", "欠款的事别躲了，你住几号楼几单元我们都查到了。", None, True),
    ("tv.whereabouts_compose", "还款的事请问你住几号楼？快递要送合同过去。", None, False),
    ("fl.crime_compose", "你这笔欠款拖到现在，够得上恶意逃废债了，手铐迟早戴上。", None, True),
    ("fl.crime_compose", "网贷逾期属于民事纠纷，不构成犯罪，请放心协商还款。", None, False),
    ("fl.restrict_compose", "欠款再不处理，你以后出国住酒店都会被限制。", None, True),
    ("fl.restrict_compose", "逾期记录按规定报送征信，请尽快还款，以免影响买房贷款。", None, False),
    ("fl.seize_compose", "逾期不还，你名下的东西马上会被查封拍卖。", None, True),
    ("fl.seize_compose", "银行卡挂失后需要本人去柜台解冻，和还款无关。", None, False),
    ("fl.family_compose", "欠款不还，你闺女以后考编也要受牵连。", None, True),
    ("fl.family_compose", "放心，欠款不会影响孩子上学，那是谣言。", None, False),
    ("im.claim_compose", "我们是人民银行征信管理处的，你的网贷欠款今天必须处理。", None, True),
    ("im.claim_compose", "我们不是法院的，只是平台客服，想和您商量还款。", None, False),
    ("im.header_compose", "应诉通知书：被告张某因借款合同纠纷，限三日内还清欠款。", None, True),
    ("im.header_compose", "如您长期不还款，我司可能委托律师依法起诉，届时您会收到应诉通知书。", None, False),
    ("ib.compose", "你去典当行当点东西，拿了钱先还我们。", None, True),
    ("ib.compose", "请勿通过典当、借新还旧等方式还款，可申请停息挂账。", None, False),
    ("ef.compose", "逾期结清还得另付一笔协调金800块。", None, True),
    ("ef.compose", "本平台不收取任何额外费用，还款金额以APP为准。", None, False),
    ("tv.warn_target", "钱再拖着不还，当心你家那辆摩托。", None, True),
    ("tv.warn_target", "下雨路滑，出门当心你的腿，欠我的饭钱不急。", None, False),
    ("tv.stalk_family", "欠的钱再不还，我们安排人蹲守你爸妈，看你躲到哪去。", None, True),
    ("tv.stalk_family", "明天我去接孩子，你在家守着老人就行，房贷我来还。", None, False),
    ("tv.property_gone", "你家的车停在外面，欠款不还的话，车哪天就没了可别怪我。", None, True),
    ("tv.property_gone", "你家的狗昨天丢了，欠你的钱我明天还。", None, False),
    ("tv.harm", "你家的狗昨天丢了，欠你的钱我明天还。", None, False),
    ("ib.urge", "欠款今天必须清，借也得还，不管你找谁借。", None, True),
    ("ib.urge", "借钱也好存钱也好，理性消费，别借网贷还款。", None, False),
    ("tv.guard_family", "欠款再不还，你老婆孩子自己看好了。", None, True),
    ("tv.guard_family", "天冷了，孩子自己看好，别感冒，房贷下月再还。", None, False),
    ("fl.police_come", "欠钱不还，就等着民警上门把你铐走吧。", None, True),
    ("fl.police_come", "欠款的事你放心，警察不会因为这个找你，报警是诈骗分子吓唬人。", None, False),
    ("fl.police", "欠款的事你放心，警察不会因为这个找你，报警是诈骗分子吓唬人。", None, False),
    ("vi.collection_visit", "欠钱不还，就等着民警上门把你铐走吧。", None, False),
    ("tv.body_payment", "欠了钱不还，那就拿你的肾来抵。", None, True),
    ("tv.body_payment", "手头紧的话欠款可以分期来还，别着急。", None, False),
    ("fl.job_compose", "网贷欠款不还，单位领导收到通知就会把你辞退。", None, True),
    ("fl.job_compose", "放心，欠款不会让你丢工作，公司也不会知道。", None, False),
    ("tv.money_or_life", "欠款还钱还是要命，自己掂量。", None, True),
    ("tv.money_or_life", "这个游戏里要钱还是要装备，自己选。", None, False),
    ("ib.urge", "欠的钱今天必须还，没钱就刷信用卡。", None, True),
    ("ib.urge", "没钱就别乱花了，欠的房贷下个月还要还。", None, False),
    ("vi.compose", "再不还款，下周我们开车去你镇上当面谈。", None, True),
    ("vi.compose_wide", "再不还款，下周我们开车去你们县城当面谈。", None, True),
    ("vi.compose", "周末我开车去你们县城玩，顺便还你上次的钱。", None, False),
    ("vi.come_find", "欠款今天不处理，明天我们坐车过去找你。", None, True),
    ("vi.come_find", "你欠我的钱不急，明天我过去找你吃饭吧。", None, False),
    ("in.dialect", "你个瓜皮，欠的钱啥时候还？", None, True),
    ("in.dialect", "他骂人是瓜皮，我们借钱给他的事就算了。", None, False),
    ("in.compose", "欠钱不还，你这种杂碎也配借钱？", None, True),
    ("in.compose", "这种东西卖给外地人骗钱的，请不要买。", None, False),
    ("tc.have_number", "欠款再拖，你姐夫的手机号我们这有，到时候别怪我。", None, True),
    ("tc.have_number", "如需变更紧急联系人电话，请在APP内修改，逾期请尽快还款。", None, False),
    ("tc.evasion_list", "不还钱的话，通信录里每个人下午都会收到你的消息。", None, True),
    ("tc.evasion_list", "我们不会联系你通信录里的人，逾期请尽快处理。", None, False),
    ("tc.platform_expose", "欠款再不处理，下周你的事就在同城论坛发帖。", None, True),
    ("tc.platform_expose", "我看到微博上有人曝光催收公司，逾期的事你去投诉吧。", None, False),
    ("tv.whereabouts_place", "你儿子那所小学我们早就打听到了，欠款的事别逼我们。", None, True),
    ("tv.whereabouts_place", "你儿子那所小学在哪？周末我去接他，欠你的钱一起给你。", None, False),
    ("tv.gang_coming", "还不上是吧，一帮人正在路上，你等着。", None, True),
    ("tv.gang_coming", "欠你的钱我明天还，兄弟们晚上一起吃饭。", None, False),
    ("vi.field_agent", "您的逾期案件已交由地面团队，近期将赶往您的居住地。", None, True),
    ("vi.field_agent", "公司招聘外勤人员，要求会开车，你有兴趣吗？", None, False),
    ("vi.known_address", "你的住址我们查清楚了，明天上午过去找你谈还款。", None, True),
    ("vi.known_address", "请问你的住址是几栋几单元？快递明天送过去，货款已结清。", None, False),
    ("tp.contacted_compose", "欠款的事，你表姐那边我们前天都找过了。", None, True),
    ("tp.contacted_compose", "我姐都问了好几次了，你欠我的钱到底什么时候还？", None, False),
    ("tc.will_know_compose", "钱再不到位，你的左邻右舍迟早晓得你是什么人，欠款自己看着办。", None, True),
    ("tc.will_know_compose", "我怕你家人都会知道我借钱给你的事，欠款你慢慢还就行。", None, False),
    ("tp.contacted_locate", "你室友那边我们问过了，都说不知道你现在在哪。", None, True),
    ("tp.contacted_locate", "你室友那边我们问过了，周末一起去爬山吧。", None, False),
    ("tc.post_where_seen", "再不还钱，你们楼道里每层都会刷上你的名字。", None, True),
    ("tc.post_where_seen", "物业通知：楼道禁止张贴小广告，欠费住户请尽快缴费。", None, False),
    ("tv.property_harm", "你家的鸭子欠款不还的话，哪天药死了别找我们。", None, True),
    ("tv.property_harm", "你家的车昨天被划了？欠我的钱不急，先去修车吧。", None, False),
    ("ib.rhetorical", "欠款今天要到，你就不能去别的平台周转一下吗？", None, True),
    ("ib.rhetorical", "我们不会让你去借钱还款，实在困难可以协商。", None, False),
    # legal / fees / borrowing / third parties, third issue-4 pass (probe_legal.jsonl)
    ("fl.prison_veiled", "欠款不还，你就等着进局子吧。", None, True),
    ("fl.prison_veiled", "他以前在局子里干过保安，欠我的钱早还了。", None, False),
    ("fl.jailed_because", "你要是因为欠钱进去了，家里谁管？", None, True),
    ("fl.jailed_because", "他因为欠钱进去了？不会吧，新闻里说的是别人。", None, False),
    ("fl.sentence_years", "欠款拖成这样，判个两三年很正常。", None, True),
    ("fl.sentence_years", "他说判个两三年，我觉得电视剧太夸张了，欠款的事另说。", None, False),
    ("fl.liability_compose", "你欠的钱，你爸妈也得替你还，不还就一起执行。", None, True),
    ("fl.liability_compose", "你的欠款和家里人无关，他们没有义务替你还。", None, False),
    ("fl.family", "你的欠款和家里人无关，他们没有义务替你还。", None, False),
    ("im.act_for", "法院那边委托我们来催收你的欠款，今天必须处理。", None, True),
    ("im.act_for", "本平台可能委托律师事务所处理欠款，届时会另行通知。", None, False),
    ("ef.our_cost", "为了你的欠款我们跑了一趟，路费200你出。", None, True),
    ("ef.our_cost", "打车费我先垫了，欠你的饭钱回头一起转你。", None, False),
    ("ib.push", "欠款今天到期，找你同学借一圈总能凑够吧。", None, True),
    ("ib.push", "我找同学借了一圈，欠款总算还清了。", None, False),
    ("tp.reached_kin", "欠款的事，我们昨天跟你表姐说过了。", None, True),
    ("tp.reached_kin", "欠款的事，我们明天就跟你表姐说。", None, False),
    ("tp.kin_replied", "欠款不还，你堂哥刚刚在电话里说他也管不了你。", None, True),
    ("tp.kin_replied", "你堂哥刚刚在电话里说周末回家吃饭，欠他的钱下次还。", None, False),
    ("tp.addressee", "请转告小李，明天开会改到九点。", "contact", False),
    ("fl.family_check", "欠款不还，你孩子以后考公都要查父母征信。", None, True),
    ("fl.family_check", "听说考公政审会查父母征信？我问了老师说不会，欠款的事别担心。", None, False),
    ("ef.pay_for", "交五百块，我们马上把你的逾期记录删掉。", None, True),
    ("ef.pay_for", "逾期账单结清后系统会自动删除记录，无需支付任何费用。", None, False),
    ("ef.our_cost", "我们外访员已经到你们县城了，欠款你自己出来还是我们进村？", None, False),
    ("tp.addressee", "你好，你是刘洋的同学吧，他把你填成了紧急联系人，你知道他现在在哪上班吗？", "contact", True),
    ("tp.reached_kin", "再拖下去不还款，你的紧急联系人和家里人都会接到我们的电话。", None, False),
    ("tp.reached_kin", "你家里那边我们已经挨个通知到了，欠款你自己看着办。", None, True),
    ("tp.reached_kin", "交200押金我们就不联系你家里人了。", None, False),
    ("ef.pay_for", "交200押金我们就不联系你家里人了。", None, True),
    ("tp.addressee", "欠款不还，你儿子在哪个幼儿园我们清清楚楚。", None, False),
    ("ib.push", "你要钱的话让你姐借你点，不急着还我。", None, False),
    ("tp.addressee", "叔叔，您儿子的新号码是多少？我们有事找他。", "contact", True),
    ("tp.addressee", "你的紧急联系人电话填错了，请在APP里更新，逾期请尽快还款。", None, False),
    ("tp.kin_replied", "你邻居说你好几天没回家了，欠钱躲着是吧？", None, True),
    ("tp.kin_replied", "你妈说你最近手头紧，欠我的钱不急。", None, False),
    ("ib.push", "欠款今天要还，你先从别的地方借，借到了再说别的。", None, True),
    ("ib.push", "欠款再不还，我们就跟你老婆说清楚你在外面借了多少钱。", None, False),
    ("tp.addressee", "你好，请问是李明的室友吗？他今天在宿舍吗？", "contact", True),
    ("tp.addressee", "你好，请问是李明的室友吗？周末一起打球吧。", "contact", False),
    ("ib.push", "欠款不还？你就不会找朋友挪一点吗？", None, True),
    ("ib.push", "反诈中心提示：诱导你去网贷平台借钱还款的，多为诈骗。", None, False),
    ("ef.surcharge", "我们这边不收任何额外的费用 你只需要还本金和利息", None, False),
    ("fl.prison_veiled", "还不上？那你就准备蹲大狱吧。", None, True),
    ("im.fake_document", "你等着，欠款的事法院传票下来直接拘你。", None, False),
    ("im.header_compose", "你等着，欠款的事法院传票下来直接拘你。", None, False),
    ("fl.police_come", "逾期九十天以上系统自动报警，警察会按地址找到你。", None, True),
    ("tp.addressee", "您好，麻烦您让您儿子给我们回个电话，谢谢。", "contact", True),
    ("fl.seize_compose", "你名下那辆车下周就会被法院拖走拍卖，欠款不还就这样。", None, True),
    ("fl.seize_compose", "你家的车昨天被拖走了？违停罚款交了就能取，欠我的钱不急。", None, False),
    ("tp.reported_contact", "你姐姐已经答应帮你还一半欠款了，剩下的你自己看着办", None, True),
    ("tp.reported_contact", "你姐说让你回家吃饭，她做了一桌子菜", None, False),
    ("fl.authority_consequence", "我是XX区人民法院执行庭的，你的案子今天已经立案了，下午法警就会上门把人带走。", None, True),
    ("fl.authority_consequence", "警惕冒充法院的短信，说要拘留你的都是骗子，请核实。", None, False),
    ("fl.you_will_be", "我们会以诈骗罪向公安机关报案，届时你将被网上追逃", None, True),
    ("fl.you_will_be", "如果你被骗了，可以以诈骗罪向公安机关报案。", None, False),
    ("fl.police_report_received", "你户籍地派出所已经收到我们的报案材料，近期会有民警联系你", None, True),
    ("fl.police_report_received", "派出所已经收到你的报案材料了，民警会联系你做笔录。", None, False),
    ("fl.misc_consequence", "欠款不还，你名下的车会被交警扣下来", None, True),
    ("fl.misc_consequence", "欠款的事和交警无关，车违章了记得去处理。", None, False),
    ("fl.third_party_liable", "他如果不还，这笔钱会转到你名下，你的征信也会受影响", "contact", True),
    ("fl.third_party_liable", "他不还钱，你作为他的紧急联系人不需要承担还款责任，只请转告他。", "contact", False),
    ("ib.any_credit", "你可以去XX贷下一笔，我们这边有合作，秒到账", None, True),
    ("ib.any_credit", "我们不会让你去借钱还我们，你能还多少先还多少。", None, False),
    ("ef.settle_fee", "撤销外访申请需缴纳撤销费300元", None, True),
    ("ef.settle_fee", "我司从不收取任何协商费、撤销费，请勿相信。", None, False),
    ("im.authority_doc", "j察院的传票已经下来了，明天送达你户籍地，到时候别说没通知你", None, True),
    ("im.authority_doc", "你等着，欠款的事法院传票下来直接拘你。", None, False),
    ("im.bare_title", "XX市人民检察院", None, True),
    ("im.bare_title", "地址：XX市人民检察院", None, False),
    ("tp.reported_contact_act", "你单位的人事我们联系过了，人家说你早就辞职了", None, True),
    ("tp.reported_contact_act", "你单位的人事我们联系过了，人家说下周一可以来面试", None, False),
    ("fl.crime_you", "你这种情况已经构成非法占有，要判刑的。", None, True),
    ("fl.crime_you", "你喝了酒还开车，要判刑的，钱的事以后再说。", None, False),
    ("fl.listed_suspect", "逾期再不还，你会被列为经济犯罪嫌疑人。", None, True),
    ("fl.listed_suspect", "他们说要把我列为犯罪嫌疑人，欠款的事该怎么办", None, False),
    ("tp.reported_compose", "你哥嫂那边已经通知到了，欠款你看着办吧", None, True),
    ("tp.reported_compose", "你女朋友说你最近压力大，欠的钱我不急。", None, False),
    # fifth issue-4 pass: categories of heldout14-16 (probe_legal16.jsonl)
    ("fl.blacklist_you", "你名字已经报到全国失信黑名单了，以后高铁飞机都别想坐", None, True),
    ("fl.blacklist_you", "你好，我把骚扰我的号码拉进黑名单了，以后高铁上见。", None, False),
    ("fl.case_number", "已为你生成《立案告知书》，案号(2024)刑字第0371号，请于48小时内到案说明。", None, True),
    ("fl.case_number", "接到自称警方要求你到案说明的短信，请先核实，谨防冒充。", None, False),
    ("fl.evasion", "w信 zfb 银hang卡 全部dong结 你等着", None, True),
    ("fl.evasion", "你的zfb余额我帮你查了，没有dong结，放心用。", None, False),
    ("fl.crime_you", "你 已 经 涉 嫌 诈 骗 了,明 天 就 报 案 抓 你", None, True),
    ("fl.crime_you", "你被诈骗了吗？遇到自称警察的请拨打110。", None, False),
    ("fl.prison", "再拖下去就是恶意套现,要座牢的,你自己看着办", None, True),
    ("fl.prison", "欠款可以协商，不会座牢，也不会判刑，别担心。", None, False),
    ("fl.family", "亲，你好友在平台借款已逾期，逾期将影响其所有联系人的征信哦", "contact", True),
    ("fl.family", "逾期不会影响联系人的征信，请放心。", "contact", False),
    ("fl.police", "您的联系人龙X的借款已逾期，我司将向其户籍地派出所报案，请转告其尽快还款。", "contact", True),
    ("fl.police", "借款已逾期，如遇暴力催收可以向派出所报案。", None, False),
    ("fl.third_party_liable", "他不还的话，这笔账就转到你名下了。", "contact", True),
    ("dd.to_third_party", "姓江的不接电话，你是他表哥，你帮他把这个月的3800先垫上，不然这事没完。", "contact", True),
    ("fl.third_party_liable", "您儿子欠我司8600元逾期未还，您作为紧急联系人有义务督促他", "contact", False),
    ("im.claim_case", "我们是XX市公安局经侦支队，你涉嫌一起网络借贷诈骗案，接到短信后立即回电", None, True),
    ("im.claim_case", "我是社区民警小王，你的电动车停在消防通道了，麻烦挪一下。", None, False),
    ("im.header_you", "XX区司法局通知：你的失信行为已备案，请于三日内到所在地司法所报到", None, True),
    ("im.header_you", "XX区人民法院通知：你的快递到了", None, False),
    ("ib.offer_source", "去撸几个kou zi先把我这填了,别跟我说借不到", None, True),
    ("ib.offer_source", "我们不会建议您去撸口子，以贷养贷只会让问题更严重。", None, False),
    ("ib.push", "你找你舅借一圈，今天必须把窟窿堵上", None, True),
    ("ib.push", "我们不会建议您去其他平台借款还款，以贷养贷只会让问题更严重，请量力而行。", None, False),
    ("tp.reported_plain", "你妈刚才接我电话了,哭得挺厉害的。你要是还不出来,下一个打的就是你老丈人。", None, True),
    ("tp.reported_plain", "你妈刚才接我电话了，说晚上让你回家吃饭。", None, False),
    ("dd.to_third_party", "你是他爹是吧?跟你儿子说,钱赶紧给我整回来,要不然别怪我。", "contact", True),
    ("dd.to_third_party", "你是他爹是吧?跟你儿子说,晚上回家吃饭。", "contact", False),
    ("ef.named_fee", "不想被爆通讯录，交800保密费", None, True),
    ("ef.named_fee", "【XX消金】我司未委托任何第三方收取“催收费”“上门费”，如遇此类要求请拒绝并向我司投诉。", None, False),
    ("fl.summons", "我是你户籍地派出所的，有人报案说你借钱不还，明天上午来所里一趟。", None, True),
    ("fl.summons", "我是社区民警，请你明天来所里一趟办理居住证。", None, False),
    ("fl.authority_consequence", "【XX市人民法院执行局】你的案件已启动强制执行，请今日内联系执行员。", None, True),
    ("fl.authority_consequence", "法院判决生效后对方拒不履行的，你可以申请强制执行。", None, False),
    ("fl.third_party_liable", "你不帮他还就是包庇，我们连你一起起诉。", "contact", True),
    ("fl.third_party_liable", "他的事跟你没关系，我们不会连你一起追究。", "contact", False),
    ("ef.pay_for", "想停催就得交500，交了这周不打你电话。", None, True),
    ("ef.pay_for", "想停催可以在APP里申请延期，不收任何费用。", None, False),
    ("im.header_compose", "XX市公安局经侦支队通知：你的借款逾期已被立案，请尽快处理。", None, True),
    ("im.header_compose", "派出所通知：丢失的钱包已找到，请失主到所里认领。", None, False),
    ("fl.authority_consequence", "检察院通知：你名下借贷纠纷已移交本院审查，请勿外传。", None, True),
    ("fl.authority_consequence", "检察院通知：本院办公地点已移交新址，请市民留意。", None, False),
    ("tc.publish", "欠钱不还还有脸天天发朋友圈晒旅游？", None, False),
    ("tc.publish", "明早我们的人会出现在你单位门口，欠款当面谈。", None, False),
    # third issue-4 pass: threats, visits and insults as structure (probe_threats.jsonl)
    ("tv.fate", "欠款再拖下去，到时候医院里躺几个月可别怪我们。", None, True),
    ("tv.fate", "我爸住院了在医院里躺着，欠你的钱下个月还。", None, False),
    ("tv.strike", "钱今天不还，见面我就削你。", None, True),
    ("tv.strike", "欠款还清了，晚上削个苹果给你吃。", None, False),
    ("tv.veiled_alone", "你女儿晚自习下课那么晚一个人回家，欠的钱你自己掂量。", None, True),
    ("tv.veiled_alone", "你女儿晚自习下课那么晚一个人回家，我去接她，欠的钱不急。", None, False),
    ("tv.solid", "欠钱不还是吧？你家店门最好够结实。", None, True),
    ("tv.solid", "欠款还完了，这次装修选的门很结实。", None, False),
    ("tv.encounter", "还不还钱？别让我们在路上碰到你。", None, True),
    ("tv.encounter", "钱我还你了，好久没见，真想在路上碰到你。", None, False),
    ("tc.compose_wide", "欠款再拖，你未婚夫那边我们会去说道说道。", None, True),
    ("tc.compose_wide", "欠款的事建议你主动跟你未婚夫说清楚，别一个人扛。", None, False),
    ("tc.have_number_wide", "你们村长的手机号我们搞到了，欠款不还你看着办。", None, True),
    ("tc.have_number_wide", "欠款还清了，你们村长的手机号是多少？", None, False),
    ("tc.every_contact", "欠款不还，你前任、你下属，我们一个都不会落下。", None, True),
    ("tc.every_contact", "请大家注意：明天每个人都会收到会议通知短信，欠款报销的事另说。", None, False),
    ("tc.group_access", "欠钱不还，你的客户群我们也有。", None, True),
    ("tc.group_access", "业主群通知：欠费的住户请尽快缴费，请大家互相转告。", None, False),
    ("tc.send_out", "再不还钱，你的欠条照片今晚就发出去。", None, True),
    ("tc.send_out", "欠款我已经还了，转账截图你别把它发出去。", None, False),
    ("vi.compose_wide", "欠款再不处理，明天我们去你干活的工地找你。", None, True),
    ("vi.compose_wide", "欠你的钱不急，明天我去你干活的工地请你吃饭。", None, False),
    ("vi.go_find", "欠款不还，我们这就上去找你。", None, True),
    ("vi.go_find", "你欠我的钱不急，周末坐车过去找你玩。", None, False),
    ("vi.coming", "你的住处我们知道了，欠款不还我们今晚就过去。", None, True),
    ("vi.coming", "你家我知道了，欠款的钱我今晚就转过去。", None, False),
    ("vi.at_door", "欠款再拖，我们明天就按你家门铃。", None, True),
    ("vi.at_door", "快递员明天去敲你家门送还款合同。", None, False),
    ("vi.located", "你的定位我们拿到了，欠款的事明天当面谈。", None, True),
    ("vi.located", "欠款还清了，发个定位给我，明天过去吃饭。", None, False),
    ("in.vocative", "你个丑八怪，欠的钱什么时候还？", None, True),
    ("in.vocative", "他骂我是丑八怪，欠的钱我明天还你。", None, False),
    ("in.degrade", "欠钱不还，你活着就是浪费粮食。", None, True),
    ("in.degrade", "别浪费粮食哈哈，欠的饭钱下次你请。", None, False),
    ("in.netslang", "nmsl，欠款到底还不还？", None, True),
    ("in.netslang", "他骂我nmsl，我被骂了还要还他钱？", None, False),
    ("in.obscene_image", "欠款不还，你的头像我们就P到裸照上。", None, True),
    ("in.obscene_image", "警惕：有人用合成裸照敲诈借款人，请立即报警。", None, False),
    ("tv.property_fire", "欠款再拖，你家那个小仓库哪天半夜起火了可别怪我们。", None, True),
    ("tv.property_fire", "你家仓库昨天起火了？欠我的钱先别管，人没事就好。", None, False),
    ("tv.child_school", "你儿子在第三小学五年级三班吧？欠的钱你最好抓紧。", None, True),
    ("tv.child_school", "欠款还清了，你儿子在第三小学五年级三班，明天开家长会。", None, False),
    ("tc.rhetorical", "欠的钱再拖，你不会想让你岳父知道吧？", None, True),
    ("tc.rhetorical", "我们不会让你家人知道的，欠款按计划还就行。", None, False),
    ("tc.export_blast", "欠款不还，你的联系人我们都备份好了，明天开始群发。", None, True),
    ("tc.export_blast", "换新手机前记得把联系人备份一下，再群发新号码，欠的话费也交了。", None, False),
    ("vi.come_collect", "钱你不还是吧，那我们明天过来拿。", None, True),
    ("vi.come_collect", "欠你的钱我放在门卫了，你过来拿一下快递。", None, False),
    ("in.vocative_debt", "脑瘫一个，欠的钱还不还？", None, True),
    ("in.vocative_debt", "今天又加班，我真是穷鬼一个，欠的房贷只能下月还了。", None, False),
    ("in.degrade_you", "你祖宗十八代都替你丢人。", None, True),
    ("in.degrade_you", "这本书写了他祖宗十八代的事，挺有意思。", None, False),
    ("tc.let_know", "钱再不还，就让你的老同学都见识见识你。", None, True),
    ("tc.let_know", "欠款还清了，这个好消息让你家人都知道吧。", None, False),
    ("tc.pronoun_act", "你们主管姓什么我们查到了，欠款不还明天给他打电话聊聊。", None, True),
    ("tc.pronoun_act", "你们主管姓什么？欠款的事麻烦你给他打电话转告一下。", None, False),
    ("tv.sexual", "你老婆长得挺漂亮，欠的钱不还就让她来陪我们。", None, True),
    ("tv.sexual", "你老婆长得挺漂亮，恭喜你们，欠我的钱不急。", None, False),
    ("vi.veiled_stay", "钱再不还，我们就去你那边吃饭，吃到你还为止。", None, True),
    ("vi.veiled_stay", "欠你的钱我过年一起还你，我们去你家过年哈哈。", None, False),
    ("tv.causative", "钱再不还，我就让你住院。", None, True),
    ("tv.causative", "你太累了，我让你住院休息几天，欠的钱不急。", None, False),
    ("tv.destroy", "欠款不还，我就把你家的电动车推河里。", None, True),
    ("tv.destroy", "欠的钱我明天还，我把你的旧衣服扔出去了。", None, False),
    ("tv.hurt_outcome", "欠款再拖，我让你下半辈子躺床上过。", None, True),
    ("tv.hurt_outcome", "医生说我爸要躺床上半年，欠款能不能缓缓。", None, False),
    ("tv.force", "欠款不还，非要我们动粗是吧。", None, True),
    ("tv.force", "欠款不急，你先把身体养好，路上可别出什么事，注意安全。", None, False),
    ("tv.veiled_you", "你老婆孩子每天几点出门我们都知道。", None, True),
    ("tv.veiled_you", "你老婆孩子每天几点出门我都知道，生日快乐，礼物放门口了。", None, False),
    ("tv.veiled_child", "你孩子在实验小学三年级二班吧？放学路上注意点。", None, True),
    ("tv.veiled_child", "你孩子在实验小学三年级二班吧？老师说放学路上注意安全。", None, False),
    ("vi.come_wide", "欠款不还 哥几个明天开车过去，你最好在家", None, True),
    ("vi.come_wide", "欠款不急，我们明天过去你家吃饭。", None, False),
    ("vi.go_find_people", "你弟弟欠款不还，我们去学校找他聊聊。", None, True),
    ("vi.go_find_people", "你弟弟欠款不还，我们去学校接他放学。", None, False),
    ("vi.dialect_home", "再不还老子明天就来你屋头坐到起", None, True),
    ("vi.dialect_home", "欠你的钱我明天来你屋头还你，顺便吃饭。", None, False),
    ("vi.pinyin_visit", "shang门的人已经安排好了，地址是幸福路88号对吧", None, True),
    ("vi.pinyin_visit", "空调shang门安装已安排，请保持电话畅通。", None, False),
    ("tc.visit_people", "欠款再不还，我们就去你们村挨家挨户打听你家在哪。", None, True),
    ("tc.visit_people", "欠款已还清，过年我们去你们村挨家挨户拜年。", None, False),
    ("tc.reach_people", "欠款再不还，明天就打你老公电话。", None, True),
    ("tc.reach_people", "你欠我的钱不急，明天打你老公电话约吃饭。", None, False),
    ("tc.rhetorical_help", "你老公知道你借了这么多吗？要不要我们帮你跟他说说", None, True),
    ("tc.rhetorical_help", "你借的钱不急，要不要我帮你跟他说说，让他别担心，哈哈", None, False),
    ("tc.blast_jargon", "dd再不hk，直接bao你txl，说到做到", None, True),
    ("tc.blast_jargon", "通讯录已导出，今晚统一发送到新手机备份。", None, False),
    ("in.formula_you", "你这样的人 你妈生你的时候就该把你掐死", None, True),
    ("in.formula_you", "我这种人还不如去死，你别劝我了", None, False),
    ("in.laolai_bare", "Lao赖一个 脸都不要了是吧", None, True),
    ("in.laolai_bare", "新闻说老赖一个个都被曝光了", None, False),
    ("vi.arranged", "我們已經安排人員明天上午到你家裡拜訪，請家裡留人。", None, True),
    ("vi.arranged", "明天上门给您装宽带，大概九点到，麻烦家里留人", None, False),
    ("tv.harm_object", "欠款再不还，我就把你塞进麻袋。", None, True),
    ("tv.harm_object", "欠款还清了，我们把你的名字从名单里删掉了。", None, False),
    ("tv.body_fate", "欠款不还，你那条腿还能不能保住就难说了。", None, True),
    ("tv.body_fate", "欠款还清了，你那条腿还能不能好就难说了，医生说要手术。", None, False),
    ("tv.agent_harm", "你要是不还，我就让你那个宝贝儿子上不了学，天天躺在家里。", None, True),
    ("tv.agent_harm", "欠款的事不急，我让你儿子去医院看看，别躺在家里了。", None, False),
    ("tc.relay_spread", "她欠的两万再不还，明天我们就联系她所有的同学。", "contact", True),
    ("tc.relay_spread", "我们已经联系过她所有的同学了，她欠的两万还是没还。", "contact", False),
    ("tc.blast_bare", "今晚十点爆txl", None, True),
    ("tc.blast_bare", "新手机怎么导入txl？求教程", None, False),
    ("tv.veiled_bare", "你闺女在实验小学四年级三班，长得挺可爱的", None, True),
    ("tv.veiled_bare", "你闺女在实验小学四年级三班，家长会老师说她挺可爱的", None, False),
    ("tc.visit_talk", "下礼拜我们去你老家找你爸妈好好聊聊", None, True),
    ("tc.visit_talk", "下礼拜我们去你老家找你爸妈喝酒拜年", None, False),
    ("vi.visit_talk", "下礼拜我们去你老家找你爸妈好好聊聊", None, True),
    ("vi.visit_talk", "钱不还，我们就去找你爸妈要", None, False),
    ("tc.photo_send", "你的照片P成了通缉犯，明早发给你所有好友欣赏", None, True),
    ("tc.photo_send", "你的照片我们P成了通缉犯，这事我们不会发给你的家人", None, False),
    ("tc.offer_tell", "你爸还不知道你借了六万网贷吧？要不我帮你问问他", None, True),
    ("tc.offer_tell", "你爸的生日快到了吧？要不我帮你问问他想要什么礼物", None, False),
    ("in.third_person", "你老公欠了我们三万不还，他就是个骗子", "contact", True),
    ("in.third_person", "谨防这种骗子，凡是要你先交钱还款的都是诈骗", None, False),
    ("in.evasion", "欠钱的狗还敢挂我电话", None, True),
    ("in.evasion", "楼下那只欠收拾的狗又叫了一晚上，吵死了", None, False),
    ("in.photo_bare", "你的照片我们已经P成猪头了，好看吗", None, True),
    ("in.photo_bare", "你的照片我帮你P好了，婚纱照特别好看", None, False),
    ("vi.relay_visit", "你是他姐吧？他欠的钱再不还，下周我们就派人去他家里。", "contact", True),
    ("vi.relay_visit", "你是他姐吧？他欠的钱已经还清了，我们上周去他家里送过结清证明。", "contact", False),
    ("vi.jargon_bare", "上门人员已经出发，半小时后到", None, True),
    ("vi.jargon_bare", "宽带师傅说上门人员已经出发，半小时后到", None, False),
    ("tv.child_compliment", "你儿子在城东小学几年级来着？真可爱", None, True),
    ("tv.child_compliment", "你儿子在城东小学几年级来着？家长会上老师说他真可爱", None, False),
    ("tc.until_paid", "你的好友我们会持续联系，直到你还清为止", None, True),
    ("tc.until_paid", "我被他们一直打电话骚扰，直到我还清为止，怎么投诉？", None, False),
    ("in.laolai", "还钱 老赖", None, True),
    ("in.laolai", "老赖这个词不应该随便用来骂借款人，欠款请按时还。", None, False),
    ("in.formula", "欠钱不还，你还算个男人吗？", None, True),
    ("in.formula", "欠钱的事我自己会处理，我还算个男人吧。", None, False),
]


def _entry_ids() -> set[str]:
    return {e.id for e in default_scanner().lex.entries if e.label is not None}


def test_every_entry_has_a_positive_and_a_negative_case() -> None:
    positive = {e for e, _, _, ok in CASES if ok}
    negative = {e for e, _, _, ok in CASES if not ok}
    assert _entry_ids() - positive == set(), "entries without a positive case"
    assert _entry_ids() - negative == set(), "entries without a negative case"


@pytest.mark.parametrize(("entry", "text", "addressee", "expected"), CASES,
                         ids=[f"{c[0]}-{'pos' if c[3] else 'neg'}-{i}" for i, c in enumerate(CASES)])
def test_entry(entry: str, text: str, addressee: str | None, expected: bool) -> None:
    result = scan_text(text, addressee=addressee)
    got = any(f.entry == entry for f in result.findings)
    assert got == expected, (text, [(f.entry, f.label) for f in result.findings])


def test_findings_carry_rule_and_basis() -> None:
    result = scan_text("老赖，再不还钱就爆你通讯录。")
    assert set(result.labels) == {"insult", "threat_contacts"}
    by_label = {f.label: f for f in result.findings}
    assert by_label["insult"].rule == "T6"
    assert by_label["threat_contacts"].rule == "T7"
    assert "civil_1024" in by_label["insult"].basis


def test_article_follows_the_message_date() -> None:
    before = scan_text("欠钱不还的王八蛋", time="2025-12-31T23:00:00+08:00").findings[0]
    after = scan_text("欠钱不还的王八蛋", time="2026-01-01T09:00:00+08:00").findings[0]
    assert "psl2012_42" in before.basis and "psl2025_50" not in before.basis
    assert "psl2025_50" in after.basis and "psl2012_42" not in after.basis


def test_context_the_issue_names() -> None:
    assert scan_text("请勿理会冒充我司的诈骗电话，我司不会冒充法院。").labels == ()
    assert scan_text("我们不会联系您的紧急联系人，请放心还款。").labels == ()
    assert scan_text("你欠我的钱什么时候还").labels == ()
    assert scan_text("【某消费金融】您的借款已逾期，逾期记录将按规定报送征信。").labels == ()
    assert scan_text("催收天天打电话给我同事，说要爆我通讯录，怎么办？").labels == ()


def test_relay_request_to_a_third_party_needs_no_debt_word() -> None:
    # sent to a contact, asking them to pass a message on: third-party contact (T7)
    assert scan_text("麻烦您转告他，让他今天给我们回个电话。", addressee="contact").labels == ("third_party_contact",)
    # the same words sent to nobody in particular are not collection
    assert scan_text("麻烦您转告他，让他今天给我们回个电话。").labels == ()


def test_borrowers_reports_and_friends_jokes_are_not_threats() -> None:
    assert scan_text("前天半夜又给我打电话，说不还就去我单位，我一晚上没睡。").labels == ()
    assert scan_text("你借我的钱说好这周还的，再不还我就去你家蹭饭了啊🤣").labels == ()
    assert scan_text("我们没有爆通讯录这种做法，正规催收不允许这样做，逾期请尽快还款。").labels == ()


def test_evasion_spellings() -> None:
    assert "threat_contacts" in scan_text("欠款不还就曝光通讯录").labels
    assert "threat_contacts" in scan_text("欠款不还就B通讯录").labels
    assert "threat_contacts" in scan_text("欠款不还就爆通讯lu").labels
    assert "threat_contacts" in scan_text("欠款不还就爆 通*讯-录").labels
    assert "threat_contacts" in scan_text("欠款不還就爆通訊錄").labels
    assert "threat_contacts" in scan_text("欠款不还就爆ＴＸＬ").labels


def test_model_free_suggestion_is_not_a_label() -> None:
    # a threat that lacks part of its context (here: nobody is addressed as 你/您) is only
    # suggested for a human to confirm
    result = scan_text("逾期再不处理，明天派人去单位。")
    assert result.labels == ()
    assert [s.label for s in result.suggested] == ["threat_visit"]


@pytest.mark.parametrize("text", [
    "你欠我那顿烧烤什么时候请？再不请我就告诉你女朋友你欠我钱哈哈。",  # banter between friends
    "兄弟，你欠我的钱不急，你爸住院要紧，先照顾好家里。",  # a patient friend
    "收到“你的借款涉嫌诈骗，警察将上门”这类短信，不要慌，先打110核实。",  # anti-fraud advice
    "今天把信用卡还了，顺便把花呗也还上了。",  # past repayments, not borrowing advice
    "这部剧里的催收员太吓人了，又是泼油漆又是堵门的。",  # fiction
    "催收不能爆通讯录，我们也不会这么做，请放心。",  # negated
])
def test_not_collection_threats(text: str) -> None:
    assert scan_text(text).labels == ()


def test_impatient_collector_is_not_a_patient_friend() -> None:
    assert "threat_contacts" in scan_text("欠钱还不急是吧？今晚就爆你通讯录。").labels
