// Status helpers. Messages are written for users: one line, naming the thing
// that failed and why.
#include "common/status.h"

#include <cstring>

namespace stocktake {

namespace {
const char* CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kIoError: return "i/o error";
    case StatusCode::kDataError: return "data error";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status InvalidArgument(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
Status IoError(std::string message) { return Status(StatusCode::kIoError, std::move(message)); }
Status ErrnoError(std::string what, int errno_value) {
  return Status(errno_value == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
                std::move(what) + ": " + std::strerror(errno_value));
}

}  // namespace stocktake
