// SPDX-License-Identifier: Apache-2.0
#include "core/change.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include "core/domain/privacy.h"
#include "core/limits.h"
#include "core/schema/renda.capnp.h"
#include "core/sealed.h"

namespace renda {

namespace {

using crypto::Bytes;

capnp::Data::Reader dataOf(const void* p, size_t n) {
  return capnp::Data::Reader(static_cast<const kj::byte*>(p), n);
}
template <typename F>
capnp::Data::Reader dataOf(const F& fixed) {
  return dataOf(fixed.data(), fixed.size());
}
std::string stringOf(capnp::Data::Reader d) {
  return std::string(reinterpret_cast<const char*>(d.begin()), d.size());
}
std::string stringOf(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

template <typename T>
std::string canonicalBytes(typename T::Reader reader) {
  kj::Array<capnp::word> words = capnp::canonicalize(reader);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

bool validFieldName(std::string_view name) {
  if (name.empty() || name.size() > limits::kMaxFieldNameBytes) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(name[0])) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// Runs `fn` on a reader over a canonical (segment-table-free) single segment.
// Returns InvalidInput for a non-canonical or unreadable body.
template <typename Root, typename Fn>
Status readCanonical(Bytes body, size_t maxBytes, const char* what, Fn&& fn) {
  if (body.empty()) return Status::invalid(std::string(what) + " is empty");
  if (body.size() > maxBytes) return Status::invalid(std::string(what) + " is too large");
  auto words = alignedWords(body);
  if (!words) return Status::invalid(std::string(what) + " has a length that is not whole words");
  Status result;
  try {
    kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(words->data()),
                                        words->size());
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1),
                                            limits::readerOptionsFor(words->size()));
    if (!reader.isCanonical())
      return Status::invalid(std::string(what) + " is not in canonical form");
    result = fn(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    return Status::invalid(std::string(what) + " is malformed: " + e.getDescription().cStr());
  }
  return result;
}

template <typename F>
bool fixedFrom(capnp::Data::Reader d, F& out) {
  auto v = F::fromSpan(d.begin(), d.size());
  if (!v) return false;
  out = *v;
  return true;
}

void setFields(capnp::List<schema::Field>::Builder list, const std::vector<Field>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    list[i].setName(fields[i].name);
    list[i].setValue(fields[i].value);
  }
}

Status readFields(capnp::List<schema::Field>::Reader list, std::vector<Field>& out) {
  if (list.size() > limits::kMaxFieldsPerChange) return Status::invalid("too many fields");
  out.reserve(list.size());
  for (auto f : list) out.push_back({stringOf(f.getName()), stringOf(f.getValue())});
  return Status::ok();
}

Status readIds(capnp::List<capnp::Data>::Reader list, size_t cap, const char* what,
               std::vector<ChangeId>& out) {
  if (list.size() > cap) return Status::invalid(std::string("too many ") + what);
  out.reserve(list.size());
  for (auto d : list) {
    ChangeId id;
    if (!fixedFrom(d, id)) return Status::invalid(std::string(what) + " entry is not 32 bytes");
    out.push_back(id);
  }
  return Status::ok();
}

}  // namespace

const char* recordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kDeputy: return "deputy";
    case RecordKind::kStation: return "station";
    case RecordKind::kSuggestion: return "suggestion";
    case RecordKind::kDutyRecord: return "dutyRecord";
    case RecordKind::kTerm: return "term";
    case RecordKind::kSession: return "session";
    case RecordKind::kTownship: return "township";
    case RecordKind::kDeputyGroup: return "deputyGroup";
    case RecordKind::kHandlingUnit: return "handlingUnit";
    case RecordKind::kSettings: return "settings";
    case RecordKind::kReception: return "reception";
    case RecordKind::kConstituentIssue: return "constituentIssue";
    case RecordKind::kReportBack: return "reportBack";
    case RecordKind::kRotaSlot: return "rotaSlot";
    case RecordKind::kMandate: return "mandate";
  }
  return "?";
}

std::optional<RecordKind> recordKindFromName(std::string_view name) {
  for (int i = 0; i < kRecordKindCount; ++i)
    if (name == recordKindName(static_cast<RecordKind>(i))) return static_cast<RecordKind>(i);
  if (name == "duty") return RecordKind::kDutyRecord;
  return std::nullopt;
}

const char* roleName(Role role) { return role == Role::kCounty ? "county" : "township"; }

std::optional<std::vector<uint64_t>> alignedWords(Bytes bytes) {
  if (bytes.size() % 8) return std::nullopt;
  std::vector<uint64_t> words(bytes.size() / 8);
  if (!bytes.empty()) std::memcpy(words.data(), bytes.data(), bytes.size());
  return words;
}

Status validateChangeShape(const Change& c) {
  if (c.suite != crypto::kSuiteEd25519Blake2b) return Status::invalid("unknown crypto suite");
  if (c.seq == 0) return Status::invalid("sequence number 0 is not allowed");
  if (c.seq == UINT64_MAX) return Status::invalid("sequence number is out of range");
  if (c.prevSig && !c.prev)
    return Status::invalid("a previous-signature hash without a previous change");
  if ((c.seq == 1) != !c.prev.has_value())
    return Status::invalid("the previous-change link does not match the sequence number");
  if (c.deps.size() > limits::kMaxDepsPerChange) return Status::invalid("too many dependencies");
  bool hasFields = c.op == OpKind::kCreate || c.op == OpKind::kUpdate;
  if (!hasFields && !c.fields.empty()) return Status::invalid("fields on a non-record change");
  if (c.op != OpKind::kEncryptionKey && c.encryptionKey)
    return Status::invalid("an encryption key on a change that does not announce one");
  if (c.op != OpKind::kTransportKey && c.transportKey)
    return Status::invalid("a transport key on a change that does not announce one");
  if (c.fields.size() > limits::kMaxFieldsPerChange) return Status::invalid("too many fields");
  for (size_t i = 0; i < c.fields.size(); ++i) {
    const auto& f = c.fields[i];
    if (!validFieldName(f.name)) return Status::invalid("bad field name '" + f.name + "'");
    if (f.value.size() > limits::kMaxFieldValueBytes)
      return Status::invalid("the value of field '" + f.name + "' is too long");
    // encodeChange() writes Text through c_str(), which would cut at a NUL.
    if (f.value.find('\0') != std::string::npos)
      return Status::invalid("the value of field '" + f.name + "' contains a NUL byte");
    // Personal information never travels in clear (design.md, Privacy).
    if (domain::isPersonalField(f.name) && !f.value.empty()) {
      Status sealed = checkSealedShape(f.value);
      if (!sealed)
        return Status::invalid("field '" + f.name + "' holds personal information that is not "
                               "sealed: " + sealed.message());
    }
    for (size_t j = 0; j < i; ++j)
      if (c.fields[j].name == f.name)
        return Status::invalid("field '" + f.name + "' is set twice in one change");
  }
  if (c.scope.size() > limits::kMaxScopeBytes) return Status::invalid("township name too long");
  if (c.op != OpKind::kUpdate && !c.action.empty())
    return Status::invalid("an action on a change that is not an edit");
  if (c.scope.find('\0') != std::string::npos)
    return Status::invalid("township name has a NUL byte");
  switch (c.op) {
    case OpKind::kCreate:
      if (static_cast<int>(c.kind) >= kRecordKindCount) return Status::invalid("unknown kind");
      break;
    case OpKind::kUpdate:
      if (c.parents.empty()) return Status::invalid("an edit must name the versions it follows");
      if (c.parents.size() > limits::kMaxParentsPerChange)
        return Status::invalid("too many parent versions");
      if (c.fields.empty() && c.action.empty()) return Status::invalid("an edit sets no fields");
      if (!c.action.empty() && !validFieldName(c.action))
        return Status::invalid("bad action name '" + c.action + "'");
      break;
    case OpKind::kCertificate:
      if (!c.certificate) return Status::invalid("certificate missing");
      break;
    case OpKind::kRevocation:
      if (!c.revocation) return Status::invalid("revocation missing");
      break;
    case OpKind::kSettlement:
      if (!c.settlement) return Status::invalid("settlement missing");
      break;
    case OpKind::kTransportKey:
      if (!c.transportKey) return Status::invalid("transport key missing");
      if (c.transportKey->isZero()) return Status::invalid("the transport key is all zeros");
      break;
    case OpKind::kEncryptionKey:
      if (!c.encryptionKey) return Status::invalid("encryption key missing");
      if (c.encryptionKey->isZero()) return Status::invalid("the encryption key is all zeros");
      break;
  }
  return Status::ok();
}

std::string encodeChange(const Change& c) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Change>();
  b.setSuite(c.suite);
  b.setNetwork(dataOf(c.network));
  b.setAuthor(dataOf(c.author));
  b.setSeq(c.seq);
  if (c.prev) b.setPrev(dataOf(*c.prev));
  if (c.prevSig) b.setPrevSig(dataOf(*c.prevSig));
  if (!c.deps.empty()) {
    auto deps = b.initDeps(c.deps.size());
    for (size_t i = 0; i < c.deps.size(); ++i) deps.set(i, dataOf(c.deps[i]));
  }
  b.setHlc(c.hlc);
  switch (c.op) {
    case OpKind::kCreate: {
      auto cr = b.initCreate();
      cr.setKind(static_cast<schema::RecordKind>(c.kind));
      cr.setScope(c.scope);
      setFields(cr.initFields(c.fields.size()), c.fields);
      break;
    }
    case OpKind::kUpdate: {
      auto up = b.initUpdate();
      up.setRecord(dataOf(c.record));
      auto ps = up.initParents(c.parents.size());
      for (size_t i = 0; i < c.parents.size(); ++i) ps.set(i, dataOf(c.parents[i]));
      setFields(up.initFields(c.fields.size()), c.fields);
      if (!c.action.empty()) up.setAction(c.action);
      break;
    }
    case OpKind::kCertificate: {
      auto blob = b.initCertificate();
      blob.setBody(dataOf(c.certificate->body.data(), c.certificate->body.size()));
      blob.setSig(dataOf(c.certificate->sig));
      break;
    }
    case OpKind::kRevocation: {
      auto blob = b.initRevocation();
      blob.setBody(dataOf(c.revocation->body.data(), c.revocation->body.size()));
      blob.setSig(dataOf(c.revocation->sig));
      break;
    }
    case OpKind::kSettlement: {
      auto blob = b.initSettlement();
      blob.setBody(dataOf(c.settlement->body.data(), c.settlement->body.size()));
      blob.setSig(dataOf(c.settlement->sig));
      break;
    }
    case OpKind::kEncryptionKey: {
      b.initEncryptionKey().setPublicKey(dataOf(*c.encryptionKey));
      break;
    }
    case OpKind::kTransportKey: {
      b.initTransportKey().setPublicKey(dataOf(*c.transportKey));
      break;
    }
  }
  return canonicalBytes<schema::Change>(b.asReader());
}

std::string encodeEnvelope(const Envelope& e) {
  // Root pointer, struct (1 data + 3 pointers), signer 4 + sig 8 words, body; plus slack,
  // so that it is always one segment without zeroing kMaxEnvelopeBytes per call.
  capnp::MallocMessageBuilder mb(1 + 4 + 4 + 8 + (e.body.size() + 7) / 8 + 8);
  auto b = mb.initRoot<schema::Envelope>();
  b.setSuite(e.suite);
  b.setSigner(dataOf(e.signer));
  b.setSig(dataOf(e.sig));
  b.setBody(dataOf(e.body.data(), e.body.size()));
  auto words = capnp::messageToFlatArray(mb);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

std::string signChange(const NetworkId& network, const std::string& body, const SecretKey& key) {
  Envelope e;
  e.suite = crypto::kSuiteEd25519Blake2b;
  e.signer = key.publicKey();
  e.sig = crypto::sign(crypto::kChangeContext, network, crypto::asBytes(body), key);
  e.body = body;
  return encodeEnvelope(e);
}

Result<Envelope> decodeEnvelope(Bytes bytes) {
  if (bytes.size() > limits::kMaxEnvelopeBytes) return Status::invalid("change is too large");
  if (bytes.size() < 16) return Status::invalid("change is truncated");
  auto words = alignedWords(bytes);
  if (!words) return Status::invalid("change has a length that is not whole words");
  // Segment table: u32 count-1, u32 size of segment 0. Exactly one segment.
  uint32_t segCountMinus1, seg0Words;
  std::memcpy(&segCountMinus1, bytes.data(), 4);
  std::memcpy(&seg0Words, bytes.data() + 4, 4);
  if (segCountMinus1 != 0) return Status::invalid("change has more than one segment");
  if (seg0Words + 1 != words->size()) return Status::invalid("change has a bad segment size");
  Envelope out;
  try {
    kj::ArrayPtr<const capnp::word> arr(reinterpret_cast<const capnp::word*>(words->data()),
                                        words->size());
    capnp::FlatArrayMessageReader reader(arr, limits::readerOptionsFor(words->size()));
    auto r = reader.getRoot<schema::Envelope>();
    out.suite = r.getSuite();
    if (out.suite != crypto::kSuiteEd25519Blake2b) return Status::invalid("unknown crypto suite");
    if (!fixedFrom(r.getSigner(), out.signer)) return Status::invalid("signer is not 32 bytes");
    if (!fixedFrom(r.getSig(), out.sig)) return Status::invalid("signature is not 64 bytes");
    auto body = r.getBody();
    if (body.size() == 0) return Status::invalid("change body is empty");
    if (body.size() > limits::kMaxChangeBytes) return Status::invalid("change body is too large");
    out.body = stringOf(body);
  } catch (const kj::Exception& e) {
    return Status::invalid(std::string("change is malformed: ") + e.getDescription().cStr());
  }
  // Only the exact bytes encodeEnvelope() writes are accepted: unused bits, extra
  // pointers or a different layout would give one change several envelope encodings.
  std::string_view input(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (encodeEnvelope(out) != input)
    return Status::invalid("change envelope is not in canonical form");
  return out;
}

bool verifyEnvelope(const NetworkId& network, const Envelope& e) {
  return crypto::verify(crypto::kChangeContext, network, crypto::asBytes(e.body), e.sig, e.signer);
}

Result<Change> decodeChange(Bytes body) {
  Change c;
  Status s = readCanonical<schema::Change>(
      body, limits::kMaxChangeBytes, "change", [&](schema::Change::Reader r) -> Status {
        c.suite = r.getSuite();
        if (!fixedFrom(r.getNetwork(), c.network)) return Status::invalid("network id size");
        if (!fixedFrom(r.getAuthor(), c.author)) return Status::invalid("author key size");
        c.seq = r.getSeq();
        if (r.hasPrev()) {
          ChangeId prev;
          if (!fixedFrom(r.getPrev(), prev)) return Status::invalid("previous id size");
          c.prev = prev;
        }
        if (r.hasPrevSig()) {
          Hash ps;
          if (!fixedFrom(r.getPrevSig(), ps)) return Status::invalid("previous signature hash size");
          c.prevSig = ps;
        }
        RENDA_TRY(readIds(r.getDeps(), limits::kMaxDepsPerChange, "dependencies", c.deps));
        c.hlc = r.getHlc();
        switch (r.which()) {
          case schema::Change::CREATE: {
            c.op = OpKind::kCreate;
            auto cr = r.getCreate();
            auto kind = static_cast<unsigned>(cr.getKind());
            if (kind >= kRecordKindCount) return Status::invalid("record kind out of range");
            c.kind = static_cast<RecordKind>(kind);
            c.scope = stringOf(cr.getScope());
            RENDA_TRY(readFields(cr.getFields(), c.fields));
            break;
          }
          case schema::Change::UPDATE: {
            c.op = OpKind::kUpdate;
            auto up = r.getUpdate();
            if (!fixedFrom(up.getRecord(), c.record)) return Status::invalid("record id size");
            RENDA_TRY(readIds(up.getParents(), limits::kMaxParentsPerChange, "parents",
                              c.parents));
            RENDA_TRY(readFields(up.getFields(), c.fields));
            if (up.hasAction()) c.action = stringOf(up.getAction());
            break;
          }
          case schema::Change::CERTIFICATE:
          case schema::Change::REVOCATION:
          case schema::Change::SETTLEMENT: {
            auto which = r.which();
            auto blob = which == schema::Change::CERTIFICATE  ? r.getCertificate()
                        : which == schema::Change::REVOCATION ? r.getRevocation()
                                                              : r.getSettlement();
            Signature sig;
            if (!fixedFrom(blob.getSig(), sig)) return Status::invalid("inner signature size");
            if (blob.getBody().size() > limits::kMaxBlobBytes)
              return Status::invalid("certificate too large");
            std::string body = stringOf(blob.getBody());
            if (which == schema::Change::CERTIFICATE) {
              c.op = OpKind::kCertificate;
              c.certificate = Certificate{};
              c.certificate->body = std::move(body);
              c.certificate->sig = sig;
            } else if (which == schema::Change::REVOCATION) {
              c.op = OpKind::kRevocation;
              c.revocation = Revocation{};
              c.revocation->body = std::move(body);
              c.revocation->sig = sig;
            } else {
              c.op = OpKind::kSettlement;
              c.settlement = Settlement{};
              c.settlement->body = std::move(body);
              c.settlement->sig = sig;
            }
            break;
          }
          case schema::Change::ENCRYPTION_KEY: {
            c.op = OpKind::kEncryptionKey;
            BoxPublicKey key;
            if (!fixedFrom(r.getEncryptionKey().getPublicKey(), key))
              return Status::invalid("the encryption key is not 32 bytes");
            c.encryptionKey = key;
            break;
          }
          case schema::Change::TRANSPORT_KEY: {
            c.op = OpKind::kTransportKey;
            BoxPublicKey key;
            if (!fixedFrom(r.getTransportKey().getPublicKey(), key))
              return Status::invalid("the transport key is not 32 bytes");
            c.transportKey = key;
            break;
          }
          default:
            return Status::invalid("unknown operation in change");
        }
        return Status::ok();
      });
  if (!s) return s;
  RENDA_TRY(validateChangeShape(c));
  return c;
}

Certificate makeCertificate(const NetworkId& network, const PublicKey& subject,
                            const SecretKey& issuerKey, std::string township, Role role,
                            uint64_t validFromMs, uint64_t validUntilMs, std::string label) {
  Certificate cert;
  cert.subject = subject;
  cert.issuer = issuerKey.publicKey();
  cert.township = std::move(township);
  cert.role = role;
  cert.validFromMs = validFromMs;
  cert.validUntilMs = validUntilMs;
  cert.label = std::move(label);
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Certificate>();
  b.setSubject(dataOf(cert.subject));
  b.setIssuer(dataOf(cert.issuer));
  b.setTownship(cert.township);
  b.setRole(static_cast<schema::Role>(role));
  b.setValidFromMs(validFromMs);
  b.setValidUntilMs(validUntilMs);
  b.setLabel(cert.label);
  cert.body = canonicalBytes<schema::Certificate>(b.asReader());
  cert.sig = crypto::sign(crypto::kCertContext, network, crypto::asBytes(cert.body), issuerKey);
  return cert;
}

Revocation makeRevocation(const NetworkId& network, const PublicKey& subject, uint64_t cutoffSeq,
                          std::optional<ChangeId> cutoffId, std::string reason,
                          const SecretKey& rootKey) {
  Revocation rev;
  rev.subject = subject;
  rev.cutoffSeq = cutoffSeq;
  rev.cutoffId = cutoffId;
  rev.reason = std::move(reason);
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Revocation>();
  b.setSubject(dataOf(subject));
  b.setCutoffSeq(cutoffSeq);
  b.setReason(rev.reason);
  if (cutoffId) b.setCutoffId(dataOf(*cutoffId));
  rev.body = canonicalBytes<schema::Revocation>(b.asReader());
  rev.sig = crypto::sign(crypto::kRevocationContext, network, crypto::asBytes(rev.body), rootKey);
  return rev;
}

Result<Certificate> openCertificate(const NetworkId& network, Bytes body, const Signature& sig) {
  Certificate cert;
  Status s = readCanonical<schema::Certificate>(
      body, limits::kMaxBlobBytes, "certificate", [&](schema::Certificate::Reader r) -> Status {
        if (!fixedFrom(r.getSubject(), cert.subject)) return Status::invalid("subject key size");
        if (!fixedFrom(r.getIssuer(), cert.issuer)) return Status::invalid("issuer key size");
        cert.township = stringOf(r.getTownship());
        auto role = static_cast<unsigned>(r.getRole());
        if (role > 1) return Status::invalid("certificate role out of range");
        cert.role = static_cast<Role>(role);
        cert.validFromMs = r.getValidFromMs();
        cert.validUntilMs = r.getValidUntilMs();
        cert.label = stringOf(r.getLabel());
        return Status::ok();
      });
  if (!s) return s;
  if (cert.township.size() > limits::kMaxScopeBytes) return Status::invalid("township too long");
  if (cert.role == Role::kTownship && cert.township.empty())
    return Status::invalid("a township certificate names no township");
  cert.body = std::string(reinterpret_cast<const char*>(body.data()), body.size());
  cert.sig = sig;
  if (!crypto::verify(crypto::kCertContext, network, body, sig, cert.issuer))
    return Status::invalid("the certificate's signature does not verify");
  return cert;
}

Result<Revocation> openRevocation(const NetworkId& network, Bytes body, const Signature& sig,
                                  const PublicKey& rootKey) {
  Revocation rev;
  Status s = readCanonical<schema::Revocation>(
      body, limits::kMaxBlobBytes, "revocation", [&](schema::Revocation::Reader r) -> Status {
        if (!fixedFrom(r.getSubject(), rev.subject)) return Status::invalid("subject key size");
        rev.cutoffSeq = r.getCutoffSeq();
        rev.reason = stringOf(r.getReason());
        if (r.hasCutoffId()) {
          ChangeId id;
          if (!fixedFrom(r.getCutoffId(), id)) return Status::invalid("cut-off change id size");
          rev.cutoffId = id;
        }
        return Status::ok();
      });
  if (!s) return s;
  if (rev.cutoffSeq == 0 && rev.cutoffId)
    return Status::invalid("a revocation of every change names a last valid change");
  rev.body = std::string(reinterpret_cast<const char*>(body.data()), body.size());
  rev.sig = sig;
  if (!crypto::verify(crypto::kRevocationContext, network, body, sig, rootKey))
    return Status::invalid("the revocation is not signed by the county root key");
  return rev;
}

Settlement makeSettlement(const NetworkId& network, const PublicKey& subject, const ChangeId& keep,
                          uint64_t keepSeq, std::string reason, const SecretKey& rootKey) {
  Settlement st;
  st.subject = subject;
  st.keep = keep;
  st.keepSeq = keepSeq;
  st.reason = std::move(reason);
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Settlement>();
  b.setSubject(dataOf(subject));
  b.setKeep(dataOf(keep));
  b.setKeepSeq(keepSeq);
  b.setReason(st.reason);
  st.body = canonicalBytes<schema::Settlement>(b.asReader());
  st.sig = crypto::sign(crypto::kSettlementContext, network, crypto::asBytes(st.body), rootKey);
  return st;
}

Result<Settlement> openSettlement(const NetworkId& network, Bytes body, const Signature& sig,
                                  const PublicKey& rootKey) {
  Settlement st;
  Status s = readCanonical<schema::Settlement>(
      body, limits::kMaxBlobBytes, "settlement", [&](schema::Settlement::Reader r) -> Status {
        if (!fixedFrom(r.getSubject(), st.subject)) return Status::invalid("subject key size");
        if (!fixedFrom(r.getKeep(), st.keep)) return Status::invalid("kept change id size");
        st.keepSeq = r.getKeepSeq();
        st.reason = stringOf(r.getReason());
        return Status::ok();
      });
  if (!s) return s;
  if (st.keepSeq == 0) return Status::invalid("a settlement keeps change number 0");
  st.body = std::string(reinterpret_cast<const char*>(body.data()), body.size());
  st.sig = sig;
  if (!crypto::verify(crypto::kSettlementContext, network, body, sig, rootKey))
    return Status::invalid("the settlement is not signed by the county root key");
  return st;
}

}  // namespace renda
