// SPDX-License-Identifier: Apache-2.0
// Status and Result<T>: expected failures as values (LevelDB style), with the
// codes every layer shares. Bugs use RENDA_ASSERT / RENDA_REQUIRE instead.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace renda {

enum class Code {
  kOk = 0,
  kNotFound,
  kInvalidInput,       // malformed, forged or badly signed data from outside
  kRefused,            // well-formed, but not allowed (unknown author, revoked, out of scope)
  kCorruption,         // our own store is damaged
  kIOError,
  kResourceExhausted,  // MDB_MAP_FULL, disk full, a limit hit
  kDisconnected,
  kOverloaded,
  kUsage,              // the caller (a person at the CLI) asked for something impossible
};

const char* codeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(Code code, std::string message) { return Status(code, std::move(message)); }
  static Status notFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status invalid(std::string m) { return Status(Code::kInvalidInput, std::move(m)); }
  static Status refused(std::string m) { return Status(Code::kRefused, std::move(m)); }
  static Status corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status ioError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status exhausted(std::string m) { return Status(Code::kResourceExhausted, std::move(m)); }
  static Status usage(std::string m) { return Status(Code::kUsage, std::move(m)); }

  bool isOk() const { return code_ == Code::kOk; }
  explicit operator bool() const { return isOk(); }
  Code code() const { return code_; }
  // The message is written for the person at the keyboard: what happened, what to do.
  const std::string& message() const { return message_; }
  std::string toString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).isOk()) {
      std::fprintf(stderr, "renda: Result built from an ok Status\n");
      std::abort();
    }
  }
  bool isOk() const { return v_.index() == 0; }
  explicit operator bool() const { return isOk(); }
  T& value() & { return check(), std::get<T>(v_); }
  const T& value() const& { return check(), std::get<T>(v_); }
  T&& value() && { return check(), std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  Status status() const { return isOk() ? Status::ok() : std::get<Status>(v_); }

 private:
  void check() const {
    if (!isOk()) {
      std::fprintf(stderr, "renda: value() on an error Result: %s\n",
                   std::get<Status>(v_).toString().c_str());
      std::abort();
    }
  }
  std::variant<T, Status> v_;
};

}  // namespace renda

#define RENDA_ASSERT(cond, ...)                                                        \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "renda: internal error at %s:%d: %s\n", __FILE__, __LINE__, \
                   #cond);                                                             \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
#define RENDA_REQUIRE(cond, ...) RENDA_ASSERT(cond)

// Propagates a non-ok Status from an expression.
#define RENDA_TRY(expr)                     \
  do {                                      \
    ::renda::Status renda_s_ = (expr);      \
    if (!renda_s_.isOk()) return renda_s_;  \
  } while (0)
