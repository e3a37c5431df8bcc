// SPDX-License-Identifier: Apache-2.0
#include "app/demo/demo_county_text.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace renda::app::demo {

namespace {

using Strings = std::vector<std::string>;

std::string substitute(std::string text, const std::string& key, const std::string& value) {
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

}  // namespace

const std::vector<TownshipName>& townshipNames() {
  static const std::vector<TownshipName> all = {
      {"城关镇", "镇"},     {"东风乡", "乡"}, {"新华街道", "街道"}, {"龙泉镇", "镇"},
      {"青石镇", "镇"},     {"河口镇", "镇"}, {"白沙乡", "乡"},     {"石桥镇", "镇"},
      {"文昌街道", "街道"}, {"桃源乡", "乡"}, {"柳林镇", "镇"},     {"大坪乡", "乡"},
      {"安乐镇", "镇"},     {"金山镇", "镇"}, {"双河乡", "乡"},     {"马鞍镇", "镇"},
      {"清水乡", "乡"},     {"永兴镇", "镇"}, {"高桥镇", "镇"},     {"红岩乡", "乡"},
      {"黄土镇", "镇"},     {"平安乡", "乡"}, {"凤鸣街道", "街道"}, {"三合镇", "镇"},
      {"长岭乡", "乡"},     {"五里镇", "镇"}, {"兴隆镇", "镇"},     {"太和乡", "乡"},
      {"新民镇", "镇"},     {"花园乡", "乡"},
  };
  return all;
}

std::string personName(Rng& rng, bool female) {
  // Common surnames, the most frequent repeated so they come up more often.
  static const Strings surnames = {
      "王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈", "杨", "杨",
      "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑",
      "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
      "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
      "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方",
      "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶"};
  static const Strings maleFirst = {"建", "志", "国", "德", "永", "明", "文", "海", "春", "金",
                                    "学", "振", "兴", "忠", "立", "成", "军", "宏", "新", "家",
                                    "光", "庆", "福", "长", "世", "俊", "子", "晓", "云", "正"};
  static const Strings maleSecond = {"国", "华", "明", "军", "平", "强", "伟", "林", "斌", "峰",
                                     "辉", "东", "杰", "刚", "勇", "涛", "波", "生", "祥", "民",
                                     "鹏", "亮", "超", "荣", "福", "良", "江", "山", "龙", "武"};
  static const Strings femaleFirst = {"秀", "玉", "桂", "丽", "春", "淑", "美", "晓", "海", "红",
                                      "凤", "爱", "素", "慧", "雪", "彩", "丹", "静", "小", "月"};
  static const Strings femaleSecond = {"英", "兰", "芳", "华", "珍", "梅", "霞", "萍",
                                       "娟", "燕", "琴", "敏", "玲", "丽", "红", "芬",
                                       "云", "莉", "洁", "婷", "琳", "娜", "蓉", "艳"};
  std::string name = rng.pick(surnames);
  const Strings& first = female ? femaleFirst : maleFirst;
  const Strings& second = female ? femaleSecond : maleSecond;
  if (rng.chance(0.15)) return name + rng.pick(second);
  return name + rng.pick(first) + rng.pick(second);
}

std::vector<std::string> villageNames(Rng& rng, int n, bool street) {
  static const Strings village = {
      "东关", "西关", "南街", "北街", "新庄", "李家", "王庄", "张湾", "杨柳", "枣林", "石门",
      "红星", "光明", "团结", "前进", "和平", "胜利", "大王", "小河", "上坝", "下坝", "双塘",
      "黄泥", "茶园", "竹林", "沙坪", "桥头", "坪上", "岭下", "塘湾", "马家", "周家", "陈庄",
      "刘河", "高坎", "柏树", "松林", "鹿鸣", "丰收", "长青", "向阳", "白果", "梨园", "杏花"};
  static const Strings community = {"东街",   "西街",   "南门", "北门", "人民路", "解放路",
                                    "建设路", "文化路", "滨河", "新城", "锦绣",   "阳光",
                                    "幸福",   "和谐",   "花园", "学府", "望江",   "凤凰"};
  const Strings& pool = street ? community : village;
  std::vector<std::string> out;
  std::set<size_t> used;
  while (int(out.size()) < n && used.size() < pool.size()) {
    size_t i = rng.below(pool.size());
    if (!used.insert(i).second) continue;
    out.push_back(pool[i] + (street ? "社区" : "村"));
  }
  return out;
}

const std::vector<UnitName>& countyUnits() {
  static const std::vector<UnitName> all = {
      {"县发展和改革局", "发改函", "政府部门"},          // 0
      {"县教育局", "教函", "政府部门"},                  // 1
      {"县科学技术局", "科函", "政府部门"},              // 2
      {"县工业和信息化局", "工信函", "政府部门"},        // 3
      {"县公安局", "公函", "政府部门"},                  // 4
      {"县民政局", "民函", "政府部门"},                  // 5
      {"县司法局", "司函", "政府部门"},                  // 6
      {"县财政局", "财函", "政府部门"},                  // 7
      {"县人力资源和社会保障局", "人社函", "政府部门"},  // 8
      {"县自然资源局", "自然资函", "政府部门"},          // 9
      {"市生态环境局本县分局", "环函", "垂直管理部门"},  // 10
      {"县住房和城乡建设局", "住建函", "政府部门"},      // 11
      {"县交通运输局", "交函", "政府部门"},              // 12
      {"县水利局", "水函", "政府部门"},                  // 13
      {"县农业农村局", "农函", "政府部门"},              // 14
      {"县商务局", "商函", "政府部门"},                  // 15
      {"县文化旅游体育局", "文旅函", "政府部门"},        // 16
      {"县卫生健康局", "卫健函", "政府部门"},            // 17
      {"县退役军人事务局", "退役函", "政府部门"},        // 18
      {"县应急管理局", "应急函", "政府部门"},            // 19
      {"县市场监督管理局", "市监函", "政府部门"},        // 20
      {"县医疗保障局", "医保函", "政府部门"},            // 21
      {"县林业局", "林函", "政府部门"},                  // 22
      {"县城市管理局", "城管函", "政府部门"},            // 23
      {"县乡村振兴局", "振兴函", "政府部门"},            // 24
      {"县公路事业发展中心", "公路函", "事业单位"},      // 25
      {"国网本县供电公司", "供电函", "企业"},            // 26
      {"县自来水公司", "水司函", "企业"},                // 27
      {"县融媒体中心", "融媒函", "事业单位"},            // 28
      {"县数据局", "数据函", "政府部门"},                // 29
  };
  return all;
}

const std::vector<int>& unitsForCategory(const std::string& category) {
  static const std::vector<int> finance = {0, 7, 3, 15, 20, 26, 29};
  static const std::vector<int> farming = {14, 13, 22, 24, 9};
  static const std::vector<int> building = {11, 12, 9, 10, 23, 25, 27};
  static const std::vector<int> culture = {1, 17, 16, 2, 21, 28};
  static const std::vector<int> justice = {4, 6, 5, 19, 18};
  static const std::vector<int> social = {8, 5, 21, 11, 12, 17};
  if (category == "财政经济") return finance;
  if (category == "农业农村") return farming;
  if (category == "城建环资") return building;
  if (category == "教科文卫") return culture;
  if (category == "内务司法") return justice;
  return social;
}

std::string ethnicity(Rng& rng) {
  static const Strings others = {"回族", "苗族", "土家族", "彝族", "壮族", "满族", "侗族"};
  return rng.chance(0.9) ? "汉族" : rng.pick(others);
}

std::string politicalStatus(Rng& rng, bool county) {
  if (rng.chance(county ? 0.68 : 0.55)) return "中共党员";
  static const Strings others = {"群众",     "群众",         "群众",       "民盟盟员",
                                 "民建会员", "九三学社社员", "农工党党员", "无党派人士"};
  return rng.pick(others);
}

std::string education(Rng& rng) {
  static const Strings all = {"初中", "高中", "中专", "大专", "大专", "大学", "大学", "研究生"};
  return rng.pick(all);
}

std::pair<std::string, std::string> occupation(Rng& rng, const std::string& township,
                                               const std::vector<std::string>& villages,
                                               bool county) {
  const std::string& v = villages.empty() ? township : rng.pick(villages);
  switch (rng.below(county ? 8 : 6)) {
    case 0:
    case 1:
      return {"农民", township + v + (rng.chance(0.5) ? "党支部书记" : "村民委员会主任")};
    case 2: {
      static const Strings crops = {"种植专业合作社", "养殖专业合作社", "家庭农场",
                                    "茶叶专业合作社", "果蔬专业合作社"};
      return {"农民", township + v + rng.pick(crops) + "负责人"};
    }
    case 3: {
      static const Strings posts = {"县人民医院主治医师",    "县中医院护士长",
                                    "县第一中学教师",        township + "中心小学校长",
                                    township + "卫生院院长", "县职业中学教师"};
      return {"专业技术人员", rng.pick(posts)};
    }
    case 4: {
      static const Strings firms = {"建材有限公司", "农产品加工有限公司", "机械制造有限公司",
                                    "食品有限公司", "物流有限公司",       "纺织有限公司"};
      return {"企业负责人", township + "某" + rng.pick(firms) + "总经理"};
    }
    case 5: {
      static const Strings jobs = {"一线职工", "车间主任", "技术员", "班组长"};
      return {"工人", "县某" + std::string(rng.chance(0.5) ? "水泥厂" : "电子厂") + rng.pick(jobs)};
    }
    case 6: {
      static const Strings posts = {"党委书记", "镇长", "人大主席", "党委副书记"};
      std::string post = rng.pick(posts);
      if (township.find("街道") != std::string::npos && post == "镇长") post = "办事处主任";
      return {"干部", township + post};
    }
    default: {
      static const Strings posts = {"县财政局副局长", "县农业农村局局长", "县教育局副局长",
                                    "县交通运输局副局长", "县住建局局长"};
      return {"干部", rng.pick(posts)};
    }
  }
}

std::string idNumber(Rng& rng, const std::string& birthday) {
  // GB 11643: 6-digit area code, birth date, 3-digit sequence (odd for men,
  // even for women; left to chance here), ISO 7064 MOD 11-2 check character.
  // The area codes are this made-up county's, not real ones.
  std::string id = "5199" + std::to_string(10 + rng.below(30));
  for (char ch : birthday)
    if (ch >= '0' && ch <= '9') id.push_back(ch);
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03llu", static_cast<unsigned long long>(rng.below(1000)));
  id += seq;
  static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17 && i < id.size(); ++i) sum += (id[i] - '0') * weights[i];
  id.push_back("10X98765432"[sum % 11]);
  return id;
}

std::string mobile(Rng& rng) {
  static const Strings prefixes = {"130", "131", "133", "135", "136", "137", "138", "139",
                                   "150", "151", "152", "157", "158", "159", "177", "180",
                                   "182", "183", "186", "187", "188", "189", "199"};
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08llu",
                static_cast<unsigned long long>(rng.below(100000000ull)));
  return rng.pick(prefixes) + digits;
}

namespace {

// Topic templates per category: a subject ({T} township, {V} village), the
// situation, the analysis, and three concrete asks.
struct Topic {
  const char* subject;
  const char* situation;
  const char* analysis;
  const char* asks[3];
};

const std::vector<Topic>& topics(const std::string& category) {
  static const std::vector<Topic> finance = {
      {"加大{T}中小微企业融资支持力度",
       "{T}现有中小微企业一百余家，多数反映贷款难、贷款贵，抵押物不足，续贷周期长。",
       "县级政策性担保资金规模偏小，银企对接渠道不畅，企业获取政策信息滞后。",
       {"扩大县融资担保公司资本金规模", "每季度在乡镇组织一次银企对接会",
        "对首贷企业给予贴息补助"}},
      {"支持{T}农产品电商发展",
       "{T}特色农产品品质好，但销售主要依靠中间商收购，农民增收有限。",
       "缺少冷链仓储和快递物流网点，电商人才不足，品牌意识不强。",
       {"在{T}建设一处农产品冷链集配中心", "开展农村电商带头人培训", "统一注册区域公用品牌"}},
      {"解决{V}工业用电容量不足问题",
       "{V}工业集中区企业增多，现有变压器容量不足，夏季用电高峰频繁停电。",
       "电网改造未纳入年度计划，企业自备发电成本高，影响正常生产。",
       {"将{V}线路增容改造列入本年度电网建设计划", "高峰期实行有序用电并提前告知",
        "建立企业用电问题快速响应机制"}},
      {"规范{T}集贸市场管理",
       "{T}集贸市场逢集日占道经营严重，交通拥堵，环境卫生差。",
       "市场设施老旧，管理主体不明确，缺少常态化管理力量。",
       {"对市场进行提升改造并划定临时摊位", "明确市场监管和城管的管理责任",
        "逢集日增派交通疏导人员"}},
  };
  static const std::vector<Topic> farming = {
      {"{V}高标准农田建设",
       "{V}耕地约三千亩，灌溉渠系多为上世纪修建，渗漏严重，部分田块望天收。",
       "渠道年久失修，田间道路狭窄，农机难以下田，种粮效益低。",
       {"将{V}列入下一批高标准农田建设项目", "修复主干渠并配套田间道路",
        "建设后明确管护主体和经费"}},
      {"加强{T}农村饮水安全保障",
       "{V}等村仍以分散水井和山泉为水源，旱季缺水，水质不稳定。",
       "供水管网未覆盖，水源保护和水质检测不到位。",
       {"将集镇供水管网延伸至{V}", "定期开展农村饮用水水质检测", "落实小型供水工程管护责任"}},
      {"扶持{T}特色产业发展",
       "{T}种植茶叶、中药材等特色作物，规模小、品种杂，抗风险能力弱。",
       "缺少龙头企业带动，技术服务跟不上，产品附加值低。",
       {"引进农产品深加工企业", "组织农技人员定期到田间指导", "对规模种植给予以奖代补"}},
      {"整治{V}河道防洪隐患",
       "流经{V}的河道淤积严重，堤岸多处垮塌，汛期威胁两岸农田和房屋。",
       "河道清淤和护岸工程长期未实施，日常巡查力量不足。",
       {"汛前完成{V}段河道清淤", "对垮塌堤段进行加固", "落实河长巡河和预警责任"}},
      {"加强{T}动物疫病防控",
       "{T}生猪和牛羊养殖户较多，基层防疫员年龄偏大、待遇偏低。",
       "村级防疫力量薄弱，疫苗冷链设施不完善。",
       {"充实乡镇动物防疫队伍", "提高村级防疫员补助标准", "完善疫苗冷链储存设施"}},
  };
  static const std::vector<Topic> building = {
      {"{V}至{T}集镇道路提档升级",
       "{V}至{T}集镇道路为四米宽水泥路，路面破损严重，会车困难，群众出行不便。",
       "道路修建已十五年，超期服役，重载车辆增多，养护资金不足。",
       {"将该路段列入农村公路提档升级计划", "在急弯陡坡处增设安全防护设施", "落实日常养护责任"}},
      {"在{T}集镇增设路灯",
       "{T}集镇主街和{V}连接路没有路灯，夜间行人和车辆通行存在安全隐患。",
       "集镇建设资金有限，路灯建设和电费缺少稳定来源。",
       {"在集镇主街和连接路安装太阳能路灯", "明确路灯维护单位", "纳入集镇年度建设计划"}},
      {"加快{T}集镇污水处理设施建设",
       "{T}集镇生活污水直排河道，夏季异味明显，群众反映强烈。",
       "污水管网不配套，已建处理站运行不正常。",
       {"完善集镇污水收集管网", "委托专业公司运营污水处理站", "加强出水水质监测"}},
      {"改善{V}农村人居环境",
       "{V}垃圾收集点少，清运不及时，部分路段乱堆乱放。",
       "保洁经费不足，群众环境卫生意识有待提高。",
       {"增设垃圾收集设施并定时清运", "将保洁经费纳入县级财政预算", "开展美丽庭院评比"}},
      {"对{T}老旧小区进行改造",
       "{T}部分小区建于上世纪九十年代，管网老化，无物业管理，楼道照明缺失。",
       "改造资金渠道单一，居民意见难以统一。",
       {"将其纳入城镇老旧小区改造计划", "同步改造水电气管网", "引导成立业主委员会"}},
      {"开通{V}至县城公交线路",
       "{V}距县城二十余公里，目前没有公交车，群众进城只能搭乘私人车辆。",
       "客运线路规划未覆盖，道路条件一般。",
       {"开通或延伸城乡公交线路", "在{V}设置招呼站", "对偏远线路给予运营补贴"}},
  };
  static const std::vector<Topic> culture = {
      {"改善{T}中心小学办学条件",
       "{T}中心小学在校生六百余人，校舍陈旧，运动场为泥土地，雨天无法上体育课。",
       "学校建设投入不足，部分功能室缺少设备。",
       {"对运动场进行硬化改造", "配齐科学和音乐功能室设备", "补充音体美专业教师"}},
      {"加强{T}卫生院服务能力建设",
       "{T}卫生院医技人员不足，缺少彩超等设备，群众看病多往县城跑。",
       "基层医疗人才引不进、留不住，设备更新慢。",
       {"为卫生院配置必要的诊疗设备", "推行县乡医疗人员双向流动", "定期安排县级专家下乡坐诊"}},
      {"加强校车安全管理",
       "{T}学生上下学多乘坐农用车或非法营运车辆，存在较大安全隐患。",
       "校车数量不足，部分线路无法覆盖。",
       {"增加校车并优化线路", "开展农村道路交通安全专项整治", "加强学生安全教育"}},
      {"建设{V}农家书屋和文化广场",
       "{V}群众文化活动场所缺乏，农家书屋图书陈旧，使用率低。",
       "文化设施建设和管理投入不足。",
       {"建设村级文化广场", "更新农家书屋图书", "组织文化下乡活动"}},
      {"提高农村老年人医疗保障水平",
       "{T}农村老年人慢性病患者多，门诊费用负担较重。",
       "慢性病门诊报销范围窄，部分药品未纳入目录。",
       {"扩大慢性病门诊报销病种范围", "提高基层门诊报销比例", "加强医保政策宣传"}},
  };
  static const std::vector<Topic> justice = {
      {"加强{T}农村治安防控",
       "{T}近年来发生多起盗窃电缆和农机具案件，群众安全感下降。",
       "农村警力不足，视频监控覆盖不全。",
       {"在主要路口和村委会安装视频监控", "组建村级治安巡逻队", "加大打击盗窃犯罪力度"}},
      {"整治{T}道路交通安全隐患",
       "{T}集镇过境路段车流量大，学校门口无减速带和人行横道。",
       "交通安全设施不完善，无人管理。",
       {"在学校路段设置减速带和警示标志", "上下学时段安排交警执勤", "整治违规载人"}},
      {"加强{T}法律援助和调解工作",
       "{T}群众遇到土地、婚姻等纠纷时，请律师难，调解组织作用发挥不够。",
       "基层法律服务力量薄弱，调解员缺乏培训。",
       {"在司法所设立法律援助工作站", "每月安排律师到乡镇值班", "加强人民调解员培训"}},
      {"做好{T}退役军人服务保障",
       "{T}退役军人服务站缺少专职人员，部分退役军人就业困难。",
       "服务站工作经费和人员不到位。",
       {"配备退役军人服务站专职人员", "开展退役军人技能培训", "落实优待政策"}},
  };
  static const std::vector<Topic> social = {
      {"完善{T}农村养老服务",
       "{T}留守老人较多，敬老院床位不足，部分失能老人无人照料。",
       "养老服务设施少，护理人员缺乏。",
       {"改扩建{T}敬老院", "在{V}建设村级互助养老点", "对护理人员开展培训"}},
      {"加强{T}农村劳动力就业培训",
       "{T}外出务工人员多，返乡人员就业技能不足。",
       "培训项目与市场需求脱节，培训后就业服务跟不上。",
       {"按企业需求开展订单式培训", "建立乡镇就业服务站", "落实创业担保贷款政策"}},
      {"提高农村低保和特困人员保障水平",
       "{T}部分困难家庭因病致贫，低保认定程序复杂。",
       "动态管理不到位，个别应保未保。",
       {"简化低保审批程序", "开展低保对象动态排查", "加大临时救助力度"}},
      {"解决{T}农民工工资拖欠问题",
       "{T}部分工程项目存在拖欠农民工工资情况，群众多次反映。",
       "工资保证金制度落实不到位，维权渠道不畅。",
       {"开展欠薪专项治理", "落实工资专用账户制度", "公布维权投诉电话"}},
  };
  if (category == "财政经济") return finance;
  if (category == "农业农村") return farming;
  if (category == "城建环资") return building;
  if (category == "教科文卫") return culture;
  if (category == "内务司法") return justice;
  return social;
}

std::string placed(std::string text, const std::string& township, const std::string& village) {
  return substitute(substitute(std::move(text), "{T}", township), "{V}", village);
}

}  // namespace

SuggestionText suggestionText(Rng& rng, const std::string& category, const std::string& township,
                              const std::string& village, bool townshipLevel) {
  const Topic& t = rng.pick(topics(category));
  SuggestionText out;
  out.title = "关于" + placed(t.subject, township, village) + "的建议";
  std::string body = "一、基本情况。" + placed(t.situation, township, village);
  static const Strings voices = {"群众多次向代表反映，", "在走访选民中了解到，",
                                 "代表在视察中发现，", "不少群众在代表联络站反映，"};
  body += rng.pick(voices) + "希望尽快解决。";
  body += "二、原因分析。" + placed(t.analysis, township, village);
  body += "三、具体建议。一是" + placed(t.asks[0], township, village) + "；二是" +
          placed(t.asks[1], township, village) + "；三是" + placed(t.asks[2], township, village) +
          "。";
  if (townshipLevel) body += "建议镇（乡）人民政府研究办理。";
  out.body = body;
  return out;
}

std::string replyText(Rng& rng, const std::string& cls, const std::string& unit) {
  static const Strings a = {"经研究，您提出的问题已解决：相关工程已于近期完工并投入使用。",
                            "我单位高度重视，已安排专项资金，相关工作全部完成。",
                            "经实地查看，已协调有关方面整改到位。"};
  static const Strings b = {"您提出的建议已列入明年工作计划，目前正在开展前期工作。",
                            "相关项目已启动，预计年内完成主体工程。",
                            "我单位已会同乡镇制定方案，正在分步实施。"};
  static const Strings c = {
      "受资金和政策条件限制，目前暂无法实施，已纳入中长期规划，待条件成熟后解决。",
      "该事项涉及上级审批，我单位将积极争取，条件具备后逐步解决。"};
  static const Strings d = {"您的建议很有参考价值，我单位将在今后工作中认真研究借鉴。",
                            "经研究，该事项不属于本单位职责，已向您作出说明，建议作为参考。"};
  const Strings& pool = cls == "A" ? a : cls == "B" ? b : cls == "C" ? c : d;
  return unit + "答复：" + rng.pick(pool) + "感谢您对我们工作的关心和支持。";
}

std::string progressText(Rng& rng) {
  static const Strings all = {"已组织人员实地调查，形成初步方案。", "已与乡镇和相关村召开协调会。",
                              "已完成项目测算，正在申请资金。", "已开工建设，完成工程量约一半。",
                              "已征求代表意见，正在修改完善办理方案。"};
  return rng.pick(all);
}

std::string rejectReason(Rng& rng) {
  static const Strings all = {"属于个人诉求，不宜作为代表建议，已转有关部门处理。",
                              "内容涉及正在诉讼中的案件，不予立案。",
                              "一件建议包含多个事项，请按一事一议修改后重新提出。",
                              "内容过于简单，缺少具体情况和意见，请补充后重新提出。"};
  return rng.pick(all);
}

std::string returnReason(Rng& rng) {
  static const Strings all = {"该事项不属于本单位职责范围，建议改由相关单位主办。",
                              "该项目已移交其他部门管理，请重新交办。"};
  return rng.pick(all);
}

std::string unsatisfiedReason(Rng& rng) {
  static const Strings all = {"答复内容空泛，没有具体措施和时间表。",
                              "承办单位未与代表见面沟通，问题至今没有解决。",
                              "答复称已解决，但实地查看问题依然存在。"};
  return rng.pick(all);
}

std::string supervisionFindings(Rng& rng) {
  static const Strings all = {"实地查看了项目现场，要求承办单位加快进度，按期答复代表。",
                              "听取了承办单位办理情况汇报，办理工作总体有序。",
                              "发现资金尚未落实，要求承办单位与财政部门对接。",
                              "组织代表座谈，承办单位现场回应代表关切。"};
  return rng.pick(all);
}

std::pair<std::string, std::string> dutyText(Rng& rng, const std::string& type,
                                             const std::string& township,
                                             const std::string& village) {
  static const Strings projects = {"高标准农田建设", "农村公路建设",      "饮水安全工程",
                                   "集镇污水处理",   "敬老院运行",        "学校食堂管理",
                                   "河道整治",       "乡村振兴示范点建设"};
  static const Strings themes = {"营商环境",         "义务教育",     "基层医疗卫生", "农村养老服务",
                                 "农村人居环境整治", "特色产业发展", "耕地保护"};
  static const Strings laws = {"食品安全法",   "安全生产法", "道路交通安全法",  "土地管理法",
                               "水污染防治法", "义务教育法", "农产品质量安全法"};
  if (type == "出席会议")
    return {rng.chance(0.5) ? "出席" + township + "人民代表大会会议" : "出席县人民代表大会会议",
            rng.chance(0.5) ? township + "政府会议室" : "县人民会堂"};
  if (type == "列席会议")
    return {rng.chance(0.5) ? "列席县人大常委会会议" : "列席" + township + "人大主席团会议",
            rng.chance(0.5) ? "县人大常委会会议室" : township + "政府会议室"};
  if (type == "视察") return {"视察" + village + rng.pick(projects), village};
  if (type == "调研") return {"调研" + township + rng.pick(themes) + "情况", township};
  if (type == "执法检查") return {"参加《" + rng.pick(laws) + "》执法检查", township};
  if (type == "代表小组活动") return {"参加代表小组活动，学习讨论并走访选民", village + "村委会"};
  if (type == "进家入站接待") return {"在代表联络站值守接待", village + "代表联络站"};
  if (type == "走访联系选民") return {"走访" + village + "选民，听取意见建议", village};
  if (type == "学习培训")
    return {rng.chance(0.5) ? "参加县人大代表履职能力培训班" : "参加" + township + "人大代表学习会",
            rng.chance(0.5) ? "县委党校" : township + "政府会议室"};
  if (type == "约见") return {"约见有关部门负责人反映群众诉求", "县人大代表联络站"};
  if (type == "票决测评")
    return {rng.chance(0.5) ? "参加" + township + "民生实事项目票决" : "参加部门工作满意度测评",
            township + "政府会议室"};
  if (type == "述职") return {"向原选区选民述职", village + "村委会"};
  return {rng.chance(0.5) ? "参加防汛值守" : "参加矛盾纠纷排查化解", village};
}

std::pair<std::string, std::string> issueText(Rng& rng, const std::string& village) {
  struct Issue {
    const char* text;
    const char* category;
  };
  static const std::vector<Issue> all = {
      {"{V}路灯坏了半年没人修，晚上出门看不见路。", "城建环资"},
      {"村里到镇上的路坑坑洼洼，下雨天车都开不进来。", "城建环资"},
      {"自来水时有时无，夏天经常停水。", "城建环资"},
      {"垃圾堆在路边没人拉走，气味很大。", "城建环资"},
      {"家里老人看病报销比例太低，负担重。", "社会建设"},
      {"孩子上学要走很远的路，希望通校车。", "教科文卫"},
      {"低保申请交了材料一直没有消息。", "社会建设"},
      {"在工地干活的工钱拖了三个月还没发。", "社会建设"},
      {"田里的水渠堵了，春灌放不下水。", "农业农村"},
      {"养的猪卖不上价，希望帮忙找销路。", "农业农村"},
      {"晚上常有人偷电动车，希望加强巡逻。", "内务司法"},
      {"邻居建房占了我家的宅基地，调解了几次没结果。", "内务司法"},
      {"{V}卫生室没有医生坐诊，看小病也要跑镇上。", "教科文卫"},
      {"广场舞音响太吵，影响休息。", "社会建设"},
      {"河边护栏坏了，小孩子玩耍很危险。", "城建环资"},
      {"希望村里建个老年活动室。", "社会建设"},
  };
  const Issue& i = rng.pick(all);
  return {substitute(i.text, "{V}", village), std::string(i.category)};
}

}  // namespace renda::app::demo
