// Reading crawl files over HTTP(S) with libcurl: a ByteSource that streams a
// URL's body, retrying what the network throws at it.
//
// Bytes are handed to the reader as they arrive (nothing is stored unless a
// cache file is asked for). Faults are expected: a connection reset or
// timeout, a stalled transfer, a body shorter than its Content-Length, and
// the statuses 429, 500, 502, 503 and 504 (S3's SlowDown is a 503) are
// retried with exponential backoff and jitter, honouring Retry-After, up to
// `max_retries` per input. A transfer cut after some bytes resumes with a
// Range request at the first byte not yet received, with If-Range naming the
// first response's validator: the reader sees every byte exactly once and in
// order, so no record is read twice or lost, and a resource that changed
// between requests is an error rather than a splice of two versions. The
// final byte count is checked against the size the server declared.
//
// Other statuses (403, 404, ...) and malformed URLs fail at once. A failure
// is a non-OK Read() whose message says what happened and after how many
// retries.
//
// HttpSource is not thread-safe (one reader owns one source); FetchLimiter
// is shared by all sources of a run and is thread-safe.
#ifndef STOCKTAKE_CRAWLER_HTTP_SOURCE_H_
#define STOCKTAKE_CRAWLER_HTTP_SOURCE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/byte_source.h"
#include "common/counts.h"
#include "common/status.h"

namespace stocktake::crawler {

struct FetchOptions {
  uint32_t max_retries = 10;              // per input, across all its requests
  double backoff_initial_seconds = 1.0;   // first wait; doubled per retry, jittered by +-50%
  double backoff_max_seconds = 60.0;      // cap on one wait (and on Retry-After)
  double connect_timeout_seconds = 30.0;
  // A transfer that delivers no byte for this long while the reader waits
  // for one is cut and resumed. (Time the reader spends elsewhere does not
  // count: a busy reader is not a stalled server.)
  double stall_timeout_seconds = 60.0;
  std::string user_agent = "stocktake";
};

// Caps concurrent transfers and the rate at which requests start, for all
// sources sharing it. Thread-safe.
class FetchLimiter {
 public:
  // 0 = no cap.
  FetchLimiter(uint32_t max_concurrent, double requests_per_second);

  // Holds one of the concurrent transfers while alive.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(FetchLimiter* owner) : owner_(owner) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept;
    ~Slot();

   private:
    FetchLimiter* owner_ = nullptr;
  };
  Slot AcquireTransfer();
  // Blocks until the next request may start.
  void PaceRequest();

 private:
  uint32_t max_concurrent_;
  double interval_seconds_;
  std::mutex mutex_;
  std::condition_variable freed_;
  uint32_t active_ = 0;
  std::chrono::steady_clock::time_point next_request_;
};

// What the network did for one input.
struct FetchStats {
  std::string url;
  uint64_t bytes_fetched = 0;  // body bytes received (including any a server re-sent and were skipped)
  uint64_t requests = 0;
  uint64_t retries = 0;
  uint64_t resumes = 0;        // retries that continued with a Range request
  int64_t size = -1;           // the size the server declared (-1: never said)
  Counts faults;               // by kind: "http_503", "reset", "stall", "short_body", ...
};

class HttpSource final : public ByteSource {
 public:
  // `limiter` may be null (no caps); it must outlive the source.
  HttpSource(std::string url, FetchOptions options, FetchLimiter* limiter);
  ~HttpSource() override;
  HttpSource(const HttpSource&) = delete;
  HttpSource& operator=(const HttpSource&) = delete;

  Result<size_t> Read(uint8_t* out, size_t n) override;
  const std::string& name() const override { return url_; }
  const FetchStats& stats() const { return stats_; }

 private:
  struct Transfer;
  Status Fill();  // until bytes are buffered, the body ended, or it failed
  Status StartTransfer();
  void EndTransfer();
  // A fault: waits and returns OK to try again, or the final error.
  Status Retry(const std::string& fault, double retry_after_seconds);

  std::string url_;
  FetchOptions options_;
  FetchLimiter* limiter_;
  FetchLimiter::Slot slot_;
  std::unique_ptr<Transfer> transfer_;
  std::string buffer_;
  size_t buffer_pos_ = 0;
  uint64_t received_ = 0;  // contiguous body bytes received so far
  std::string validator_;  // ETag or Last-Modified of the first response
  bool done_ = false;
  Status failed_;
  FetchStats stats_;
};

// Fetches a whole resource into memory with the same retry rules (crawl
// manifests). `stats` may be null.
Result<std::string> FetchToString(const std::string& url, const FetchOptions& options, FetchLimiter* limiter,
                                  FetchStats* stats = nullptr);

// True for http:// and https:// URLs.
bool IsHttpUrl(std::string_view s);

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_HTTP_SOURCE_H_
