// SPDX-License-Identifier: Apache-2.0
// Internal to net: reading and writing flat Cap'n Proto messages from and to
// untrusted bytes, with the project's tight limits (style.md "Cap'n Proto
// readers"): size checked first, an aligned copy, ReaderOptions sized to the
// message, every kj::Exception caught here and turned into InvalidInput.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <string>
#include <string_view>
#include <tuple>

#include "core/change.h"
#include "core/limits.h"
#include "core/schema/renda.capnp.h"
#include "core/source.h"

namespace renda::net::detail {

inline capnp::Data::Reader dataOf(const void* p, size_t n) {
  return capnp::Data::Reader(static_cast<const kj::byte*>(p), n);
}
template <typename F>
capnp::Data::Reader dataOf(const F& f) { return dataOf(f.data(), f.size()); }

template <typename F>
bool fixedFrom(capnp::Data::Reader d, F& out) {
  auto v = F::fromSpan(d.begin(), d.size());
  if (!v) return false;
  out = *v;
  return true;
}

// The message as one flat segment (with its segment table). readFlat() accepts
// single-segment messages only, and a MallocMessageBuilder spills into more
// segments past its first 1024 words (~90 summary entries), so copy the root
// into a builder whose first segment holds it all.
inline std::string flatBytes(capnp::MessageBuilder& mb) {
  auto root = mb.getRoot<capnp::AnyPointer>().asReader();
  capnp::MallocMessageBuilder one(root.targetSize().wordCount + 1);
  one.getRoot<capnp::AnyPointer>().set(root);
  RENDA_ASSERT(one.getSegmentsForOutput().size() == 1);
  auto words = capnp::messageToFlatArray(one);
  auto b = words.asBytes();
  return std::string(reinterpret_cast<const char*>(b.begin()), b.size());
}

template <typename T>
inline std::string canonical(typename T::Reader r) {
  auto words = capnp::canonicalize(r);
  auto b = words.asBytes();
  return std::string(reinterpret_cast<const char*>(b.begin()), b.size());
}

// Reads a flat single-segment message from untrusted bytes and runs fn on its root.
template <typename Root, typename Fn>
Status readFlat(std::string_view bytes, size_t maxBytes, const char* what, Fn&& fn) {
  if (bytes.size() > maxBytes) return Status::invalid(std::string(what) + " is too large");
  if (bytes.size() < 16) return Status::invalid(std::string(what) + " is truncated");
  auto words = alignedWords(crypto::asBytes(bytes));
  if (!words) return Status::invalid(std::string(what) + " is not a whole number of words");
  uint32_t segs, seg0;
  std::memcpy(&segs, bytes.data(), 4);
  std::memcpy(&seg0, bytes.data() + 4, 4);
  if (segs != 0)
    return Status::invalid(std::string(what) + " has " + std::to_string(uint64_t(segs) + 1) +
                           " segments (one expected)");
  if (uint64_t(seg0) + 1 != words->size())
    return Status::invalid(std::string(what) + "'s segment table does not match its size");
  try {
    kj::ArrayPtr<const capnp::word> arr(reinterpret_cast<const capnp::word*>(words->data()),
                                        words->size());
    capnp::FlatArrayMessageReader reader(arr, limits::readerOptionsFor(words->size()));
    return fn(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    return Status::invalid(std::string(what) + " is damaged: " + e.getDescription().cStr());
  }
}

// Reads a canonical segment (no table) and runs fn on its root.
template <typename Root, typename Fn>
Status readCanonicalBody(std::string_view bytes, size_t maxBytes, const char* what, Fn&& fn) {
  if (bytes.empty() || bytes.size() > maxBytes)
    return Status::invalid(std::string(what) + " has a bad size");
  auto words = alignedWords(crypto::asBytes(bytes));
  if (!words) return Status::invalid(std::string(what) + " is damaged");
  try {
    kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(words->data()),
                                        words->size());
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1),
                                            limits::readerOptionsFor(words->size()));
    if (!reader.isCanonical()) return Status::invalid(std::string(what) + " is not canonical");
    return fn(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    return Status::invalid(std::string(what) + " is damaged: " + e.getDescription().cStr());
  }
}

inline void setEntries(capnp::List<schema::SummaryEntry>::Builder list, const VersionVector& vv) {
  for (size_t i = 0; i < vv.size(); ++i) {
    list[i].setAuthor(dataOf(vv[i].author));
    list[i].setSeq(vv[i].seq);
    list[i].setId(dataOf(vv[i].id));
  }
}

inline Status readEntries(capnp::List<schema::SummaryEntry>::Reader list, VersionVector& out) {
  if (list.size() > limits::kMaxSummaryEntries) return Status::invalid("too many nodes listed");
  for (auto e : list) {
    VersionEntry v;
    if (!fixedFrom(e.getAuthor(), v.author) || !fixedFrom(e.getId(), v.id))
      return Status::invalid("a listed node has a bad key or id");
    v.seq = e.getSeq();
    if (v.seq == 0) return Status::invalid("a listed node has number 0");
    // By node, then (a node whose changes branch lists each branch tip) by
    // number and id.
    if (!out.empty() && !(std::tie(out.back().author, out.back().seq, out.back().id) <
                          std::tie(v.author, v.seq, v.id)))
      return Status::invalid("listed nodes are out of order or repeated");
    out.push_back(v);
  }
  return Status::ok();
}


}  // namespace renda::net::detail
