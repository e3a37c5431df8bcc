// SPDX-License-Identifier: Apache-2.0
#include "app/output/records_view.h"

#include <algorithm>
#include <map>
#include <optional>

#include "app/node/node.h"
#include "app/node/domain_glue.h"
#include "core/domain/fields.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

const char* roleLabel(const std::string& role) {
  if (role == "lead") return "主办";
  if (role == "assisting") return "协办";
  if (role == "separate") return "分办";
  return "";
}

std::string dateOf(uint64_t ms) { return ms ? domain::formatDate(ms) : std::string(); }

// Names of referenced records (handling units), read once each.
class Names {
 public:
  explicit Names(storage::Store& store) : store_(store) {}
  std::string of(const std::string& hex) {
    auto it = cache_.find(hex);
    if (it != cache_.end()) return it->second;
    std::string name = hex.size() > 12 ? hex.substr(0, 12) : hex;
    if (auto id = fixedFromHex<RecordId>(hex))
      if (auto r = store_.record(*id); r.isOk())
        name = r->get("name").value_or(r->get("title").value_or(name));
    return cache_[hex] = name;
  }

 private:
  storage::Store& store_;
  std::map<std::string, std::string> cache_;
};

// Who wrote an event: "county office", a township's name, or the key.
std::string authorOf(const PublicKey& k, storage::Store& store) {
  auto m = store.membership(k);
  if (m.isOk() && *m) return (*m)->township.empty() ? "county office" : (*m)->township;
  return shortKey(k);
}

const domain::EventInfo* eventOf(const domain::SuggestionView& v, const ChangeId& id) {
  for (const auto& e : v.events)
    if (e.id == id) return &e;
  return nullptr;
}

bool inConflict(const domain::SuggestionView& v, const ChangeId& id) {
  for (const auto& c : v.ratingConflicts)
    if (std::find(c.ratings.begin(), c.ratings.end(), id) != c.ratings.end()) return true;
  return false;
}

// The commands that settle a conflict, one per rating: --keep by the rating's
// result where no other conflicting rating has it, else by its number.
std::vector<std::string> settleCommands(const domain::SuggestionView& v,
                                        const domain::RatingConflict& c) {
  std::vector<std::string> out;
  for (const auto& id : c.ratings) {
    const domain::EvaluationInfo* e = v.evaluation(id);
    if (!e) continue;
    size_t same = 0;
    for (const auto& other : v.ratingConflicts)
      for (const auto& oid : other.ratings)
        if (const auto* o = v.evaluation(oid)) same += o->result == e->result;
    std::string keep = same == 1 ? domain::ratingLabel(e->result) : shortId(id);
    out.push_back("renda suggestion settle " + toHex(v.id).substr(0, 12) + " --keep " + keep);
  }
  return out;
}

// The rating conflicts (测评冲突) of a suggestion, for `show`: each rating
// with who recorded it and when, and how the office settles it.
std::string conflictText(const domain::SuggestionView& v, storage::Store& store) {
  std::string out;
  for (const auto& c : v.ratingConflicts) {
    std::string round = std::to_string(c.round);
    if (c.open)
      out += "    RATING CONFLICT 测评冲突, round " + round +
             ": the lead deputy's rating was recorded at the same time on different nodes, "
             "differently. None counts until the office settles it:\n";
    else
      out += "    rating conflict 测评冲突, round " + round + ", settled by the office:\n";
    for (const auto& id : c.ratings) {
      const domain::EvaluationInfo* e = v.evaluation(id);
      const domain::EventInfo* ev = eventOf(v, id);
      if (!e || !ev) continue;
      out += "      " + shortId(id) + "  " + domain::ratingLabel(e->result);
      if (!e->process.empty())
        out += std::string(" (process ") + domain::ratingLabel(e->process) + ")";
      out += "  recorded " + dateOf(e->atMs) + " by " + authorOf(ev->author, store);
      if (e->late) out += ", late: before its node saw round " + round + " end";
      if (c.kept && *c.kept == id) out += "  KEPT";
      out += "\n";
    }
    if (!c.open) continue;
    out += "      to settle it, run the one that keeps the rating the deputy stands by:\n";
    for (const auto& cmd : settleCommands(v, c)) out += "        " + cmd + "\n";
    if (c.round < v.round)
      out += "      (round " + std::to_string(v.round) +
             " stays open whichever is kept: a late rating never reopens or closes a round)\n";
  }
  return out;
}

bool townshipLevel(const Record& r) {
  std::string level = r.get("level").value_or("");
  return level == "township" || level == "乡镇级" || level == "乡镇";
}

struct Lifecycle {
  domain::SuggestionView view;
  domain::Config config;
};

Result<Lifecycle> lifecycleOf(const Record& r, storage::Store& store) {
  auto cfg = configFor(store, townshipLevel(r) ? r.scope : "");
  if (!cfg) return cfg.status();
  auto view = suggestionView(store, r);
  if (!view) return view.status();
  return Lifecycle{std::move(*view), std::move(*cfg)};
}

bool isHexId(const std::string& v) {
  return v.size() == 64 && v.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string suggestionText(const domain::SuggestionView& v, const domain::Config& c,
                           uint64_t nowMs, storage::Store& store) {
  Names names(store);
  std::string out = "  life cycle (" + std::string(v.level == "township" ? "乡镇级" : "县级") + "):\n";
  out += "    state:    " + std::string(domain::stateLabel(v.state)) + " (" +
         domain::stateName(v.state) + ")\n";
  out += "    number:   " + (v.number.empty() ? std::string("(not registered yet)") : v.number) + "\n";
  out += "    round:    " + std::to_string(v.round) + "\n";
  out += conflictText(v, store);
  if (v.deadlineMs) {
    out += "    deadline: " + dateOf(v.deadlineMs);
    if (v.extensions) out += " (" + std::to_string(v.extensions) + " extension(s))";
    if (v.overdue(nowMs)) out += "  OVERDUE 超期";
    else if (v.nearDeadline(nowMs, c.warningDays)) out += "  临期";
    out += "\n";
  }
  if (v.key) out += "    key suggestion 重点建议, supervised by " + v.keyLeader + "\n";
  if (v.carryOverYears) out += "    carried over 续办 " + std::to_string(v.carryOverYears) + " year(s)\n";
  for (const auto& [deputy, agreed] : v.cosigners)
    out += "    co-signer " + names.of(deputy) + (agreed ? " 同意\n" : " 不同意\n");
  if (!v.units.empty()) out += "    units:\n";
  for (const auto& u : v.units) {
    out += "      " + names.of(u.unit) + " " + roleLabel(u.role) + " (" + u.role + "), round " +
           std::to_string(u.round) + ", assigned " + dateOf(u.assignedMs);
    if (u.returned) out += ", RETURNED: " + u.returnReason;
    else out += u.accepted ? ", accepted" : ", not yet accepted";
    if (u.kept)
      out += ", returned (" + u.returnReason + ") and kept by the office 维持交办" +
             (u.keepReason.empty() ? std::string() : ": " + u.keepReason);
    if (u.metMs) out += ", met " + dateOf(u.metMs);
    if (!u.progress.empty()) out += ", " + std::to_string(u.progress.size()) + " progress entr" +
                                    (u.progress.size() == 1 ? "y" : "ies");
    if (u.reply) {
      out += ", replied " + dateOf(u.reply->atMs);
      if (!u.reply->outcome.empty())
        out += " outcome " + u.reply->outcome + " (national " +
               c.nationalClass(u.reply->outcome).value_or("?") + ")";
    }
    out += "\n";
  }
  if (!v.evaluations.empty()) out += "    evaluations:\n";
  for (const auto& e : v.evaluations) {
    std::string who = e.anonymous ? " (anonymous)" : e.rater.empty() ? "" : " " + names.of(e.rater);
    out += "      round " + std::to_string(e.round) + " " + e.raterRole + who + ": " +
           domain::ratingLabel(e.result);
    if (!e.process.empty())
      out += std::string(" (process ") + domain::ratingLabel(e.process) + ")";
    if (!e.reason.empty()) out += " — " + e.reason;
    if (inConflict(v, e.id)) out += "  [测评冲突 " + shortId(e.id) + "]";
    if (e.late) out += "  (late)";
    out += "\n";
  }
  if (!v.supervision.empty()) out += "    supervision:\n";
  for (const auto& s : v.supervision)
    out += "      " + dateOf(s.atMs) + " " + (s.action == "urge" ? "催办" : "督办") + " " + s.kind +
           (s.by.empty() ? "" : " by " + s.by) + (s.findings.empty() ? "" : ": " + s.findings) +
           "\n";
  out += "    events:\n";
  for (const auto& e : v.events) {
    const domain::ActionInfo* a = domain::findAction(e.action);
    out += "      " + dateOf(e.atMs) + "  " + (a ? a->label : "?") + " " + e.action + " by " +
           authorOf(e.author, store);
    for (const auto& f : e.fields)
      out += " " + f.name + "=" + (isHexId(f.value) ? names.of(f.value) : f.value);
    out += e.applied ? "  applied\n" : "\n        NOT APPLIED: " + e.reason + "\n";
  }
  return out;
}

}  // namespace

void suggestionJson(Json& j, const domain::SuggestionView& v, const domain::Config& c,
                    uint64_t nowMs, storage::Store& store) {
  Names names(store);
  auto ms = [](uint64_t x) { return static_cast<int64_t>(x); };
  j.beginObject();
  j.field("state", domain::stateName(v.state)).field("stateLabel", domain::stateLabel(v.state));
  j.field("level", v.level).field("kind", v.kind).field("number", v.number);
  j.field("round", static_cast<int64_t>(v.round));
  j.field("deadline", dateOf(v.deadlineMs)).field("deadlineMs", ms(v.deadlineMs));
  j.field("assignedMs", ms(v.assignedMs)).field("registeredMs", ms(v.registeredMs));
  j.field("closedMs", ms(v.closedMs));
  j.key("overdue").boolean(v.overdue(nowMs));
  j.key("nearDeadline").boolean(v.nearDeadline(nowMs, c.warningDays));
  j.field("extensions", static_cast<int64_t>(v.extensions));
  j.field("carryOverYears", static_cast<int64_t>(v.carryOverYears));
  j.field("urges", static_cast<int64_t>(v.urges));
  j.key("key").boolean(v.key);
  j.field("keyLeader", v.keyLeader);
  j.key("cosigners").beginArray();
  for (const auto& [deputy, agreed] : v.cosigners) {
    j.beginObject().field("deputy", deputy);
    j.key("agreed").boolean(agreed);
    j.endObject();
  }
  j.endArray();
  j.key("units").beginArray();
  for (const auto& u : v.units) {
    j.beginObject().field("unit", u.unit).field("name", names.of(u.unit));
    j.field("role", u.role).field("roleLabel", roleLabel(u.role));
    j.field("round", static_cast<int64_t>(u.round)).field("assignedMs", ms(u.assignedMs));
    j.key("accepted").boolean(u.accepted);
    j.key("returned").boolean(u.returned);
    j.field("returnReason", u.returnReason).field("metMs", ms(u.metMs));
    j.key("kept").boolean(u.kept);
    j.field("keepReason", u.keepReason);
    j.key("progress").beginArray();
    for (const auto& [at, text] : u.progress)
      j.beginObject().field("atMs", ms(at)).field("text", text).endObject();
    j.endArray();
    j.key("reply");
    if (u.reply) {
      j.beginObject().field("outcome", u.reply->outcome);
      j.field("national", c.nationalClass(u.reply->outcome).value_or(""));
      j.field("text", u.reply->text).field("docNo", u.reply->docNo).field("atMs", ms(u.reply->atMs));
      j.endObject();
    } else {
      j.null();
    }
    j.endObject();
  }
  j.endArray();
  j.key("evaluations").beginArray();
  for (const auto& e : v.evaluations) {
    j.beginObject().field("round", static_cast<int64_t>(e.round)).field("rater", e.rater);
    j.field("raterRole", e.raterRole).field("result", e.result);
    j.field("resultLabel", domain::ratingLabel(e.result)).field("process", e.process);
    j.field("reason", e.reason).field("change", toHex(e.id));
    j.key("anonymous").boolean(e.anonymous);
    j.key("late").boolean(e.late);
    j.field("atMs", ms(e.atMs)).endObject();
  }
  j.endArray();
  // Lead ratings of one round recorded at the same time, differently (测评冲突).
  j.key("ratingConflicts").beginArray();
  for (const auto& c : v.ratingConflicts) {
    j.beginObject().field("round", static_cast<int64_t>(c.round));
    j.key("open").boolean(c.open);
    j.field("kept", c.kept ? toHex(*c.kept) : std::string());
    j.key("ratings").beginArray();
    for (const auto& id : c.ratings) j.str(toHex(id));
    j.endArray();
    j.key("settle").beginArray();
    if (c.open)
      for (const auto& cmd : settleCommands(v, c)) j.str(cmd);
    j.endArray();
    j.endObject();
  }
  j.endArray();
  j.key("supervision").beginArray();
  for (const auto& s : v.supervision)
    j.beginObject().field("action", s.action).field("kind", s.kind).field("by", s.by)
        .field("findings", s.findings).field("atMs", ms(s.atMs)).endObject();
  j.endArray();
  j.key("events").beginArray();
  for (const auto& e : v.events) {
    const domain::ActionInfo* a = domain::findAction(e.action);
    j.beginObject().field("change", toHex(e.id)).field("action", e.action);
    j.field("label", a ? a->label : "").field("author", toHex(e.author));
    j.field("by", authorOf(e.author, store)).field("atMs", ms(e.atMs));
    j.key("applied").boolean(e.applied);
    j.field("reason", e.reason);
    j.key("fields").beginObject();
    for (const auto& f : e.fields) j.field(f.name, f.value);
    j.endObject();
    j.endObject();
  }
  j.endArray();
  j.endObject();
}

void recordJson(Json& j, const Record& r, storage::Store* store) {
  j.beginObject();
  j.field("id", toHex(r.id));
  j.field("kind", recordKindName(r.kind));
  j.field("township", r.scope);
  j.field("createdMs", static_cast<int64_t>(Hlc::millis(r.createdHlc())));
  j.field("updatedMs", static_cast<int64_t>(Hlc::millis(r.updatedHlc())));
  j.key("fields").beginObject();
  for (const auto& [name, st] : r.fields) j.field(name, st.value());
  j.endObject();
  j.key("conflicts").beginObject();
  for (const auto& [name, st] : r.fields) {
    if (!st.conflicted()) continue;
    j.key(name).beginArray();
    for (const auto& c : st.candidates) {
      j.beginObject().field("value", c.value).field("change", toHex(c.id));
      const RecordVersion* v = r.version(c.id);
      if (v) j.field("author", toHex(v->author)).field("timeMs", static_cast<int64_t>(Hlc::millis(v->hlc)));
      j.endObject();
    }
    j.endArray();
  }
  j.endObject();
  j.field("versions", static_cast<int64_t>(r.versions.size()));
  if (store && r.kind == RecordKind::kSuggestion) {
    auto lc = lifecycleOf(r, *store);
    if (lc) suggestionJson(j.key("lifecycle"), lc->view, lc->config, Node::nowMs(), *store);
    else j.field("lifecycleError", lc.status().message());
  }
  j.endObject();
}

namespace {

// The record `hex` names, if this node holds it and it is of `kind`.
std::optional<Record> linked(storage::Store& store, const std::string& hex, RecordKind kind) {
  auto id = fixedFromHex<RecordId>(hex);
  if (!id) return std::nullopt;
  auto r = store.record(*id);
  if (!r || r->kind != kind || !r->visible) return std::nullopt;
  return std::move(*r);
}

// The link between a constituent issue and the suggestion made of it
// (`renda issue to-suggestion`), shown from either side; "" for other records.
std::string linkText(const Record& r, storage::Store& store) {
  if (r.kind == RecordKind::kSuggestion) {
    std::string hex = r.get("issue").value_or("");
    if (hex.empty()) return "";
    std::string out = "  from constituent issue (社情民意) " + hex.substr(0, 12);
    if (auto issue = linked(store, hex, RecordKind::kConstituentIssue)) {
      std::string text = issue->get("text").value_or("");
      out += ", received " + issue->get("receivedDate").value_or("?") + ": " + text;
    } else {
      out += " (not on this node yet)";
    }
    return out + "\n";
  }
  if (r.kind == RecordKind::kConstituentIssue) {
    std::string hex = r.get("suggestion").value_or("");
    if (hex.empty()) return "";
    std::string out = "  turned into suggestion (转为代表建议) " + hex.substr(0, 12);
    if (auto s = linked(store, hex, RecordKind::kSuggestion)) {
      out += ": " + s->get("title").value_or("");
      if (auto view = suggestionView(store, *s))
        out += " — " + std::string(domain::stateLabel(view->state)) +
               (view->number.empty() ? std::string() : ", number " + view->number);
    } else {
      out += " (not on this node yet)";
    }
    return out + "\n";
  }
  return "";
}

}  // namespace

std::string recordTitle(const Record& r) {
  for (const char* f : {"name", "title", "type"})
    if (auto v = r.get(f)) return *v;
  return "";
}

std::string recordText(const Record& r, storage::Store& store) {
  std::string out;
  out += std::string(recordKindName(r.kind)) + " " + toHex(r.id).substr(0, 12) + "\n";
  out += "  township:  " + (r.scope.empty() ? std::string("(county)") : r.scope) + "\n";
  out += "  created:   " + formatTime(Hlc::millis(r.createdHlc())) + "\n";
  out += "  updated:   " + formatTime(Hlc::millis(r.updatedHlc())) + "\n";
  Names names(store);
  // A reference shows the record's name and its number (the first digits of its id).
  auto shown = [&](const std::string& field, const std::string& value) {
    const domain::FieldInfo* info = domain::findField(r.kind, field);
    if (!info || !isHexId(value)) return value;
    if (info->type != domain::FieldType::kReference) return value;
    std::string n = names.of(value);
    return n == value.substr(0, 12) ? n : n + " (" + value.substr(0, 12) + ")";
  };
  for (const auto& [name, st] : r.fields) {
    out += "  " + name + ": " + shown(name, st.value()) + "\n";
    if (!st.conflicted()) continue;
    out += "    CONFLICT: edited on different nodes at the same time; all values are kept:\n";
    for (const auto& c : st.candidates) {
      const RecordVersion* v = r.version(c.id);
      std::string by = v ? shortKey(v->author) : "?";
      if (v) {
        auto m = store.membership(v->author);
        if (m && *m) by += " " + ((*m)->township.empty() ? std::string("county office") : (*m)->township);
      }
      out += "      \"" + shown(name, c.value) + "\"  (node " + by + ", " +
             (v ? formatTime(Hlc::millis(v->hlc)) : std::string("?")) + ")\n";
    }
    out += "    To resolve it, edit " + name + " again with the right value.\n";
  }
  out += linkText(r, store);
  if (r.kind == RecordKind::kSuggestion) {
    // Plain edits kept as evidence but not applied (a field group another
    // node owns, core/domain/field_groups.h); `renda log` says why.
    size_t kept = 0;
    for (const auto& v : r.versions) kept += v.action.empty() && v.id != r.id && !v.applied;
    if (kept)
      out += "  " + std::to_string(kept) + " edit(s) not applied: see renda log " +
             toHex(r.id).substr(0, 12) + "\n";
    auto lc = lifecycleOf(r, store);
    if (lc) out += suggestionText(lc->view, lc->config, Node::nowMs(), store);
    else out += "  life cycle: cannot be shown: " + lc.status().message() + "\n";
  }
  return out;
}

}  // namespace renda::app
