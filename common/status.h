// Status and Result<T>: errors as values.
//
// A Status is either OK or carries a code and a one-line message meant for the
// user ("cannot open 'x.warc.gz': No such file or directory"). Result<T> holds
// either a value or a non-OK Status. Both are cheap to move and are not
// thread-safe to mutate concurrently (like any value type).
//
// Malformed *input data* is not an error in this sense: readers count it under
// a named reason and keep going (see DESIGN.md, "Errors and bad input").
// Status is for setup problems and I/O failures that stop one operation.
#ifndef STOCKTAKE_COMMON_STATUS_H_
#define STOCKTAKE_COMMON_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace stocktake {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad configuration value, bad command line
  kNotFound,         // missing input or file
  kIoError,          // read/write/rename failed
  kDataError,        // input bytes could not be used at all
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: <message>" style text for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status IoError(std::string message);
// An IoError whose message ends with strerror(errno_value).
Status ErrnoError(std::string what, int errno_value);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace stocktake

// Propagates a non-OK Status from an expression returning Status.
#define STOCKTAKE_RETURN_IF_ERROR(expr)          \
  do {                                           \
    ::stocktake::Status _st = (expr);            \
    if (!_st.ok()) return _st;                   \
  } while (0)

#endif  // STOCKTAKE_COMMON_STATUS_H_
