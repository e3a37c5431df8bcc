// SPDX-License-Identifier: Apache-2.0
// Personal fields at the edges of the app (design.md §Privacy): sealing them
// before a change is signed, and turning sealed values back into text for
// people — clear on `show`/`list` where this node holds a recipient key,
// masked in reports and exports unless --reveal is asked for and allowed, and
// the placeholder （已加密） wherever this node cannot open them. No clear
// personal value is ever written to the store, a bundle or a log line.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/node/node.h"
#include "core/domain/reports.h"
#include "core/record.h"
#include "storage/store.h"

namespace renda::app {

// Seals, in place, every personal field of `edit` (a create or update, plain
// or life-cycle event) that is not sealed yet: to the encryption keys of the
// county office and of the record's township as this store knows them at
// nowMs (core/trust.h sealRecipients). Refused, with nothing written, when no
// county office key has reached this node yet; a note on stderr when the
// township's own nodes have no key here yet (only the county will read it).
Status sealPersonalFields(storage::Store& store, storage::LocalEdit& edit, uint64_t nowMs);

// Opens sealed values with this node's encryption keys, loaded on first use.
// When the keys cannot be loaded (a wrong passphrase), says so once on stderr
// and opens nothing.
class Unsealer {
 public:
  explicit Unsealer(Node& node) : node_(&node) {}
  // One with its own copy of the node's keys, read now: it may then be used
  // on another thread, while the node goes on (and may load its keys again).
  static Unsealer detached(Node& node);
  // The clear text of a sealed value, or nullopt when this node cannot open it.
  std::optional<std::string> open(RecordKind kind, const std::string& field,
                                  const std::string& value);
  // True when this node holds at least one encryption key.
  bool hasKeys();

 private:
  const std::vector<BoxSecretKey>* keys();
  Node* node_;
  bool loaded_ = false;
  const std::vector<BoxSecretKey>* keys_ = nullptr;
  std::shared_ptr<std::vector<BoxSecretKey>> own_;  // detached(): the copy keys_ points to
};

enum class Reveal { kClear, kMasked };

// What a person is shown for one field value: values of other fields as they
// are; a sealed value as its clear text (kClear) or masked form (kMasked) when
// this node can open it, else the placeholder.
std::string presentValue(RecordKind kind, const std::string& field, const std::string& value,
                         Unsealer& unsealer, Reveal how);
// A copy of `r` with every field value, conflict candidate and event field
// passed through presentValue().
Record presentRecord(const Record& r, Unsealer& unsealer, Reveal how);
// A log line's view of a value: sealed values become the placeholder, never
// opened.
std::string logValue(const std::string& value);

// Turns the personal fields of every record in `d` into masked text (default)
// or clear text (`reveal`), then re-indexes it. With `reveal`, refused unless
// this node may and can see them: it holds an encryption key, and it is the
// county office, or a township node asking for its own township only
// (q.township names it). Values it cannot open show the placeholder.
Status presentDataset(domain::Dataset& d, Node& node, bool reveal, const domain::ReportQuery& q);
// The same, masked, with `unsealer` (Unsealer::detached for another thread).
void maskDataset(domain::Dataset& d, Unsealer& unsealer);

}  // namespace renda::app
