// SPDX-License-Identifier: Apache-2.0
#include "bench/generator.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "core/crypto.h"
#include "core/hlc.h"

namespace renda::bench {

SecretKey keyFrom(const std::string& label) {
  unsigned char seed[crypto_sign_SEEDBYTES];
  crypto_generichash(seed, sizeof seed, reinterpret_cast<const unsigned char*>(label.data()),
                     label.size(), nullptr, 0);
  return crypto::signingKeyFromSeed(seed);
}

GenNetwork fixedBenchNetwork() {
  GenNetwork n;
  Hash h = crypto::hash(crypto::asBytes("renda-bench network"));
  std::memcpy(n.id.data(), h.data(), n.id.size());
  n.root = keyFrom("renda-bench root");
  n.countyName = "示范县";
  return n;
}

namespace {

const char* const kTownships[] = {"城关镇", "龙泉镇", "东风乡", "石桥镇", "河口乡", "新华镇",
                                  "柳树乡", "红星镇", "团结乡", "太平镇", "白沙乡", "青山镇"};
const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                 "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
const char* const kGiven[] = {"建国", "秀英", "德明", "桂兰", "志强", "海燕", "文华", "丽娟",
                              "国庆", "春梅", "永福", "红霞", "振华", "淑珍", "立新", "晓东"};
const char* const kVillages[] = {"东风村", "红星村", "城东村", "石桥村",
                                 "柳树湾村", "新华村", "团结村", "河口村"};
const char* const kParty[] = {"中共党员", "中共党员", "群众", "民盟盟员", "无党派人士"};
const char* const kJobs[] = {"村党支部书记、村委会主任", "镇人民政府副镇长", "中学一级教师",
                             "个体工商户", "种粮大户", "卫生院院长", "农民专业合作社理事长",
                             "建筑公司总经理"};
const char* const kDutyTypes[] = {"进家入站接待", "视察", "专题调研", "走访选民", "执法检查",
                                  "代表小组活动"};
const char* const kTopics[] = {"农村道路维修", "饮水安全", "医保报销", "农田水利", "校车安全",
                               "垃圾分类", "养老服务", "集贸市场秩序"};
const char* const kOutcomes[] = {"已转交镇政府办理", "已当场答复", "列入下季度督办",
                                 "已向县人大常委会反映", "正在跟踪落实"};

std::vector<Field> editFields(Text& t, RecordKind kind, const std::string& town) {
  if (kind == RecordKind::kDeputy) {
    std::vector<Field> f{{"phone", t.phone()}};
    if (t.num(0, 1)) f.push_back({"address", t.address(town)});
    if (t.num(0, 2) == 0) f.push_back({"occupation", std::string(t.pick(kVillages)) + t.pick(kJobs)});
    return f;
  }
  return {{"content", std::string("补充：") + t.pick(kOutcomes) + "，选民对办理情况表示满意。"},
          {"status", "已办结"}};
}

// An author as the generator tracks it.
struct Writer {
  AuthorChain chain;
  std::string scope;
  std::vector<uint64_t> seen;  // others' seqs when this author last wrote (deps)
  struct Rec { RecordId id; ChangeId head; RecordKind kind; };
  std::vector<Rec> ring;       // recent records, for edits (bounded memory)
  size_t ringNext = 0;
  std::string lastDeputy;      // short id, referenced by duty records
};

}  // namespace

std::string Text::name() { return std::string(pick(kSurnames)) + pick(kGiven); }

std::string Text::date(int y0, int y1) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", int(num(y0, y1)), int(num(1, 12)), int(num(1, 28)));
  return b;
}

std::string Text::phone() {
  char b[16];
  std::snprintf(b, sizeof b, "13%09llu", static_cast<unsigned long long>(num(0, 999999999)));
  return b;
}

std::string Text::address(const std::string& town) {
  return "示范县" + (town.empty() ? std::string("城关镇") : town) + pick(kVillages) +
         std::to_string(num(1, 12)) + "组" + std::to_string(num(1, 99)) + "号";
}

std::vector<Field> deputyFields(Text& t, const std::string& town) {
  std::string village = t.pick(kVillages);
  return {{"name", t.name()},
          {"gender", t.num(0, 1) ? "男" : "女"},
          {"birthDate", t.date(1960, 1995)},
          {"party", t.pick(kParty)},
          {"occupation", village + t.pick(kJobs)},
          {"constituency", "第" + std::to_string(t.num(1, 30)) + "选区"},
          {"phone", t.phone()},
          {"address", t.address(town)}};
}

std::vector<Field> dutyFields(Text& t, const std::string& deputy) {
  std::string type = t.pick(kDutyTypes), topic = t.pick(kTopics);
  return {{"deputy", deputy},
          {"type", type},
          {"date", t.date(2024, 2026)},
          {"title", type + "：" + topic},
          {"content", "接待选民" + std::to_string(t.num(3, 40)) + "人次，收集意见建议" +
                          std::to_string(t.num(1, 12)) + "条，主要涉及" + topic + "和" +
                          t.pick(kTopics) + "问题。" + t.pick(kOutcomes) + "。"}};
}

Result<std::string> AuthorChain::sign(const NetworkId& network, Change c, uint64_t hlcMs,
                                      ChangeId* id) {
  c.network = network;
  c.author = pk;
  c.seq = ++seq;
  if (c.seq > 1) {
    c.prev = last;
    c.prevSig = lastSig;  // as Store::author does: the chain vouches for signatures
  }
  c.hlc = Hlc::make(hlcMs, 0);
  RENDA_TRY(validateChangeShape(c));
  std::string body = encodeChange(c);
  std::string envelope = signChange(network, body, *key);
  last = crypto::changeId(crypto::asBytes(body));
  auto env = decodeEnvelope(crypto::asBytes(envelope));
  if (!env) return env.status();
  lastSig = crypto::hash(crypto::Bytes(env->sig.data(), env->sig.size()));
  if (id) *id = last;
  return envelope;
}

std::vector<GenAuthor> countyAuthors(const std::string& prefix, size_t townships) {
  std::vector<GenAuthor> out;
  out.push_back({keyFrom(prefix + " 0"), "", "县人大常委会办公室"});
  for (size_t i = 1; i <= townships; ++i) {
    std::string town = i <= std::size(kTownships) ? kTownships[i - 1]
                                                  : "第" + std::to_string(i) + "乡";
    out.push_back({keyFrom(prefix + " " + std::to_string(i)), town, town + "人大"});
  }
  return out;
}

Result<GenCounts> generateChanges(const GenNetwork& network, const std::vector<GenAuthor>& authors,
                                  const GenOptions& o,
                                  const std::function<Status(const std::string&)>& out) {
  const size_t k = authors.size();
  if (k < 2) return Status::invalid("the generator needs a county office and a township");
  std::vector<Writer> w;
  for (const auto& a : authors) {
    Writer x{AuthorChain(a.key), a.scope, std::vector<uint64_t>(k), {}, 0, ""};
    w.push_back(std::move(x));
  }
  Text text(o.seed);
  GenCounts n;
  auto emit = [&](size_t who, Change c) -> Result<ChangeId> {
    Writer& a = w[who];
    for (size_t j = 0; j < k; ++j)  // as Applier::takeDeps: others' new heads since our last change
      if (j != who && w[j].chain.seq > a.seen[j]) {
        c.deps.push_back(w[j].chain.last);
        a.seen[j] = w[j].chain.seq;
      }
    n.deps += c.deps.size();
    ChangeId id;
    auto envelope = a.chain.sign(network.id, std::move(c), kBaseMs + n.changes * 5, &id);
    if (!envelope) return envelope.status();
    n.envelopeBytes += envelope->size();
    ++n.changes;
    RENDA_TRY(out(*envelope));
    return id;
  };
  // The county office carries every author's certificate, its own first.
  for (size_t i = 0; i < k && n.changes < o.changes; ++i) {
    Change c;
    c.op = OpKind::kCertificate;
    c.certificate = makeCertificate(network.id, w[i].chain.pk, network.root, authors[i].scope,
                                    i == 0 ? Role::kCounty : Role::kTownship,
                                    kBaseMs - 86400000ull, 0, authors[i].label);
    auto id = emit(0, std::move(c));
    if (!id) return id.status();
    ++n.certificates;
  }
  size_t who = 1;
  uint64_t runLeft = 0;
  while (n.changes < o.changes) {
    if (runLeft == 0) {  // next sync session: townships write most, the county some
      uint64_t r = text.num(0, 9);
      if (k == 3) who = r == 0 ? 0 : r <= 5 ? 1 : 2;  // bench_ingest's draw, kept as it was
      else who = r == 0 ? 0 : 1 + text.num(0, k - 2);
      runLeft = text.num(1, o.maxRun);
    }
    --runLeft;
    Writer& a = w[who];
    Change c;
    bool edit = !a.ring.empty() && text.num(0, 4) == 0;  // ~20% edits
    if (edit) {
      Writer::Rec& rec = a.ring[text.num(0, a.ring.size() - 1)];
      c.op = OpKind::kUpdate;
      c.record = rec.id;
      c.parents = {rec.head};
      c.fields = editFields(text, rec.kind, a.scope);
      auto id = emit(who, std::move(c));
      if (!id) return id.status();
      rec.head = *id;
      ++n.edits;
      continue;
    }
    c.op = OpKind::kCreate;
    c.kind = a.lastDeputy.empty() || text.num(0, 9) < 3 ? RecordKind::kDeputy
                                                        : RecordKind::kDutyRecord;
    c.scope = a.scope;
    c.fields = c.kind == RecordKind::kDeputy ? deputyFields(text, a.scope)
                                             : dutyFields(text, a.lastDeputy);
    RecordKind kind = c.kind;
    auto id = emit(who, std::move(c));
    if (!id) return id.status();
    ++n.creates;
    if (kind == RecordKind::kDeputy) a.lastDeputy = toHex(*id).substr(0, 8);
    Writer::Rec rec{*id, *id, kind};
    if (a.ring.size() < 4096) a.ring.push_back(rec);
    else a.ring[a.ringNext++ % a.ring.size()] = rec;
  }
  return n;
}

}  // namespace renda::bench
