// SPDX-License-Identifier: Apache-2.0
// Internal to the demo county generator: the life-cycle events of one planned
// suggestion, each added for the node whose role takes it (the deputy's side
// at the township; the office at the county, or at the township for a
// township-level item), each updating the facts the planner keeps
// (SuggestionFacts) only when it is added. An event dated after the demo's
// "now" ends the path there: it and everything after it are left out.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/demo/demo_county_plan.h"
#include "app/demo/demo_county_text.h"

namespace renda::app::demo {

// Adds events to `s.events`. Each method adds one event (dated `d`) and
// returns false when the path has ended (this event or an earlier one fell
// after the demo's now). `office` is the node of the assigning office: 0 for a
// county-level item, the township's node for a township-level one.
class LifeEvents {
 public:
  LifeEvents(PlanContext& ctx, SuggestionFacts& s, int office)
      : ctx_(ctx), rng_(ctx.rng), s_(s), office_(office), town_(s.township) {}

  bool stopped() const { return stopped_; }
  int round() const { return s_.round; }

  bool submit(Day d) {
    if (!ev(town_, "submit", d)) return false;
    s_.submitted = true;
    s_.submitDay = d;
    return true;
  }
  void cosign(int deputy, bool agreed, Day d) {
    if (ev(town_, "cosign", d, {{"agreed", agreed ? "yes" : "no"}}, {{"deputy", deputy}}) && agreed)
      s_.cosigners.push_back(deputy);
  }
  void withdraw(Day d) {
    if (ev(town_, "withdraw", d, {{"reason", "经与有关部门沟通，问题已解决，申请撤回"}}))
      s_.withdrawn = true;
  }
  void reject(Day d) { ev(office_, "reject", d, {{"reason", rejectReason(rng_)}}); }
  void selfHandle(Day d) {
    if (ev(office_, "selfHandle", d, {{"text", "由乡镇人大主席团协调村委会当即解决"}}))
      s_.selfHandled = true;
  }
  bool registerAs(const std::string& number, Day d) {
    if (!ev(office_, "register", d, {{"number", number}})) return false;
    s_.registered = true;
    s_.number = number;
    return true;
  }
  void markKey(const std::string& leader, const std::string& committee, Day d) {
    if (ev(office_, "markKey", d, {{"leader", leader}, {"committee", committee}})) s_.key = true;
  }
  bool assign(int unit, const char* role, Day d) {
    if (!ev(office_, "assign", d, {{"role", role}}, {{"unit", unit}})) return false;
    if (!s_.assigned) {
      s_.assigned = true;
      s_.deadline = d + 90;
    }
    s_.awaiting = true;
    s_.units.push_back({unit, role, false, std::nullopt, ""});
    return true;
  }
  bool accept(int unit, Day d) { return ev(office_, "accept", d, {}, {{"unit", unit}}); }
  bool returnUnit(int unit, Day d) {
    if (!ev(office_, "return", d, {{"reason", returnReason(rng_)}}, {{"unit", unit}})) return false;
    for (auto& u : s_.units)
      if (u.unit == unit) u.returned = true;
    return true;
  }
  void extend(Day newDeadline, Day d) {
    if (ev(office_, "extend", d,
           {{"deadline", dateText(newDeadline)}, {"reason", "项目涉及资金审批，申请延期答复"}}))
      s_.deadline = newDeadline;
  }
  void meet(int unit, Day d) {
    if (ev(office_, "meet", d, {}, {{"unit", unit}}) && s_.round == 1 && !s_.metDay) s_.metDay = d;
  }
  void progress(int unit, Day d) {
    ev(office_, "progress", d, {{"text", progressText(rng_)}}, {{"unit", unit}});
  }
  void supervise(const std::string& kind, const std::string& by, Day d) {
    ev(office_, "supervise", d,
       {{"kind", kind}, {"by", by}, {"findings", supervisionFindings(rng_)}});
  }
  void urge(bool byDeputy, const std::string& by, Day d) {
    ev(byDeputy ? town_ : office_, "urge", d, {{"by", by}});
  }
  bool reply(int unit, const std::string& outcome, const std::string& unitName,
             const std::string& docPrefix, const std::string& cls, Day d) {
    std::vector<std::pair<std::string, std::string>> opts;
    if (!outcome.empty()) opts.push_back({"outcome", outcome});
    opts.push_back({"text", outcome.empty()
                                ? unitName + "协办意见：同意主办单位的办理意见，将积极配合落实。"
                                : replyText(rng_, cls, unitName)});
    opts.push_back({"docNo", docPrefix + "〔" + std::to_string(yearOf(d)) + "〕" +
                                 std::to_string(rng_.between(3, 180)) + "号"});
    if (!ev(office_, "reply", d, opts, {{"unit", unit}})) return false;
    for (auto& u : s_.units) {
      if (u.unit != unit || u.returned) continue;
      if (s_.round == 1 && !u.firstReply) u.firstReply = d;
      if (!outcome.empty()) u.lastOutcome = outcome;
    }
    if (!outcome.empty()) s_.lastOutcome = outcome;
    answered_.insert(unit);
    bool all = true;
    for (const auto& u : s_.units)
      if (!u.returned && u.role != "assisting" && !answered_.count(u.unit)) all = false;
    if (all) s_.awaiting = false;
    return true;
  }
  bool evaluate(const std::string& result, const std::string& process, const std::string& reason,
                Day d) {
    std::vector<std::pair<std::string, std::string>> opts = {{"result", result},
                                                             {"raterRole", "lead"}};
    if (!process.empty()) opts.push_back({"process", process});
    if (!reason.empty()) opts.push_back({"reason", reason});
    if (!ev(town_, "evaluate", d, opts, {{"rater", s_.lead}})) return false;
    s_.leadRatings.push_back({s_.round, norm(result), norm(process)});
    return true;
  }
  void evaluateAsCosigner(int deputy, const std::string& result, Day d) {
    ev(town_, "evaluate", d, {{"result", result}, {"raterRole", "cosigner"}}, {{"rater", deputy}});
  }
  bool rehandle(Day d) {
    if (!ev(office_, "rehandle", d, {{"reason", "代表不满意，重新办理"}})) return false;
    if (s_.round == 1) s_.round1Deadline = s_.deadline;
    ++s_.round;
    s_.deadline = d + 30;
    s_.awaiting = true;
    answered_.clear();
    return true;
  }
  bool close(const std::string& reason, Day d) {
    std::vector<std::pair<std::string, std::string>> opts;
    if (!reason.empty()) opts.push_back({"reason", reason});
    if (!ev(office_, "close", d, opts)) return false;
    s_.closed = true;
    return true;
  }
  bool carryOver(int years, Day d) {
    if (!ev(office_, "carryOver", d,
            {{"years", std::to_string(years)}, {"reason", "列入计划逐步解决，继续跟踪办理"}}))
      return false;
    s_.closed = false;
    return true;
  }

 private:
  static std::string norm(const std::string& r) {
    if (r == "满意") return "satisfied";
    if (r == "基本满意") return "basic";
    if (r == "不满意") return "unsatisfied";
    return "";
  }
  bool ev(int node, const char* action, Day day,
          std::vector<std::pair<std::string, std::string>> options = {},
          std::vector<std::pair<std::string, int>> refs = {}) {
    if (stopped_ || day > ctx_.plan.now) {
      stopped_ = true;
      return false;
    }
    options.push_back({"date", dateText(day)});
    s_.events.push_back({node, action, day, std::move(options), std::move(refs)});
    return true;
  }

  PlanContext& ctx_;
  Rng& rng_;
  SuggestionFacts& s_;
  int office_, town_;
  bool stopped_ = false;
  std::set<int> answered_;  // units that replied in the current round
};

}  // namespace renda::app::demo
