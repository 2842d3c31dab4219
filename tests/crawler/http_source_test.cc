// HttpSource against a real HTTP server on 127.0.0.1: every fault the
// network produces is retried or resumed without losing or repeating a byte,
// and a fault that outlasts the budget is a clear error.
#include "crawler/http_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "test_support/http_server.h"
#include "test_support/test_support.h"

namespace stocktake::crawler {
namespace {

using testing::HttpFault;

FetchOptions Fast() {
  FetchOptions o;
  o.max_retries = 6;
  o.backoff_initial_seconds = 0.01;
  o.backoff_max_seconds = 0.05;
  o.stall_timeout_seconds = 0.3;
  o.connect_timeout_seconds = 5;
  return o;
}

// Reads a source to the end in small, uneven pieces.
Result<std::string> Drain(HttpSource* source) {
  std::string out;
  uint8_t chunk[7000];
  for (size_t i = 0;; ++i) {
    Result<size_t> got = source->Read(chunk, 1000 + (i * 733) % 6000);
    if (!got.ok()) return got.status();
    if (*got == 0) return out;
    out.append(reinterpret_cast<const char*>(chunk), *got);
  }
}

std::string RealFile() {
  return testing::ReadFile(testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz"));
}

TEST(HttpSourceTest, ReadsTheBodyAsStored) {
  testing::HttpServer server;
  const std::string body = RealFile();
  ASSERT_GT(body.size(), 100000u);
  server.Serve("/a.warc.gz", body);
  HttpSource source(server.Url("/a.warc.gz"), Fast(), nullptr);
  auto got = Drain(&source);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == body);
  EXPECT_EQ(source.stats().requests, 1u);
  EXPECT_EQ(source.stats().retries, 0u);
  EXPECT_EQ(source.stats().size, static_cast<int64_t>(body.size()));
  EXPECT_EQ(source.stats().bytes_fetched, body.size());
}

TEST(HttpSourceTest, EveryFaultIsRetriedAndResumedExactly) {
  testing::HttpServer server;
  const std::string body = RealFile();
  server.Serve("/a.warc.gz", body);
  server.Script("/a.warc.gz", {{HttpFault::kStatus, 503},
                               {HttpFault::kStatus, 429, 0, 0, /*retry_after=*/0},
                               {HttpFault::kReset, 0, 1000},
                               {HttpFault::kStall, 0, 5000, /*stall_ms=*/3000},
                               {HttpFault::kShortBody, 0, 20000},
                               {HttpFault::kStatus, 500}});
  HttpSource source(server.Url("/a.warc.gz"), Fast(), nullptr);
  auto got = Drain(&source);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == body);
  const FetchStats& s = source.stats();
  EXPECT_EQ(s.requests, 7u);
  EXPECT_EQ(s.retries, 6u);
  EXPECT_EQ(s.faults.Get("http_503"), 1u);
  EXPECT_EQ(s.faults.Get("http_429"), 1u);
  EXPECT_EQ(s.faults.Get("http_500"), 1u);
  EXPECT_EQ(s.faults.Get("reset") + s.faults.Get("short_body"), 2u);
  EXPECT_EQ(s.faults.Get("stall"), 1u);
  // Resumed requests start exactly where the received bytes end. (A reset
  // may discard some of the 1000 bytes sent before it: X of them arrived.)
  const std::vector<std::string> ranges = server.Ranges("/a.warc.gz");
  ASSERT_EQ(ranges.size(), 7u);
  EXPECT_EQ(ranges[0], "");
  uint64_t x = 0;
  if (!ranges[3].empty()) {
    ASSERT_EQ(ranges[3].rfind("bytes=", 0), 0u) << ranges[3];
    x = std::stoull(ranges[3].substr(6));
  }
  EXPECT_LE(x, 1000u);
  EXPECT_EQ(ranges[4], "bytes=" + std::to_string(x + 5000) + "-");
  EXPECT_EQ(ranges[5], "bytes=" + std::to_string(x + 25000) + "-");
  EXPECT_EQ(ranges[6], ranges[5]);
  EXPECT_EQ(s.resumes, x > 0 ? 4u : 3u);
}

TEST(HttpSourceTest, AFaultOutlastingTheBudgetIsAClearError) {
  testing::HttpServer server;
  server.Serve("/a", "payload");
  FetchOptions options = Fast();
  options.max_retries = 3;
  server.Script("/a", std::vector<HttpFault>(4, HttpFault{HttpFault::kStatus, 503}));
  HttpSource source(server.Url("/a"), options, nullptr);
  auto got = Drain(&source);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("gave up after 3 retries"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find("http_503"), std::string::npos) << got.status().message();
  EXPECT_EQ(source.stats().requests, 4u);
  // The failure sticks.
  uint8_t b[8];
  EXPECT_FALSE(source.Read(b, sizeof(b)).ok());

  HttpSource missing(server.Url("/missing"), options, nullptr);
  auto none = Drain(&missing);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("HTTP 404"), std::string::npos) << none.status().message();
  EXPECT_EQ(missing.stats().requests, 1u);  // not retried

  HttpSource refused("http://127.0.0.1:1/x", options, nullptr);
  EXPECT_FALSE(Drain(&refused).ok());
  EXPECT_EQ(refused.stats().faults.Get("connect"), 4u);  // three retried, the last one final
}

TEST(HttpSourceTest, AResourceThatChangesMidTransferIsAnError) {
  testing::HttpServer server;
  const std::string body(200000, 'a');
  server.Serve("/a", body);
  server.Script("/a", {{HttpFault::kReset, 0, 1000}});
  HttpSource source(server.Url("/a"), Fast(), nullptr);
  uint8_t b[100];
  ASSERT_TRUE(source.Read(b, sizeof(b)).ok());
  server.Serve("/a", std::string(300000, 'b'));  // another version, another ETag
  auto rest = Drain(&source);
  ASSERT_FALSE(rest.ok());
  EXPECT_NE(rest.status().message().find("changed while being read"), std::string::npos) << rest.status().message();
}

TEST(HttpSourceTest, FetchToStringAndTheLimiter) {
  testing::HttpServer server;
  server.Serve("/m", "line 1\nline 2\n");
  FetchLimiter limiter(1, 0);
  auto text = FetchToString(server.Url("/m"), Fast(), &limiter);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "line 1\nline 2\n");

  // One transfer at a time: a second waits for the first slot.
  FetchLimiter::Slot first = limiter.AcquireTransfer();
  std::atomic<bool> second{false};
  std::thread t([&] {
    FetchLimiter::Slot s = limiter.AcquireTransfer();
    second = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second.load());
  first = FetchLimiter::Slot();
  t.join();
  EXPECT_TRUE(second.load());

  // 20 requests per second: the fifth starts no earlier than 0.2 s after the first.
  FetchLimiter paced(0, 20);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) paced.PaceRequest();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(195));
  EXPECT_TRUE(IsHttpUrl("https://data.commoncrawl.org/x"));
  EXPECT_FALSE(IsHttpUrl("s3://commoncrawl/x"));
}

}  // namespace
}  // namespace stocktake::crawler
