// SPDX-License-Identifier: Apache-2.0
#include "core/status.h"

namespace renda {

const char* codeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kNotFound: return "not found";
    case Code::kInvalidInput: return "invalid input";
    case Code::kRefused: return "refused";
    case Code::kCorruption: return "corruption";
    case Code::kIOError: return "I/O error";
    case Code::kResourceExhausted: return "resource exhausted";
    case Code::kDisconnected: return "disconnected";
    case Code::kOverloaded: return "overloaded";
    case Code::kUsage: return "usage";
  }
  return "unknown";
}

std::string Status::toString() const {
  if (isOk()) return "ok";
  return std::string(codeName(code_)) + ": " + message_;
}

}  // namespace renda
