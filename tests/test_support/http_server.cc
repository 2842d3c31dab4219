// The test HTTP server: blocking sockets, a thread per connection.
#include "test_support/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace stocktake::testing {
namespace {

void SendAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
    if (sent <= 0) return;  // the client went away
    data += sent;
    n -= static_cast<size_t>(sent);
  }
}
void SendAll(int fd, const std::string& s) { SendAll(fd, s.data(), s.size()); }

std::string HeaderValue(const std::string& head, const std::string& name) {
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + 3 + name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

HttpServer::HttpServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("test HTTP server: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

HttpServer::~HttpServer() {
  stop_ = true;
  stopping_.notify_all();
  acceptor_.join();
  for (std::thread& t : connections_) t.join();
  ::close(listen_fd_);
}

std::string HttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpServer::Serve(const std::string& path, std::string body) {
  std::lock_guard<std::mutex> lock(mutex_);
  bodies_[path] = std::move(body);
}

void HttpServer::Script(const std::string& path, const std::vector<HttpFault>& faults) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const HttpFault& f : faults) faults_[path].push_back(f);
}

std::vector<std::string> HttpServer::Ranges(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ranges_.find(path);
  return it == ranges_.end() ? std::vector<std::string>{} : it->second;
}

bool HttpServer::Wait(int ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !stopping_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
}

void HttpServer::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.emplace_back([this, fd] {
      Handle(fd);
      ::close(fd);
    });
  }
}

void HttpServer::Handle(int fd) {
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
  const size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return;
  const std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string range = HeaderValue(head, "range"), if_range = HeaderValue(head, "if-range");

  std::string body;
  bool known = false;
  bool faulted = false;
  HttpFault fault;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ranges_[path].push_back(range);
    auto it = bodies_.find(path);
    if (it != bodies_.end()) {
      known = true;
      body = it->second;
    }
    auto& queue = faults_[path];
    if (!queue.empty()) {
      fault = queue.front();
      queue.pop_front();
      faulted = true;
    }
  }
  if (faulted && fault.kind == HttpFault::kStatus) {
    const std::string text = fault.status == 503 ? "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
                                                 : "error";
    std::string response = "HTTP/1.1 " + std::to_string(fault.status) + " Fault\r\nContent-Length: " +
                           std::to_string(text.size()) + "\r\nConnection: close\r\n";
    if (fault.retry_after >= 0) response += "Retry-After: " + std::to_string(fault.retry_after) + "\r\n";
    SendAll(fd, response + "\r\n" + text);
    return;
  }
  if (!known) {
    SendAll(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
    return;
  }
  const std::string etag = "\"v" + std::to_string(body.size()) + "\"";
  size_t start = 0;
  std::string status = "200 OK", extra;
  if (range.rfind("bytes=", 0) == 0 && (if_range.empty() || if_range == etag)) {
    start = std::stoull(range.substr(6));
    if (start >= body.size()) {
      SendAll(fd, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    status = "206 Partial Content";
    extra = "Content-Range: bytes " + std::to_string(start) + "-" + std::to_string(body.size() - 1) + "/" +
            std::to_string(body.size()) + "\r\n";
  }
  const size_t length = body.size() - start;
  SendAll(fd, "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(length) + "\r\nETag: " + etag +
                  "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n" + extra + "\r\n");
  if (!faulted) {
    SendAll(fd, body.data() + start, length);
    return;
  }
  const size_t first = std::min<size_t>(fault.after_bytes, length);
  SendAll(fd, body.data() + start, first);
  switch (fault.kind) {
    case HttpFault::kReset: {
      linger l{1, 0};  // close with RST
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
      return;
    }
    case HttpFault::kStall:
      Wait(fault.stall_ms);
      return;
    case HttpFault::kShortBody:
    case HttpFault::kStatus:
      return;  // the promised length never comes
  }
}

}  // namespace stocktake::testing
