// SPDX-License-Identifier: Apache-2.0
// The field lists: from domain.md §2 as the code uses them (the CLI verbs,
// reports, the suggestion fold, core/domain/field_groups.cpp, the demo county
// generator). Labels follow glossary.md and domain.md.
#include "core/domain/fields.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace renda::domain {

namespace {

using T = FieldType;
using K = RecordKind;

constexpr bool kRequired = true;

FieldInfo ref(const char* name, const char* label, RecordKind kind, bool required = false) {
  return {name, label, T::kReference, kind, required, ""};
}

FieldInfo text(const char* name, const char* label, bool required = false, const char* hint = "") {
  return {name, label, T::kText, std::nullopt, required, hint};
}

FieldInfo of(const char* name, const char* label, FieldType type, const char* hint = "",
             bool required = false) {
  return {name, label, type, std::nullopt, required, hint};
}

const FieldInfo kNote = of("note", "备注", T::kLongText);

// Personal fields (core/domain/privacy.h): sealed when written.
std::vector<FieldInfo> constituentFields() {
  return {text("constituentName", "反映人姓名"), text("constituentPhone", "反映人联系电话"),
          text("constituentAddress", "反映人住址"), text("constituentIdNumber", "反映人身份证号")};
}

std::map<RecordKind, std::vector<FieldInfo>> makeKinds() {
  std::map<RecordKind, std::vector<FieldInfo>> k;
  k[K::kDeputy] = {
      text("name", "姓名", kRequired),
      of("gender", "性别", T::kChoice, "男|女"),
      text("ethnicity", "民族", false, "汉族"),
      of("birthday", "出生日期", T::kDate),
      text("idNumber", "身份证号"),
      text("political", "政治面貌", false, "中共党员"),
      text("education", "学历", false, "大学本科"),
      text("sector", "代表构成（界别）", false, "农民"),
      text("post", "单位及职务"),
      of("level", "代表层级", T::kChoice, "乡镇级|县级|市级|省级|全国"),
      text("district", "选区", false, "第3选区"),
      text("delegation", "代表团"),
      ref("group", "代表小组", K::kDeputyGroup),
      ref("station", "所在家站", K::kStation),
      text("cardNo", "代表证号"),
      text("phone", "联系电话"),
      of("status", "状态", T::kChoice, "正常|终止"),
      of("endDate", "终止日期", T::kDate),
      text("endReason", "终止原因"),
  };
  k[K::kStation] = {
      text("name", "名称", kRequired),
      of("kind", "类型", T::kChoice, "代表之家|代表联络站|代表工作站|联络点"),
      of("level", "层级", T::kChoice, "乡镇|县"),
      text("address", "地址"),
      text("contact", "联系人（站长）"),
      text("phone", "联系电话"),
      text("receptionSchedule", "接待日", false, "每周一 9:00-11:30；每月10日"),
  };
  k[K::kSuggestion] = {
      text("title", "标题（案由）", kRequired, "关于……的建议"),
      of("body", "内容", T::kLongText),
      ref("lead", "领衔代表", K::kDeputy),
      of("level", "层级", T::kChoice, "乡镇级|县级"),
      of("kind", "类别（建议/议案）", T::kChoice, "建议|议案"),
      text("category", "建议分类", false, "农业农村"),
      of("submittedIn", "提出时间", T::kChoice, "大会期间|闭会期间"),
      ref("session", "会议", K::kSession),
      of("public", "是否公开", T::kChoice, "全文公开|摘要公开|不公开"),
      text("handledAs", "议案转建议说明"),
      ref("issue", "来源社情民意", K::kConstituentIssue),
      // The office's data (core/domain/field_groups.cpp): recorded by the
      // life-cycle actions; as plain fields only the office sets them.
      text("number", "编号"),
      ref("unit", "承办单位", K::kHandlingUnit),
      {"units", "承办单位（多个）", T::kReferences, K::kHandlingUnit, false, ""},
      of("role", "承办方式", T::kChoice, "lead|assisting|separate"),
      of("deadline", "办理期限", T::kDate),
      of("reply", "答复", T::kLongText),
      text("outcome", "答复类别", false, "A"),
      text("docNo", "答复文号"),
      of("key", "重点建议", T::kChoice, "yes|no"),
      text("keyLeader", "督办领导"),
      of("closed", "已办结", T::kChoice, "yes|no"),
      of("closedDate", "办结日期", T::kDate),
      text("state", "状态"),
      of("round", "办理轮次", T::kNumber),
      of("registeredDate", "登记日期", T::kDate),
      of("assignedDate", "交办日期", T::kDate),
      of("carryOverYears", "续办年限", T::kNumber),
  };
  k[K::kDutyRecord] = {
      ref("deputy", "代表", K::kDeputy, kRequired),
      {"type", "履职类型", T::kChoice, std::nullopt, kRequired, "视察|调研|走访联系选民"},
      of("date", "日期", T::kDate),
      text("title", "标题"),
      of("content", "内容", T::kLongText),
      text("place", "地点"),
      text("organiser", "组织单位"),
      of("status", "审核状态", T::kChoice, "未提交|待审核|审核通过|审核失败|已撤回"),
  };
  k[K::kTerm] = {
      text("name", "届次", kRequired, "第十八届"),
      of("level", "层级", T::kChoice, "乡镇级|县级"),
      of("startDate", "开始日期", T::kDate),
      of("endDate", "结束日期", T::kDate),
  };
  k[K::kSession] = {
      text("name", "会议名称", kRequired, "第十八届第二次会议"),
      ref("term", "届次", K::kTerm),
      of("type", "类型", T::kChoice, "大会期间|闭会期间"),
      of("startDate", "开始日期", T::kDate),
      of("endDate", "结束日期", T::kDate),
  };
  k[K::kTownship] = {
      text("name", "名称", kRequired),
      text("code", "代码", false, "001"),
      of("type", "类型", T::kChoice, "乡|民族乡|镇|街道"),
  };
  k[K::kDeputyGroup] = {
      text("name", "名称", kRequired, "第一代表小组"),
      text("leader", "组长"),
  };
  k[K::kHandlingUnit] = {
      text("name", "名称", kRequired),
      text("category", "类别", false, "政府部门"),
      text("contact", "联系人"),
      text("phone", "联系电话"),
      text("address", "地址"),
  };
  k[K::kSettings] = {
      of("categories", "建议分类", T::kList, "财政经济,农业农村"),
      of("dutyTypes", "履职类型", T::kList, "视察,调研"),
      of("outcomeScheme", "答复类别方案", T::kChoice, "ABCD|甲乙丙|ABC"),
      of("outcomeMap", "答复类别对照", T::kList, "甲=A,乙=B,丙=C"),
      of("replyDays", "答复期限（天）", T::kNumber, "90"),
      of("maxExtensionDays", "最长延期（天）", T::kNumber, "90"),
      of("warningDays", "临期提醒（天）", T::kNumber, "15"),
      of("returnWindowDays", "退回期限（天）", T::kNumber, "10"),
      of("feedbackDays", "测评期限（天）", T::kNumber, "10"),
      of("rehandleDays", "重新办理期限（天）", T::kNumber, "30"),
      of("rehandleExtensionDays", "重新办理最长延期（天）", T::kNumber, "0"),
      of("urgeIntervalDays", "催办间隔（天）", T::kNumber, "3"),
  };
  k[K::kReception] = {
      ref("station", "家站", K::kStation, kRequired),
      {"date", "日期", T::kDate, std::nullopt, kRequired, ""},
      text("title", "标题"),
      text("place", "地点"),
      {"deputies", "接待代表", T::kReferences, K::kDeputy, false, ""},
      of("visitors", "接待人数", T::kNumber),
  };
  for (auto& f : constituentFields()) k[K::kReception].push_back(f);
  k[K::kConstituentIssue] = {
      ref("reception", "接待", K::kReception),
      ref("deputy", "接待代表", K::kDeputy),
      {"text", "反映内容", T::kLongText, std::nullopt, kRequired, ""},
      text("category", "分类"),
      {"receivedDate", "收到日期", T::kDate, std::nullopt, kRequired, ""},
      {"route", "分流办理", T::kChoice, std::nullopt, kRequired,
       "当场答复|转村（社区）|转乡镇人大|转为代表建议|转上级代表"},
      of("closedDate", "办结日期", T::kDate),
      ref("suggestion", "转成的代表建议", K::kSuggestion),
  };
  for (auto& f : constituentFields()) k[K::kConstituentIssue].push_back(f);
  k[K::kReportBack] = {
      ref("deputy", "代表", K::kDeputy, kRequired),
      {"date", "日期", T::kDate, std::nullopt, kRequired, ""},
      text("place", "地点"),
      of("attendees", "参加人数", T::kNumber),
      of("votesSatisfied", "满意票", T::kNumber),
      of("votesBasic", "基本满意票", T::kNumber),
      of("votesUnsatisfied", "不满意票", T::kNumber),
      of("satisfaction", "满意率", T::kNumber, "95%"),
  };
  k[K::kRotaSlot] = {
      ref("deputy", "代表", K::kDeputy, kRequired),
      ref("station", "家站", K::kStation, kRequired),
      {"date", "日期", T::kDate, std::nullopt, kRequired, ""},
      of("slot", "时段", T::kChoice, "上午|下午|全天"),
  };
  k[K::kMandate] = {
      ref("deputy", "代表", K::kDeputy, kRequired),
      {"level", "层级", T::kChoice, std::nullopt, kRequired, "乡镇级|县级"},
      ref("term", "届次", K::kTerm, kRequired),
  };
  for (auto& [kind, fields] : k) fields.push_back(kNote);
  return k;
}

const FieldInfo kDate = of("date", "日期（默认今天）", T::kDate);

std::map<std::string, std::vector<FieldInfo>, std::less<>> makeActions() {
  FieldInfo unit = ref("unit", "承办单位", K::kHandlingUnit, kRequired);
  FieldInfo reason = of("reason", "理由", T::kLongText);
  FieldInfo deadline = of("deadline", "办理期限", T::kDate);
  std::map<std::string, std::vector<FieldInfo>, std::less<>> a = {
      {"submit", {}},
      {"cosign",
       {ref("deputy", "附议代表", K::kDeputy, kRequired), of("agreed", "是否同意", T::kChoice, "yes|no")}},
      {"withdraw", {reason}},
      {"register", {text("number", "编号", kRequired, "闭-2026-001")}},
      {"reject", {{"reason", "理由", T::kLongText, std::nullopt, kRequired, ""}}},
      {"renumber",
       {text("number", "新编号", kRequired, "闭-2026-001"),
        {"reason", "更正理由", T::kLongText, std::nullopt, kRequired, ""}}},
      {"assign",
       {unit, of("role", "承办方式（主办/协办/分办）", T::kChoice, "lead|assisting|separate"),
        deadline}},
      {"accept", {unit}},
      {"return", {unit, {"reason", "退回理由", T::kLongText, std::nullopt, kRequired, ""}}},
      {"keep", {unit, reason}},
      {"extend", {{"deadline", "延至", T::kDate, std::nullopt, kRequired, ""}, reason}},
      {"progress", {unit, of("text", "办理进展", T::kLongText)}},
      {"meet", {unit}},
      {"reply",
       {unit, text("outcome", "答复类别", false, "A"), of("text", "答复内容", T::kLongText),
        text("docNo", "答复文号", false, "某函〔2026〕1号")}},
      {"evaluate",
       {{"result", "对办理结果", T::kChoice, std::nullopt, kRequired, "满意|基本满意|不满意"},
        of("process", "对办理过程", T::kChoice, "满意|基本满意|不满意"),
        ref("rater", "测评代表", K::kDeputy),
        of("raterRole", "测评人身份", T::kChoice, "lead|cosigner"),
        of("round", "办理轮次", T::kNumber),
        of("anonymous", "无记名", T::kChoice, "yes|no"),
        of("reason", "意见", T::kLongText)}},
      {"settle",
       {{"keep", "保留的测评（结果，或 show 列出的测评编号）", T::kText, std::nullopt, kRequired,
         "满意|基本满意|不满意|RATING"},
        reason}},
      {"rehandle", {deadline, reason}},
      {"close", {reason}},
      {"carryOver", {{"years", "续办年限", T::kChoice, std::nullopt, kRequired, "1|2|3"}, reason, deadline}},
      {"supervise",
       {of("kind", "督办方式", T::kChoice, "领导督办|工委督办|实地督查|约见|回头看"),
        text("by", "督办人"), of("findings", "督办意见", T::kLongText)}},
      {"urge", {text("by", "催办人", kRequired)}},
      {"markKey", {text("leader", "督办领导", kRequired), text("committee", "督办工委")}},
      {"selfHandle", {of("text", "办理情况", T::kLongText)}},
  };
  for (auto& [name, fields] : a) fields.push_back(kDate);
  return a;
}

}  // namespace

const char* kindLabel(RecordKind kind) {
  switch (kind) {
    case K::kDeputy: return "人大代表";
    case K::kStation: return "代表之家/代表联络站";
    case K::kSuggestion: return "代表建议";
    case K::kDutyRecord: return "履职记录";
    case K::kTerm: return "届";
    case K::kSession: return "次会议";
    case K::kTownship: return "乡镇";
    case K::kDeputyGroup: return "代表小组";
    case K::kHandlingUnit: return "承办单位";
    case K::kSettings: return "办理规则设置";
    case K::kReception: return "接待";
    case K::kConstituentIssue: return "社情民意";
    case K::kReportBack: return "述职";
    case K::kRotaSlot: return "值班";
    case K::kMandate: return "代表资格";
  }
  return "?";
}

const std::vector<FieldInfo>& fieldsOf(RecordKind kind) {
  static const auto all = makeKinds();
  static const std::vector<FieldInfo> none;
  auto it = all.find(kind);
  return it == all.end() ? none : it->second;
}

const FieldInfo* findField(RecordKind kind, std::string_view name) {
  for (const auto& f : fieldsOf(kind))
    if (name == f.name) return &f;
  return nullptr;
}

const std::vector<FieldInfo>* actionFields(std::string_view action) {
  static const auto all = makeActions();
  auto it = all.find(action);
  return it == all.end() ? nullptr : &it->second;
}

size_t editDistance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

const FieldInfo* nearestField(const std::vector<FieldInfo>& fields, std::string_view typed) {
  const FieldInfo* best = nullptr;
  size_t bestDistance = 0;
  for (const auto& f : fields) {
    size_t d = editDistance(typed, f.name);
    if (!best || d < bestDistance) {
      best = &f;
      bestDistance = d;
    }
  }
  return best;
}

}  // namespace renda::domain
