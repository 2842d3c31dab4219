// HttpSource: libcurl's multi interface, driven from Read().
//
// Why multi and not a download thread: the reader pulls, so driving the
// transfer from Read() gives backpressure for free (when the pipeline is
// busy nobody reads the socket and TCP slows the server down), needs no
// buffer between threads, and lets stall detection count only the time the
// reader actually waits. The write callback appends to a buffer that Read()
// drains; one curl_multi_perform() call delivers at most what the socket
// holds, so the buffer stays small.
#include "crawler/http_source.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <thread>

namespace stocktake::crawler {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseInt(std::string_view s, int64_t* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool Retryable(long status) { return status == 429 || status == 500 || status == 502 || status == 503 || status == 504; }

// Network errors worth another try, by the name counted for them.
const char* TransientFault(CURLcode code) {
  switch (code) {
    case CURLE_PARTIAL_FILE:
      return "short_body";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return "reset";
    case CURLE_COULDNT_CONNECT:
      return "connect";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "dns";
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_SSL_CONNECT_ERROR:
      return "tls";
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "http2";
    default:
      return nullptr;
  }
}

}  // namespace

// ---------------------------------------------------------------- limiter --

FetchLimiter::FetchLimiter(uint32_t max_concurrent, double requests_per_second)
    : max_concurrent_(max_concurrent),
      interval_seconds_(requests_per_second > 0 ? 1.0 / requests_per_second : 0),
      next_request_(std::chrono::steady_clock::now()) {}

FetchLimiter::Slot& FetchLimiter::Slot::operator=(Slot&& o) noexcept {
  if (this != &o) {
    this->~Slot();
    owner_ = o.owner_;
    o.owner_ = nullptr;
  }
  return *this;
}

FetchLimiter::Slot::~Slot() {
  if (owner_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(owner_->mutex_);
    --owner_->active_;
  }
  owner_->freed_.notify_one();
  owner_ = nullptr;
}

FetchLimiter::Slot FetchLimiter::AcquireTransfer() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (max_concurrent_ > 0) freed_.wait(lock, [this] { return active_ < max_concurrent_; });
  ++active_;
  return Slot(this);
}

void FetchLimiter::PaceRequest() {
  if (interval_seconds_ <= 0) return;
  std::chrono::steady_clock::time_point start;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    start = std::max(now, next_request_);
    next_request_ = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(interval_seconds_));
  }
  std::this_thread::sleep_until(start);
}

// --------------------------------------------------------------- transfer --

struct HttpSource::Transfer {
  HttpSource* owner = nullptr;
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  long status = 0;  // of the last response (after redirects)
  int64_t content_length = -1;
  int64_t range_start = -1;
  int64_t range_total = -1;
  double retry_after = -1;
  std::string validator;
  std::string error_body;  // the start of a non-2xx body (S3 puts its error code there)
  bool body_checked = false;
  bool deliver = false;
  uint64_t skip = 0;  // bytes a server that ignored Range re-sent
  Status problem;     // found in a callback: ends the transfer, not retried
  std::chrono::steady_clock::time_point last_byte = std::chrono::steady_clock::now();

  ~Transfer() {
    if (multi != nullptr && easy != nullptr) curl_multi_remove_handle(multi, easy);
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    if (headers != nullptr) curl_slist_free_all(headers);
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    std::string_view line(data, n);
    if (StartsWithNoCase(line, "http/")) {
      // A new response (after a redirect or 100 Continue): start over.
      t->status = 0;
      t->content_length = t->range_start = t->range_total = -1;
      t->retry_after = -1;
      t->validator.clear();
      const size_t space = line.find(' ');
      int64_t code = 0;
      if (space != std::string_view::npos && ParseInt(line.substr(space + 1, 3), &code)) t->status = static_cast<long>(code);
      return n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    const std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    auto is = [&](std::string_view want) { return name.size() == want.size() && StartsWithNoCase(name, want); };
    int64_t v = 0;
    if (is("content-length") && ParseInt(value, &v)) {
      t->content_length = v;
    } else if (is("content-range") && StartsWithNoCase(value, "bytes ")) {
      // bytes START-END/TOTAL
      const std::string_view spec = value.substr(6);
      const size_t dash = spec.find('-'), slash = spec.find('/');
      int64_t start = 0, total = 0;
      if (dash != std::string_view::npos && ParseInt(spec.substr(0, dash), &start)) t->range_start = start;
      if (slash != std::string_view::npos && ParseInt(spec.substr(slash + 1), &total)) t->range_total = total;
    } else if (is("retry-after") && ParseInt(value, &v)) {
      t->retry_after = static_cast<double>(v);
    } else if (is("etag")) {
      t->validator = std::string(value);
    } else if (is("last-modified") && t->validator.empty()) {
      t->validator = std::string(value);
    }
    return n;
  }

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    HttpSource& s = *t->owner;
    const size_t n = size * count;
    t->last_byte = std::chrono::steady_clock::now();
    if (!t->body_checked) {
      t->body_checked = true;
      t->deliver = t->CheckResponse();
      if (!t->problem.ok()) return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    if (!t->deliver) {
      if (t->error_body.size() < 512) t->error_body.append(data, std::min<size_t>(n, 512 - t->error_body.size()));
      return n;
    }
    s.stats_.bytes_fetched += n;
    size_t skip = static_cast<size_t>(std::min<uint64_t>(t->skip, n));
    t->skip -= skip;
    if (s.buffer_pos_ == s.buffer_.size()) {
      s.buffer_.clear();
      s.buffer_pos_ = 0;
    }
    s.buffer_.append(data + skip, n - skip);
    s.received_ += n - skip;
    return n;
  }

  // The first body byte of a 2xx response: is it the continuation we asked
  // for? Sets the declared size; returns whether to deliver the body.
  bool CheckResponse() {
    HttpSource& s = *owner;
    if (status == 200) {
      if (s.received_ > 0) {
        if (!s.validator_.empty()) {
          problem = Status(StatusCode::kDataError,
                           fmt::format("'{}' changed while being read (a resumed request got the whole resource)", s.url_));
          return false;
        }
        skip = s.received_;  // the server ignored Range: drop what we have
      }
      if (content_length >= 0) s.stats_.size = content_length;
      if (s.validator_.empty()) s.validator_ = validator;
      return true;
    }
    if (status == 206) {
      if (range_start != static_cast<int64_t>(s.received_)) {
        problem = Status(StatusCode::kDataError, fmt::format("'{}': a resumed request got bytes from {} instead of {}",
                                                             s.url_, range_start, s.received_));
        return false;
      }
      if (range_total >= 0) s.stats_.size = range_total;
      if (s.validator_.empty()) s.validator_ = validator;
      return true;
    }
    return false;
  }
};

// ------------------------------------------------------------- HttpSource --

HttpSource::HttpSource(std::string url, FetchOptions options, FetchLimiter* limiter)
    : url_(std::move(url)), options_(std::move(options)), limiter_(limiter) {
  GlobalInit();
  stats_.url = url_;
}

HttpSource::~HttpSource() = default;

Status HttpSource::StartTransfer() {
  if (limiter_ != nullptr) limiter_->PaceRequest();
  auto t = std::make_unique<Transfer>();
  t->owner = this;
  t->multi = curl_multi_init();
  t->easy = curl_easy_init();
  if (t->multi == nullptr || t->easy == nullptr) return IoError("cannot start a libcurl transfer");
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_seconds * 1000));
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  // The body's bytes as stored (a .warc.gz stays gzip): no Accept-Encoding.
  if (received_ > 0) {
    const std::string range = fmt::format("{}-", received_);
    curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());  // copied by libcurl
    if (!validator_.empty()) {
      t->headers = curl_slist_append(t->headers, ("If-Range: " + validator_).c_str());
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    }
  }
  if (curl_multi_add_handle(t->multi, e) != CURLM_OK) return IoError("cannot start a libcurl transfer");
  ++stats_.requests;
  transfer_ = std::move(t);
  return Status::Ok();
}

void HttpSource::EndTransfer() { transfer_.reset(); }

Status HttpSource::Retry(const std::string& fault, double retry_after_seconds) {
  EndTransfer();
  stats_.faults.Add(fault);
  if (stats_.retries >= options_.max_retries) {
    return IoError(fmt::format("'{}': gave up after {} retries (last fault: {}; {} of {} bytes received)", url_,
                               stats_.retries, fault, received_,
                               stats_.size >= 0 ? fmt::format("{}", stats_.size) : std::string("unknown")));
  }
  ++stats_.retries;
  if (received_ > 0) ++stats_.resumes;
  static thread_local std::minstd_rand rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  double wait = std::min(options_.backoff_max_seconds,
                         options_.backoff_initial_seconds * std::ldexp(1.0, static_cast<int>(stats_.retries) - 1)) *
                jitter(rng);
  if (retry_after_seconds > 0) wait = std::max(wait, std::min(retry_after_seconds, options_.backoff_max_seconds));
  std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  return Status::Ok();
}

Status HttpSource::Fill() {
  const auto waiting_since = std::chrono::steady_clock::now();
  const auto stall = std::chrono::duration<double>(options_.stall_timeout_seconds);
  while (buffer_pos_ == buffer_.size() && !done_) {
    if (transfer_ == nullptr) {
      if (limiter_ != nullptr && stats_.requests == 0) slot_ = limiter_->AcquireTransfer();
      STOCKTAKE_RETURN_IF_ERROR(StartTransfer());
    }
    Transfer& t = *transfer_;
    int running = 0;
    curl_multi_perform(t.multi, &running);
    CURLcode result = CURLE_OK;
    bool finished = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(t.multi, &left)) {
      if (msg->msg == CURLMSG_DONE) {
        finished = true;
        result = msg->data.result;
      }
    }
    if (!finished) {
      if (buffer_pos_ < buffer_.size()) break;
      const auto now = std::chrono::steady_clock::now();
      if (now - std::max(t.last_byte, waiting_since) > stall) {
        STOCKTAKE_RETURN_IF_ERROR(Retry("stall", -1));
        continue;
      }
      curl_multi_poll(t.multi, nullptr, 0, 100, nullptr);
      continue;
    }
    if (!t.problem.ok()) return t.problem;
    long status = t.status;
    if (status == 0) curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    if (result == CURLE_OK && (status == 200 || status == 206) && t.deliver) {
      const int64_t size = stats_.size;
      if (size >= 0 && received_ < static_cast<uint64_t>(size)) {
        STOCKTAKE_RETURN_IF_ERROR(Retry("short_body", -1));
      } else if (size >= 0 && received_ > static_cast<uint64_t>(size)) {
        return Status(StatusCode::kDataError,
                      fmt::format("'{}': {} bytes received, {} declared", url_, received_, size));
      } else {
        done_ = true;
        EndTransfer();
      }
      continue;
    }
    if (result == CURLE_OK && Retryable(status)) {
      STOCKTAKE_RETURN_IF_ERROR(Retry(fmt::format("http_{}", status), t.retry_after));
      continue;
    }
    if (result == CURLE_OK) {
      std::string detail;
      const size_t code = t.error_body.find("<Code>");
      if (code != std::string::npos) {
        const size_t end = t.error_body.find("</Code>", code);
        if (end != std::string::npos) detail = " (" + t.error_body.substr(code + 6, end - code - 6) + ")";
      }
      return NotFound(fmt::format("'{}': HTTP {}{}", url_, status, detail));
    }
    if (const char* fault = TransientFault(result)) {
      STOCKTAKE_RETURN_IF_ERROR(Retry(fault, -1));
      continue;
    }
    return IoError(fmt::format("'{}': {}", url_, t.error[0] != '\0' ? t.error : curl_easy_strerror(result)));
  }
  return Status::Ok();
}

Result<size_t> HttpSource::Read(uint8_t* out, size_t n) {
  if (!failed_.ok()) return failed_;
  if (buffer_pos_ == buffer_.size()) {
    Status st = Fill();
    if (!st.ok()) {
      failed_ = st;
      transfer_.reset();
      slot_ = FetchLimiter::Slot();
      return st;
    }
  }
  const size_t take = std::min(n, buffer_.size() - buffer_pos_);
  std::memcpy(out, buffer_.data() + buffer_pos_, take);
  buffer_pos_ += take;
  if (take == 0) slot_ = FetchLimiter::Slot();  // the end: free the transfer slot
  return take;
}

Result<std::string> FetchToString(const std::string& url, const FetchOptions& options, FetchLimiter* limiter,
                                  FetchStats* stats) {
  HttpSource source(url, options, limiter);
  std::string out;
  uint8_t chunk[1 << 16];
  for (;;) {
    Result<size_t> got = source.Read(chunk, sizeof(chunk));
    if (!got.ok()) {
      if (stats != nullptr) *stats = source.stats();
      return got.status();
    }
    if (*got == 0) break;
    out.append(reinterpret_cast<const char*>(chunk), *got);
  }
  if (stats != nullptr) *stats = source.stats();
  return out;
}

bool IsHttpUrl(std::string_view s) { return StartsWithNoCase(s, "http://") || StartsWithNoCase(s, "https://"); }

}  // namespace stocktake::crawler
