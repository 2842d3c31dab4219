// A real HTTP/1.1 server on 127.0.0.1 for fetch tests, with Range requests
// and scripted faults.
//
// It serves bodies from memory by path (each with an ETag; Range "bytes=N-"
// gets a 206 unless an If-Range names another validator). Each request to a
// path takes the next scripted fault for that path, if any: a status answer
// (503 with an S3 SlowDown body, 429, 404, ...), a connection reset after
// some body bytes, a stall after some body bytes, or a body that ends before
// its Content-Length. One request per connection, one thread per connection.
// Thread-safe.
#ifndef STOCKTAKE_TESTS_HTTP_SERVER_H_
#define STOCKTAKE_TESTS_HTTP_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace stocktake::testing {

struct HttpFault {
  enum Kind { kStatus, kReset, kStall, kShortBody };
  Kind kind = kStatus;
  int status = 503;          // kStatus
  uint64_t after_bytes = 0;  // kReset, kStall, kShortBody: body bytes sent first
  int stall_ms = 0;          // kStall: then silence this long before closing
  int retry_after = -1;      // kStatus: a Retry-After header (seconds) when >= 0
};

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path) const;
  void Serve(const std::string& path, std::string body);
  // Faults for the next requests to `path`, in order (appended to any left).
  void Script(const std::string& path, const std::vector<HttpFault>& faults);
  // Requests to `path` so far, and the Range headers they carried ("" for none).
  std::vector<std::string> Ranges(const std::string& path) const;

 private:
  void Accept();
  void Handle(int fd);
  bool Wait(int ms);  // false when the server is stopping

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable stopping_;
  std::map<std::string, std::string> bodies_;
  std::map<std::string, std::deque<HttpFault>> faults_;
  std::map<std::string, std::vector<std::string>> ranges_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace stocktake::testing

#endif  // STOCKTAKE_TESTS_HTTP_SERVER_H_
