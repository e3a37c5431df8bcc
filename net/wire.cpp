// SPDX-License-Identifier: Apache-2.0
#include "net/wire.h"

#include <sodium.h>
#include <zstd.h>

#include "net/flat.h"

namespace renda::net {

namespace {

using namespace detail;

constexpr size_t kMaxHandshakeAdmission = 8;
constexpr size_t kMaxGoodbyeBytes = 1024;

template <typename Fill>
std::string message(Fill fill) {
  capnp::MallocMessageBuilder mb;
  fill(mb.initRoot<schema::SyncMessage>());
  return flatBytes(mb);
}

// count x (u32 LE length | bytes)
std::string pack(const std::vector<std::string_view>& envelopes) {
  size_t total = 0;
  for (auto e : envelopes) total += 4 + e.size();
  std::string out;
  out.reserve(total);
  for (auto e : envelopes) {
    uint32_t n = static_cast<uint32_t>(e.size());
    out.append(reinterpret_cast<const char*>(&n), 4);
    out.append(e);
  }
  return out;
}

Status unpack(std::string_view data, uint32_t count, std::vector<std::string>& out) {
  out.reserve(count);
  size_t pos = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) return Status::invalid("a change batch is cut short");
    uint32_t n;
    std::memcpy(&n, data.data() + pos, 4);
    pos += 4;
    if (n == 0 || n > limits::kMaxEnvelopeBytes || n > data.size() - pos)
      return Status::invalid("a change batch holds a change of a bad size");
    out.emplace_back(data.substr(pos, n));
    pos += n;
  }
  if (pos != data.size()) return Status::invalid("a change batch has bytes past its changes");
  return Status::ok();
}

// A goodbye's text as it is sent and as it is read: control characters (NUL,
// line breaks, escapes) become spaces, since the other node logs it.
std::string goodbyeText(std::string_view why) {
  std::string text(why);
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') c = ' ';
  return text;
}

}  // namespace

std::string encodeHello(const Hello& h) {
  return message([&](schema::SyncMessage::Builder m) {
    auto b = m.initHello();
    b.setNode(dataOf(h.node));
    b.setEntryCount(h.entryCount);
    setEntries(b.initEntries(h.entries.size()), h.entries);
    auto buckets = b.initBuckets(h.buckets.size());
    for (size_t i = 0; i < h.buckets.size(); ++i) buckets.set(i, dataOf(h.buckets[i].data(), 16));
    b.setZstd(h.zstd);
    b.setListenPort(h.listenPort);
  });
}

std::string encodeSummaryPart(const VersionVector& entries) {
  return message([&](schema::SyncMessage::Builder m) {
    setEntries(m.initSummary(entries.size()), entries);
  });
}

std::string encodeSummaryEnd() {
  return message([](schema::SyncMessage::Builder m) { m.setSummaryEnd(); });
}

std::string encodeBatch(uint64_t number, const std::vector<std::string_view>& envelopes,
                        bool zstd) {
  std::string data = pack(envelopes);
  bool compressed = false;
  if (zstd && data.size() >= 1024) {
    std::string z(ZSTD_compressBound(data.size()), '\0');
    size_t n = ZSTD_compress(z.data(), z.size(), data.data(), data.size(), 1);
    if (!ZSTD_isError(n) && n < data.size() - data.size() / 8) {
      z.resize(n);
      data = std::move(z);
      compressed = true;
    }
  }
  return message([&](schema::SyncMessage::Builder m) {
    auto b = m.initChanges();
    b.setNumber(number);
    b.setCount(static_cast<uint32_t>(envelopes.size()));
    b.setZstd(compressed);
    b.setData(dataOf(data.data(), data.size()));
  });
}

std::string encodeAck(uint64_t n) {
  return message([&](schema::SyncMessage::Builder m) { m.setAck(n); });
}
std::string encodeDone(uint64_t n) {
  return message([&](schema::SyncMessage::Builder m) { m.setDone(n); });
}
std::string encodePing(uint64_t n) {
  return message([&](schema::SyncMessage::Builder m) { m.setPing(n); });
}
std::string encodePong(uint64_t n) {
  return message([&](schema::SyncMessage::Builder m) { m.setPong(n); });
}
std::string encodeGoodbye(std::string_view why) {
  std::string text = goodbyeText(why.substr(0, kMaxGoodbyeBytes));
  return message([&](schema::SyncMessage::Builder m) { m.setGoodbye(text); });
}

std::string encodeDiverged(const std::vector<PublicKey>& authors) {
  return message([&](schema::SyncMessage::Builder m) {
    auto list = m.initDiverged(authors.size());
    for (size_t i = 0; i < authors.size(); ++i) list.set(i, dataOf(authors[i]));
  });
}

Result<SyncMsg> decodeSyncMessage(std::string_view bytes) {
  SyncMsg out;
  out.wireBytes = bytes.size();
  std::string batchData;
  bool batchZstd = false;
  uint32_t batchCount = 0;
  Status s = readFlat<schema::SyncMessage>(
      bytes, limits::kMaxSyncMessageBytes, "a sync message",
      [&](schema::SyncMessage::Reader m) -> Status {
        switch (m.which()) {
          case schema::SyncMessage::HELLO: {
            out.kind = SyncMsg::Kind::kHello;
            auto h = m.getHello();
            if (!fixedFrom(h.getNode(), out.hello.node))
              return Status::invalid("a hello names a node key of a bad size");
            out.hello.entryCount = h.getEntryCount();
            if (h.getEntries().size() > limits::kMaxHelloEntries)
              return Status::invalid("a hello lists too many summary entries");
            RENDA_TRY(readEntries(h.getEntries(), out.hello.entries));
            auto buckets = h.getBuckets();
            if (buckets.size() != 0 && buckets.size() != limits::kSummaryBuckets)
              return Status::invalid("a hello has a bad number of summary buckets");
            for (auto b : buckets) {
              if (b.size() != 16) return Status::invalid("a summary bucket fingerprint has a bad size");
              Fingerprint f;
              std::memcpy(f.data(), b.begin(), 16);
              out.hello.buckets.push_back(f);
            }
            if (out.hello.entries.empty() == out.hello.buckets.empty() && out.hello.entryCount != 0)
              return Status::invalid("a hello must carry its summary or its buckets, not both");
            if (!out.hello.entries.empty() && out.hello.entries.size() != out.hello.entryCount)
              return Status::invalid("a hello's summary does not have the entries it counts");
            if (out.hello.entryCount > limits::kMaxSummaryEntries)
              return Status::invalid("a hello counts too many summary entries");
            out.hello.zstd = h.getZstd();
            out.hello.listenPort = h.getListenPort();
            return Status::ok();
          }
          case schema::SyncMessage::SUMMARY:
            out.kind = SyncMsg::Kind::kSummary;
            return readEntries(m.getSummary(), out.summary);
          case schema::SyncMessage::SUMMARY_END:
            out.kind = SyncMsg::Kind::kSummaryEnd;
            return Status::ok();
          case schema::SyncMessage::CHANGES: {
            out.kind = SyncMsg::Kind::kChanges;
            auto b = m.getChanges();
            out.batch.number = b.getNumber();
            batchCount = b.getCount();
            batchZstd = b.getZstd();
            if (batchCount == 0 || batchCount > limits::kMaxBatchChanges)
              return Status::invalid("a change batch counts a bad number of changes");
            auto d = b.getData();
            batchData.assign(reinterpret_cast<const char*>(d.begin()), d.size());
            return Status::ok();
          }
          case schema::SyncMessage::ACK:
            out.kind = SyncMsg::Kind::kAck;
            out.value = m.getAck();
            return Status::ok();
          case schema::SyncMessage::DONE:
            out.kind = SyncMsg::Kind::kDone;
            out.value = m.getDone();
            return Status::ok();
          case schema::SyncMessage::PING:
            out.kind = SyncMsg::Kind::kPing;
            out.value = m.getPing();
            return Status::ok();
          case schema::SyncMessage::PONG:
            out.kind = SyncMsg::Kind::kPong;
            out.value = m.getPong();
            return Status::ok();
          case schema::SyncMessage::GOODBYE: {
            out.kind = SyncMsg::Kind::kGoodbye;
            auto t = m.getGoodbye();
            if (t.size() > kMaxGoodbyeBytes) return Status::invalid("a goodbye is too long");
            out.text = goodbyeText(std::string_view(t.cStr(), t.size()));
            return Status::ok();
          }
          case schema::SyncMessage::DIVERGED: {
            out.kind = SyncMsg::Kind::kDiverged;
            auto list = m.getDiverged();
            if (list.size() > limits::kMaxSummaryEntries)
              return Status::invalid("a divergence list is too long");
            for (auto d : list) {
              PublicKey k;
              if (!fixedFrom(d, k)) return Status::invalid("a divergence list names a bad key");
              out.diverged.push_back(k);
            }
            return Status::ok();
          }
          default:
            return Status::invalid("a sync message of an unknown kind");
        }
      });
  if (!s) return s;
  if (out.kind == SyncMsg::Kind::kChanges) {
    std::string_view data = batchData;
    std::string plain;
    // count x (4 | envelope), the envelopes at most kMaxBatchBytes in all.
    const size_t maxPacked = limits::kMaxBatchBytes + 4 * size_t(batchCount);
    if (batchZstd) {
      unsigned long long size = ZSTD_getFrameContentSize(batchData.data(), batchData.size());
      if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size > maxPacked)
        return Status::invalid("a compressed change batch does not say a size it may have");
      plain.resize(size);
      size_t n = ZSTD_decompress(plain.data(), plain.size(), batchData.data(), batchData.size());
      if (ZSTD_isError(n) || n != size) return Status::invalid("a compressed change batch is damaged");
      data = plain;
    } else if (batchData.size() > maxPacked) {
      return Status::invalid("a change batch is too large");
    }
    RENDA_TRY(unpack(data, batchCount, out.batch.envelopes));
  }
  return out;
}

std::vector<Fingerprint> bucketFingerprints(const VersionVector& entries) {
  std::vector<crypto_generichash_state> states(limits::kSummaryBuckets);
  for (auto& st : states) crypto_generichash_init(&st, nullptr, 0, 16);
  for (const auto& e : entries) {
    auto& st = states[bucketOf(e.author)];
    unsigned char seq[8];
    for (int i = 0; i < 8; ++i) seq[i] = static_cast<unsigned char>(e.seq >> (56 - 8 * i));
    crypto_generichash_update(&st, e.author.data(), e.author.size());
    crypto_generichash_update(&st, seq, 8);
    crypto_generichash_update(&st, e.id.data(), e.id.size());
  }
  std::vector<Fingerprint> out(limits::kSummaryBuckets);
  for (size_t i = 0; i < states.size(); ++i) crypto_generichash_final(&states[i], out[i].data(), 16);
  return out;
}

std::string encodeHandshakePayload(const HandshakePayload& p) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::HandshakePayload>();
  b.setVersion(1);
  b.setAnnouncement(dataOf(p.announcement.data(), p.announcement.size()));
  auto list = b.initAdmission(p.admission.size());
  for (size_t i = 0; i < p.admission.size(); ++i)
    list.set(i, dataOf(p.admission[i].data(), p.admission[i].size()));
  return flatBytes(mb);
}

Result<HandshakePayload> decodeHandshakePayload(std::string_view bytes) {
  HandshakePayload out;
  Status s = readFlat<schema::HandshakePayload>(
      bytes, limits::kMaxFrameBytes, "a handshake payload",
      [&](schema::HandshakePayload::Reader r) -> Status {
        if (r.getVersion() != 1)
          return Status::invalid("the peer speaks another version of the sync protocol");
        auto a = r.getAnnouncement();
        if (a.size() == 0 || a.size() > limits::kMaxEnvelopeBytes)
          return Status::invalid("a handshake payload's announcement has a bad size");
        out.announcement.assign(reinterpret_cast<const char*>(a.begin()), a.size());
        auto list = r.getAdmission();
        if (list.size() > kMaxHandshakeAdmission)
          return Status::invalid("a handshake payload carries too many certificates");
        for (auto e : list) {
          if (e.size() == 0 || e.size() > limits::kMaxEnvelopeBytes)
            return Status::invalid("a handshake payload's certificate has a bad size");
          out.admission.emplace_back(reinterpret_cast<const char*>(e.begin()), e.size());
        }
        return Status::ok();
      });
  if (!s) return s;
  return out;
}

}  // namespace renda::net
